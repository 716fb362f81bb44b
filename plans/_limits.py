"""Checks a plan makes before its run starts: motor limits over the whole trajectory and
the fields it will look for in the readings.

Limits come from a device's ``get_limits()`` (``devices.protocols.HasLimits``: acq's
SimMotor and EpicsMotor) or, duck-typed, from a bluesky/ophyd-style ``limits``
``(low, high)`` attribute; ``None`` or ``(0, 0)`` mean unlimited. Reading them moves
nothing. Positions of relative plans are checked after adding where the motor is now
(see ``plans._relative``). Under ``plans.sim`` the simulator checks each set itself
(with its own ``limits=`` overrides), so these checks stand aside there.
"""

from __future__ import annotations

import inspect
import math
from collections.abc import Awaitable, Callable, Iterable, Sequence
from numbers import Real
from typing import Any

import numpy as np

from acq._exceptions import PlanError, PlanLimitError
from acq.messages import current_handler
from plans._relative import _relative_offset
from plans._wrappers_run import run_wrapper, stage_wrapper

Axes = Iterable[tuple[Any, Sequence[Any]]]


def _limit_pair(value: Any) -> tuple[float, float] | None:
    """``(low, high)`` floats (infinite where unbounded) from a limits value, or None."""
    if not isinstance(value, tuple | list) or len(value) != 2:
        return None
    if all(v is None for v in value) or tuple(value) == (0, 0):
        return None
    low = -math.inf if value[0] is None else value[0]
    high = math.inf if value[1] is None else value[1]
    if any(isinstance(v, bool) or not isinstance(v, Real) for v in (low, high)):
        return None
    return float(min(low, high)), float(max(low, high))


async def _device_limits(obj: Any) -> tuple[float, float] | None:
    """The limits ``obj`` reports (``get_limits()``, else a ``limits`` tuple), or None."""
    get = getattr(obj, "get_limits", None)
    if callable(get):
        value = get()
        return _limit_pair(await value if inspect.isawaitable(value) else value)
    return _limit_pair(getattr(obj, "limits", None))


def _simulated() -> bool:
    """True under a handler that checks limits itself (plans.sim's Simulator)."""
    handler: Any = current_handler()
    while handler is not None:
        if getattr(handler, "checks_limits", False):
            return True
        handler = getattr(handler, "outer", None)
    return False


def _violation(plan: str, motor: Any, arr: Any, lim: tuple[float, float]) -> str | None:
    bad = np.flatnonzero((arr < lim[0]) | (arr > lim[1]))
    if bad.size == 0:
        return None
    i = int(bad[0])
    name = getattr(motor, "name", motor)
    return (
        f"{plan}(): motor {name!r} would move to {float(arr[i])!r} (point #{i + 1}), outside "
        f"its limits [{lim[0]}, {lim[1]}]"
    )


async def _check_limits(plan: str, axes: Axes) -> None:
    """Raise PlanLimitError if any position of any axis lies outside its motor's limits."""
    if _simulated():
        return
    for motor, positions in axes:
        lim = await _device_limits(motor)
        if lim is None:
            continue
        try:
            arr = np.asarray(positions, dtype=float)
        except (TypeError, ValueError):
            continue  # not numbers (e.g. enum positions): the device checks each set
        offset, starts = await _relative_offset(motor)
        try:
            arr = arr + float(offset)
        except (TypeError, ValueError):
            continue
        text = _violation(plan, motor, arr, lim)
        if text is not None:
            where = f" (start position {' + '.join(map(str, starts))} + relative)" if starts else ""
            raise PlanLimitError(
                f"{text}{where}. Nothing was moved and no run was opened. Fix: change the "
                "plan's start/stop or the motor's limits."
            )


async def _describe_keys(devices: Sequence[Any]) -> list[str] | None:
    """The data keys ``devices`` describe (read-only), or None if one cannot say."""
    keys: list[str] = []
    for dev in devices:
        describe = getattr(dev, "describe", None)
        if not callable(describe):
            return None
        desc = describe()
        desc = await desc if inspect.isawaitable(desc) else desc
        keys.extend(desc)
    return keys


async def _check_field(plan: str, param: str, field: str, devices: Sequence[Any]) -> None:
    """Raise PlanError unless ``field`` is among the keys the ``devices`` describe."""
    keys = await _describe_keys(devices)
    if keys is not None and field not in keys:
        raise PlanError(
            f"{plan}(): parameter {param!r} {field!r} is not among the fields read: "
            f"{sorted(keys)}. Fix: name a field the detectors produce."
        )


async def _checked_run(
    core: Callable[[], Awaitable[Any]],
    md: dict[str, Any],
    devices: list[Any],
    *,
    axes: Axes = (),
    field: tuple[str, str, Sequence[Any]] | None = None,
) -> Any:
    """Check ``field`` (``(param, field, devices)``) against the devices' keys and ``axes``
    against limits; then stage ``devices`` and run ``core()`` in a run with ``md``."""
    name = str(md.get("plan_name", "plan"))
    if field is not None:
        await _check_field(name, *field)
    await _check_limits(name, axes)
    return await stage_wrapper(run_wrapper(core(), md=md), devices)

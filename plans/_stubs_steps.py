"""Composite stubs: trigger_and_read, the per-step building blocks, mv/mvr, rd, repeat."""

from __future__ import annotations

import itertools
import time
from collections.abc import Awaitable, Callable, Hashable, Iterable, Mapping, Sequence
from typing import Any

from acq._exceptions import PlanError
from acq.messages import Msg, current_handler, send
from plans._reads import _read_concurrently
from plans._relative import relative_set_wrapper
from plans._stubs_msgs import read, wait
from plans._util import _check_movable, _group, _hinted_fields, _separate_devices

TakeReading = Callable[[Sequence[Any]], Awaitable[Any]]


async def _read_all(devices: Sequence[Any]) -> dict[str, Any]:
    """Send one ``read`` per device; concurrently when the handler allows it.

    The messages reach the handler in device order either way. Reads that
    finish at once cost no task (see ``plans._reads``). A handler that answers
    without suspending (a simulator) sets ``concurrent_reads = False`` to skip
    even that.
    """
    out: dict[str, Any] = {}
    if len(devices) > 1 and getattr(current_handler(), "concurrent_reads", True):
        results = await _read_concurrently(devices)
    else:
        results = [await send(Msg("read", d)) for d in devices]
    for reading in results:
        if reading is not None:
            out.update(reading)
    return out


async def trigger_and_read(devices: Sequence[Any], name: str = "primary") -> dict[str, Any]:
    """Trigger every triggerable device, wait once, then read all into one event.

    Triggers go out in one group followed by a single ``wait`` (the devices work
    concurrently); the reads are sent concurrently too. A failing read drops
    the half-made event and re-raises. Returns the merged readings.
    """
    if not devices:
        await send(Msg("null"))
    devs = _separate_devices(devices)
    grp = _group("trigger")
    triggered = False
    for obj in devs:
        if callable(getattr(obj, "trigger", None)):
            triggered = True
            await send(Msg("trigger", obj, group=grp))
    if triggered:
        await wait(group=grp)
    await send(Msg("create", name=name))
    try:
        readings = await _read_all(devs)
    except Exception:
        await send(Msg("drop"))
        raise
    await send(Msg("save"))
    return readings


async def one_shot(detectors: Sequence[Any], take_reading: TakeReading | None = None) -> None:
    """The default ``per_shot`` of count: checkpoint, then trigger and read."""
    await send(Msg("checkpoint"))
    await (take_reading or trigger_and_read)(list(detectors))


async def one_1d_step(
    detectors: Sequence[Any], motor: Any, step: Any, take_reading: TakeReading | None = None
) -> Any:
    """One step of a 1-D scan: move ``motor`` to ``step``, then trigger and read."""
    grp = _group("set")
    await send(Msg("checkpoint"))
    await send(Msg("set", motor, step, group=grp))
    await send(Msg("wait", None, group=grp))
    return await (take_reading or trigger_and_read)([*detectors, motor])


async def move_per_step(step: Mapping[Any, Any], pos_cache: dict[Any, Any]) -> None:
    """Move each motor of ``step`` that is not already there (one group, one wait)."""
    await send(Msg("checkpoint"))
    grp = _group("set")
    for motor, pos in step.items():
        if pos == pos_cache.get(motor):
            continue
        await send(Msg("set", motor, pos, group=grp))
        pos_cache[motor] = pos
    await send(Msg("wait", None, group=grp))


async def one_nd_step(
    detectors: Sequence[Any],
    step: Mapping[Any, Any],
    pos_cache: dict[Any, Any],
    take_reading: TakeReading | None = None,
) -> Any:
    """The default ``per_step`` of N-D scans: move_per_step, then trigger and read."""
    await move_per_step(step, pos_cache)
    return await (take_reading or trigger_and_read)([*detectors, *step])


def _pairs(stub: str, args: Sequence[Any]) -> list[tuple[Any, Any]]:
    if len(args) % 2:
        raise PlanError(
            f"{stub}(): expects pairs (device, value, device, value, ...), got {len(args)} "
            f"argument(s): {list(args)!r}."
        )
    pairs = [(args[i], args[i + 1]) for i in range(0, len(args), 2)]
    for k, (obj, _) in enumerate(pairs):
        _check_movable(stub, f"args[{2 * k}]", obj)
    return pairs


async def mv(
    *args: Any, group: Hashable | None = None, timeout: float | None = None, **kwargs: Any
) -> tuple[Any, ...]:
    """Move devices in parallel and wait once: ``await mv(m1, 1, m2, 2)``."""
    pairs = _pairs("mv", args)
    group = group or _group("mv")
    statuses = [await send(Msg("set", obj, val, group=group, **kwargs)) for obj, val in pairs]
    await send(Msg("wait", None, group=group, timeout=timeout))
    return tuple(statuses)


async def mvr(
    *args: Any, group: Hashable | None = None, timeout: float | None = None, **kwargs: Any
) -> tuple[Any, ...]:
    """Move devices relative to where they are, in parallel: ``await mvr(m1, 0.5)``."""
    objs = [obj for obj, _ in _pairs("mvr", args)]
    return await relative_set_wrapper(mv(*args, group=group, timeout=timeout, **kwargs), objs)


async def rel_set(
    obj: Any, *args: Any, group: Hashable | None = None, wait: bool = False, **kwargs: Any
) -> Any:
    """Set ``obj`` relative to its current position."""
    from plans._stubs_msgs import abs_set

    return await relative_set_wrapper(abs_set(obj, *args, group=group, wait=wait, **kwargs), [obj])


async def rd(obj: Any, *, default_value: Any = 0) -> Any:
    """The single value of ``obj`` (its readback if locatable, else its one hinted field)."""
    if callable(getattr(obj, "locate", None)):
        location = await send(Msg("locate", obj))
        return default_value if location is None else location["readback"]
    hints = _hinted_fields(obj)
    if len(hints) > 1:
        raise PlanError(
            f"rd(): {getattr(obj, 'name', obj)!r} hints {len(hints)} fields {hints}; cannot "
            "pick a single value. Fix: read one of its components instead."
        )
    ret = await read(obj)
    if ret is None:
        return default_value
    if hints:
        return ret[hints[0]]["value"]
    if len(ret) != 1:
        raise PlanError(
            f"rd(): {getattr(obj, 'name', obj)!r} returned {len(ret)} values {list(ret)}; "
            "cannot pick a single value. Fix: hint one field or read a component."
        )
    return next(iter(ret.values()))["value"]


async def repeater(
    n: int | None, plan: Callable[..., Awaitable[Any]], *args: Any, **kw: Any
) -> None:
    """Await ``plan(*args, **kw)`` ``n`` times (forever if ``n`` is None)."""
    it: Iterable[int] = itertools.count() if n is None else range(n)
    for _ in it:
        await plan(*args, **kw)


def _delays(num: int | None, delay: float | Iterable[float] | None) -> Iterable[float | None]:
    if not isinstance(delay, Iterable):
        return itertools.repeat(delay)
    if isinstance(delay, Sequence) and num and num - 1 > len(delay):
        raise PlanError(
            f"repeat(): num={num} needs at least {num - 1} delays, got {len(delay)}. "
            "Fix: pass a scalar delay or a longer list."
        )
    return delay


async def repeat(
    plan: Callable[[], Awaitable[Any]],
    num: int | None = 1,
    delay: float | Iterable[float] | None = 0.0,
) -> None:
    """Await ``plan()`` ``num`` times (forever if None) with ``delay`` between starts."""
    delays = iter(_delays(num, delay))
    it: Iterable[int] = itertools.count() if num is None else range(num)
    for i in it:
        now = time.monotonic()
        await send(Msg("checkpoint"))
        await plan()
        if num is not None and i + 1 == num:
            break
        try:
            d = next(delays)
        except StopIteration:
            if num is None:
                break
            raise PlanError(f"repeat(): num={num} but the delays ran out after {i + 1}.") from None
        if d is not None:
            d = d - (time.monotonic() - now)
            if d > 0:
                await send(Msg("sleep", None, d))

"""scan_nd, the engine of every step scan, and helpers shared by the plans."""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable, Coroutine, Mapping, Sequence
from typing import Any

from acq._exceptions import PlanError
from plans._limits import _check_limits
from plans._relative import relative_set_wrapper, reset_positions_wrapper
from plans._stubs_steps import one_nd_step
from plans._trajectory import Trajectory
from plans._util import _check_detectors, _hinted_fields
from plans._wrappers_run import run_wrapper, stage_wrapper

PATTERNS = "bluesky.plan_patterns"  # plan_pattern_module, as bluesky writes it

PerStep = Callable[..., Awaitable[Any]]
Plan = Coroutine[Any, Any, Any]


def _merge(base: dict[str, Any], md: Mapping[str, Any] | None) -> dict[str, Any]:
    """``base`` updated with the user's ``md`` (hints copied so the caller's dict is untouched)."""
    base.update(md or {})
    base["hints"] = dict(base.get("hints") or {})
    return base


def _dimensions(motors: Sequence[Any]) -> list[list[Any]] | None:
    """One ``[fields, "primary"]`` per motor, or None if a motor has no hinted fields."""
    dims = []
    for m in motors:
        hints = getattr(m, "hints", None)
        if not isinstance(hints, dict) or "fields" not in hints:
            return None
        dims.append([list(hints["fields"]), "primary"])
    return dims


def _x_fields_hints(motors: Sequence[Any]) -> dict[str, Any]:
    fields = [f for m in motors for f in _hinted_fields(m)]
    return {"dimensions": [[fields, "primary"]]} if fields else {}


def _param_names(func: Callable[..., Any]) -> list[str] | None:
    try:
        params = list(inspect.signature(func).parameters.values())
    except (TypeError, ValueError):
        return None
    names = [p.name for p in params[:3]]
    for p in params[3:]:
        if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD) and p.default is p.empty:
            return None
    return names


def _adapt_per_step(plan: str, per_step: PerStep | None, motors: list[Any]) -> PerStep:
    """The N-D per_step hook, adapting a 1-D ``(detectors, motor, step)`` hook."""
    if per_step is None:
        return one_nd_step
    names = _param_names(per_step)
    if names == ["detectors", "step", "pos_cache"]:
        return per_step
    if names == ["detectors", "motor", "step"]:
        if len(motors) != 1:
            raise PlanError(
                f"{plan}(): parameter 'per_step' has the 1-D signature (detectors, motor, step) "
                f"but {len(motors)} motors are scanned. Fix: use (detectors, step, pos_cache)."
            )
        (motor,) = motors
        one_d = per_step

        async def adapter(detectors: Sequence[Any], step: Mapping[Any, Any], _: Any) -> Any:
            (value,) = step.values()
            return await one_d(detectors, motor, value)

        return adapter
    raise PlanError(
        f"{plan}(): parameter 'per_step' must take (detectors, step, pos_cache) or "
        f"(detectors, motor, step); got {per_step!r} with parameters {names}."
    )


async def _step_loop(detectors: list[Any], trajectory: Trajectory, per_step: PerStep) -> None:
    pos_cache: dict[Any, Any] = {}
    for step in trajectory:
        await per_step(detectors, step, pos_cache)


def _as_trajectory(plan: str, cycler: Any) -> Trajectory:
    if isinstance(cycler, Trajectory):
        return cycler
    if hasattr(cycler, "keys") and hasattr(cycler, "__iter__"):
        return Trajectory.from_steps(cycler)
    raise PlanError(
        f"{plan}(): parameter 'cycler' expects a plans.Trajectory or cycler.Cycler, got "
        f"{type(cycler).__name__}."
    )


def scan_nd(
    detectors: Sequence[Any],
    cycler: Any,
    *,
    per_step: PerStep | None = None,
    md: Mapping[str, Any] | None = None,
) -> Plan:
    """Scan over any N-dimensional trajectory (a :class:`plans.Trajectory` or a cycler).

    At each step the motors that change move together, then the detectors and
    motors are triggered and read (``per_step`` replaces that, see one_nd_step).
    Returns the run uid.
    """
    dets = _check_detectors("scan_nd", detectors)
    traj = _as_trajectory("scan_nd", cycler)
    motors = traj.keys
    base: dict[str, Any] = {
        "detectors": [d.name for d in dets],
        "motors": [m.name for m in motors],
        "num_points": len(traj),
        "num_intervals": len(traj) - 1,
        "plan_args": {
            "detectors": [repr(d) for d in dets],
            "cycler": repr(cycler),
            "per_step": repr(per_step),
        },
        "plan_name": "scan_nd",
        "hints": {},
    }
    _md = _merge(base, md)
    dims = _dimensions(motors)
    if dims is not None:
        _md["hints"].setdefault("dimensions", dims)
    return _scan_nd_plan(dets, traj, _adapt_per_step("scan_nd", per_step, motors), _md)


async def _scan_nd_plan(
    dets: list[Any], traj: Trajectory, per_step: PerStep, md: dict[str, Any]
) -> Any:
    """The coroutine scan_nd returns; plans.sim reads its arguments for a vectorised dry run."""
    await _check_limits(str(md.get("plan_name", "scan_nd")), traj._axes)
    run = run_wrapper(_step_loop(dets, traj, per_step), md=md)
    return await stage_wrapper(run, [*dets, *traj.keys])


def _relative(plan: Awaitable[Any], motors: list[Any]) -> Plan:
    """Positions of ``motors`` relative to where they start, and put them back after."""
    return reset_positions_wrapper(relative_set_wrapper(plan, motors), motors)


def _relative_call(
    absolute: Callable[..., Awaitable[Any]], plan: str, args: dict[str, Any], motors: list[Any]
) -> Plan:
    """``absolute(**args)`` named ``plan`` (the rel_ form's parameters), relative to ``motors``."""
    kw = dict(args)
    kw["md"] = {"plan_name": plan, **(kw["md"] or {})}
    return _relative(absolute(**kw), motors)

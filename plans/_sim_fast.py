"""The vectorised dry run of a plain step scan (scan_nd with the default per_step).

A step scan's messages are fully determined by its trajectory, so limits,
positions, event count and duration can be computed with numpy instead of
sending ~9 messages per point. ``simulate`` uses this only when no message
list is asked for (``max_messages=0``), no points are kept, and nothing needs
the readings; the results equal the message-by-message simulation (tested).
"""

from __future__ import annotations

import inspect
from typing import Any

import numpy as np

from acq._exceptions import PlanError
from acq.messages import Msg
from plans._plans_core import _scan_nd_plan
from plans._sim import SimResult, Simulator
from plans._stubs_msgs import _json_shaped
from plans._stubs_steps import one_nd_step
from plans._trajectory import Trajectory
from plans._util import _separate_devices


def _scan_parts(plan: Any) -> tuple[list[Any], Trajectory, dict[str, Any]] | None:
    """(detectors, trajectory, md) of an unstarted plain step scan, else None."""
    if getattr(plan, "cr_code", None) is not _scan_nd_plan.__code__:
        return None
    if inspect.getcoroutinestate(plan) != inspect.CORO_CREATED:
        return None
    loc = plan.cr_frame.f_locals
    if loc["per_step"] is not one_nd_step:
        return None
    return loc["dets"], loc["traj"], loc["md"]


def _axis(
    sim: Simulator, motor: Any, arr: np.ndarray[Any, Any], move: np.ndarray[Any, Any]
) -> list[tuple[int, str]]:
    """Record one axis's sets; fold its move times into ``move``; return its violations."""
    n = len(arr)
    changed = np.ones(n, dtype=bool)
    changed[1:] = arr[1:] != arr[:-1]
    targets = arr[changed]
    sim.result.sets[sim._name(motor)] = targets.tolist()
    start = sim._position(motor)
    velocity = sim._velocity_of(motor)
    if velocity:
        prev = np.concatenate([[start], targets[:-1]])
        idx = np.flatnonzero(changed)
        move[idx] = np.maximum(move[idx], np.abs(targets - prev) / velocity)
    sim._positions[id(motor)] = targets[-1].item()
    lim = sim._limits_of(motor)
    if lim is None:
        return []
    bad = np.flatnonzero(changed & ((arr < lim[0]) | (arr > lim[1])))
    return [
        (
            int(i),
            f"set of {sim._name(motor)!r} to {float(arr[i])!r} is outside its limits "
            f"[{lim[0]}, {lim[1]}] (point #{int(i) + 1}). Fix: change the plan's start/stop "
            "or the device's limits.",
        )
        for i in bad
    ]


def _fast_simulate(sim: Simulator, parts: tuple[list[Any], Trajectory, dict[str, Any]]) -> Any:
    """Simulate the step scan from its trajectory; None (nothing done) if it is not numeric."""
    dets, traj, md = parts
    n = len(traj)
    try:
        arrays = [np.asarray(values, dtype=float) for _, values in traj._axes]
    except (TypeError, ValueError):
        return None
    if n == 0 or any(a.ndim != 1 for a in arrays):
        return None
    res: SimResult = sim.result
    uid = sim._open_run(Msg("open_run", **_json_shaped(md)))
    move = np.zeros(n)
    found: list[tuple[int, int, str]] = []
    for k, ((motor, _), arr) in enumerate(zip(traj._axes, arrays, strict=True)):
        found += [(i, k, text) for i, text in _axis(sim, motor, arr, move)]
    found.sort()
    if found and sim._strict:
        raise PlanError(f"check_limits: {found[0][2]}")
    res.violations.extend(text for _, _, text in found)
    triggered = [
        d for d in _separate_devices([*dets, *traj.keys]) if callable(getattr(d, "trigger", None))
    ]
    exposure = max((sim._exposure_of(d) for d in triggered), default=0.0)
    sim._clock += float(move.sum()) + n * exposure
    res.events += n
    res.method = "trajectory"
    return uid

"""count and the 1-D / inner-product scans (scan, list_scan, log_scan, their rel_ forms, x2x)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import numpy as np

from acq._exceptions import PlanError
from plans._plans_core import (
    PATTERNS,
    PerStep,
    Plan,
    _dimensions,
    _merge,
    _relative,
    _x_fields_hints,
    scan_nd,
)
from plans._stubs_steps import one_shot, repeat
from plans._trajectory import Trajectory, _inner_list_product, _inner_product
from plans._util import (
    _check_args_groups,
    _check_detectors,
    _check_movable,
    _check_num,
    _check_real,
)
from plans._wrappers_run import run_wrapper, stage_wrapper


def count(
    detectors: Sequence[Any],
    num: int | None = 1,
    delay: float | Iterable[float] = 0.0,
    *,
    per_shot: Callable[..., Any] | None = None,
    md: Mapping[str, Any] | None = None,
) -> Plan:
    """Take ``num`` readings of ``detectors`` (forever if None), ``delay`` s apart."""
    dets = _check_detectors("count", detectors)
    if num is not None:
        num = _check_num("count", "num", num)
        if isinstance(delay, Sequence) and len(delay) < num - 1:
            raise PlanError(
                f"count(): parameter 'delay' has {len(delay)} entries but num={num} needs "
                f"{num - 1}. Fix: pass a scalar delay or {num - 1} delays."
            )
    base = {
        "detectors": [d.name for d in dets],
        "num_points": num,
        "num_intervals": None if num is None else num - 1,
        "plan_args": {"detectors": [repr(d) for d in dets], "num": num, "delay": delay},
        "plan_name": "count",
        "hints": {},
    }
    _md = _merge(base, md)
    _md["hints"].setdefault("dimensions", [[["time"], "primary"]])
    shot = per_shot or one_shot

    async def inner() -> None:
        await repeat(lambda: shot(dets), num=num, delay=delay)

    return stage_wrapper(run_wrapper(inner(), md=_md), dets)


def _scan_groups(plan: str, args: Sequence[Any], num: Any) -> tuple[list[list[Any]], int]:
    if num is None:
        if len(args) % 3 != 1:
            raise PlanError(
                f"{plan}(): expects (motor, start, stop) groups then num, or num=...; got "
                f"{len(args)} positional value(s): {list(args)!r}."
            )
        args, num = args[:-1], args[-1]
    groups = _check_args_groups(plan, args, 3, "motor, start, stop", numbers=(1, 2))
    return groups, _check_num(plan, "num", num)


def scan(
    detectors: Sequence[Any],
    *args: Any,
    num: int | None = None,
    per_step: PerStep | None = None,
    md: Mapping[str, Any] | None = None,
) -> Plan:
    """Move one or more motors together from start to stop in ``num`` points.

    ``scan([det], m1, -1, 1, m2, 0, 2, num=5)`` (num may also be the last
    positional argument).
    """
    dets = _check_detectors("scan", detectors)
    raw_num = num if num is not None else (args[-1] if args else None)
    groups, n = _scan_groups("scan", args, num)
    md_args = [x for m, a, b in groups for x in (repr(m), a, b)]
    motors = [g[0] for g in groups]
    user = dict(md or {})
    _md: dict[str, Any] = {
        "plan_args": {
            "detectors": [repr(d) for d in dets],
            "num": raw_num,
            "args": md_args,
            "per_step": repr(per_step),
        },
        "plan_name": "scan",
        "plan_pattern": "inner_product",
        "plan_pattern_module": PATTERNS,
        "plan_pattern_args": {"num": raw_num, "args": md_args},
        "motors": [m.name for m in motors],
    }
    _md.update(user)
    _md["hints"] = {**_x_fields_hints(motors), **(user.get("hints") or {})}
    return scan_nd(dets, _inner_product(n, groups), per_step=per_step, md=_md)


def rel_scan(
    detectors: Sequence[Any],
    *args: Any,
    num: int | None = None,
    per_step: PerStep | None = None,
    md: Mapping[str, Any] | None = None,
) -> Plan:
    """:func:`scan` with start/stop relative to each motor's position; motors return after."""
    _md = {"plan_name": "rel_scan", **(md or {})}
    inner = scan(detectors, *args, num=num, per_step=per_step, md=_md)
    return _relative(inner, [args[i] for i in range(0, len(args) - 2, 3)])


def _scan_1d_like(
    plan: str,
    pattern: str,
    detectors: Sequence[Any],
    motor: Any,
    start: float,
    stop: float,
    num: int,
    per_step: PerStep | None,
    md: Mapping[str, Any] | None,
) -> Plan:
    dets = _check_detectors(plan, detectors)
    _check_movable(plan, "motor", motor)
    _check_real(plan, "start", start)
    _check_real(plan, "stop", stop)
    n = _check_num(plan, "num", num)
    base = {
        "detectors": [d.name for d in dets],
        "motors": [motor.name],
        "num_points": num,
        "num_intervals": num - 1,
        "plan_args": {
            "detectors": [repr(d) for d in dets],
            "num": num,
            "start": start,
            "stop": stop,
            "motor": repr(motor),
            "per_step": repr(per_step),
        },
        "plan_name": plan,
        "plan_pattern": pattern,
        "plan_pattern_module": "numpy",
        "plan_pattern_args": {"start": start, "stop": stop, "num": num},
        "hints": {},
    }
    _md = _merge(base, md)
    dims = _dimensions([motor])
    if dims is not None:
        _md["hints"].setdefault("dimensions", dims)
    points = (np.logspace if pattern == "logspace" else np.linspace)(start, stop, n)
    return scan_nd(dets, Trajectory.axis(motor, points), per_step=per_step, md=_md)


def log_scan(
    detectors: Sequence[Any],
    motor: Any,
    start: float,
    stop: float,
    num: int,
    *,
    per_step: PerStep | None = None,
    md: Mapping[str, Any] | None = None,
) -> Plan:
    """Scan ``motor`` over ``num`` points spaced evenly on a log scale (10**start..10**stop)."""
    return _scan_1d_like("log_scan", "logspace", detectors, motor, start, stop, num, per_step, md)


def rel_log_scan(
    detectors: Sequence[Any],
    motor: Any,
    start: float,
    stop: float,
    num: int,
    *,
    per_step: PerStep | None = None,
    md: Mapping[str, Any] | None = None,
) -> Plan:
    """:func:`log_scan` relative to the motor's position; the motor returns after."""
    _md = {"plan_name": "rel_log_scan", **(md or {})}
    inner = log_scan(detectors, motor, start, stop, num, per_step=per_step, md=_md)
    return _relative(inner, [motor])


def list_scan(
    detectors: Sequence[Any],
    *args: Any,
    per_step: PerStep | None = None,
    md: Mapping[str, Any] | None = None,
) -> Plan:
    """Move motors together through explicit lists: ``list_scan([det], m1, [1, 2], m2, [3, 4])``."""
    dets = _check_detectors("list_scan", detectors)
    groups = _check_args_groups("list_scan", args, 2, "motor, [positions]", nonempty=(1,))
    groups = [[m, list(pos)] for m, pos in groups]
    lengths = {m.name: len(pos) for m, pos in groups}
    if len(set(lengths.values())) > 1:
        raise PlanError(
            f"list_scan(): parameter 'args' must give lists of equal length; got {lengths}. "
            "Fix: give every motor the same number of positions."
        )
    md_args = [x for m, pos in groups for x in (repr(m), pos)]
    length = len(groups[0][1])
    user = dict(md or {})
    _md: dict[str, Any] = {
        "detectors": [d.name for d in dets],
        "motors": list(lengths),
        "num_points": length,
        "num_intervals": (length or 1) - 1,
        "plan_args": {
            "detectors": [repr(d) for d in dets],
            "args": md_args,
            "per_step": repr(per_step),
        },
        "plan_name": "list_scan",
        "plan_pattern": "inner_list_product",
        "plan_pattern_module": PATTERNS,
        "plan_pattern_args": {"args": md_args},
    }
    _md.update(user)
    _md["hints"] = {**_x_fields_hints([g[0] for g in groups]), **(user.get("hints") or {})}
    return scan_nd(dets, _inner_list_product(groups), per_step=per_step, md=_md)


def rel_list_scan(
    detectors: Sequence[Any],
    *args: Any,
    per_step: PerStep | None = None,
    md: Mapping[str, Any] | None = None,
) -> Plan:
    """:func:`list_scan` with positions relative to each motor's start; motors return after."""
    _md = {"plan_name": "rel_list_scan", **(md or {})}
    inner = list_scan(detectors, *args, per_step=per_step, md=_md)
    return _relative(inner, list(args[0::2]))


def x2x_scan(
    detectors: Sequence[Any],
    motor1: Any,
    motor2: Any,
    start: float,
    stop: float,
    num: int,
    *,
    per_step: PerStep | None = None,
    md: Mapping[str, Any] | None = None,
) -> Plan:
    """Relative theta/2-theta style scan: ``motor2`` moves half as far as ``motor1``."""
    dets = _check_detectors("x2x_scan", detectors)
    _check_movable("x2x_scan", "motor1", motor1)
    _check_movable("x2x_scan", "motor2", motor2)
    _md = {
        "plan_name": "x2x_scan",
        "plan_args": {
            "detectors": [repr(d) for d in dets],
            "motor1": motor1.name,
            "motor2": motor2.name,
            "start": start,
            "stop": stop,
            "num": num,
            "per_step": repr(per_step),
        },
        **(md or {}),
    }
    args = (motor1, start, stop, motor2, start / 2, stop / 2)
    return rel_scan(dets, *args, num=num, per_step=per_step, md=_md)

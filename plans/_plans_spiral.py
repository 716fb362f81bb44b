"""Spiral scans: spiral, spiral_fermat, spiral_square and their relative forms."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from plans._plans_core import PATTERNS, PerStep, Plan, _merge, _relative, _relative_call, scan_nd
from plans._spirals import _fermat_points, _spiral_points, _square_points
from plans._trajectory import Trajectory
from plans._util import _check_detectors, _check_movable, _check_num


def _xy_checked(plan: str, detectors: Sequence[Any], x_motor: Any, y_motor: Any) -> list[Any]:
    dets = _check_detectors(plan, detectors)
    _check_movable(plan, "x_motor", x_motor)
    _check_movable(plan, "y_motor", y_motor)
    return dets


def _xy_dims(x_motor: Any, y_motor: Any) -> list[list[Any]] | None:
    try:
        return [
            [list(x_motor.hints["fields"]), "primary"],
            [list(y_motor.hints["fields"]), "primary"],
        ]
    except (AttributeError, KeyError, TypeError):
        return None


def _round_spiral(
    plan: str,
    pattern: str,
    detectors: Sequence[Any],
    x_motor: Any,
    y_motor: Any,
    geometry: dict[str, Any],
    per_step: PerStep | None,
    md: Mapping[str, Any] | None,
) -> Plan:
    dets = _xy_checked(plan, detectors, x_motor, y_motor)
    g = geometry
    points = _spiral_points if pattern == "spiral" else _fermat_points
    xs, ys = points(**g)
    pattern_args = {"x_motor": repr(x_motor), "y_motor": repr(y_motor), **g}
    base: dict[str, Any] = {
        "plan_args": {
            "detectors": [repr(d) for d in dets],
            "x_motor": repr(x_motor),
            "y_motor": repr(y_motor),
            **g,
            "per_step": repr(per_step),
        },
        "extents": [
            [g["x_start"] - g["x_range"], g["x_start"] + g["x_range"]],
            [g["y_start"] - g["y_range"], g["y_start"] + g["y_range"]],
        ],
        "plan_name": plan,
        "plan_pattern": pattern,
        "plan_pattern_module": PATTERNS,
        "plan_pattern_args": pattern_args,
        "hints": {},
    }
    dims = _xy_dims(x_motor, y_motor)
    if dims is not None:
        base["hints"] = {"dimensions": dims}
    _md = _merge(base, md)
    traj = Trajectory([(x_motor, xs), (y_motor, ys)])
    return scan_nd(dets, traj, per_step=per_step, md=_md)


def spiral(
    detectors: Sequence[Any],
    x_motor: Any,
    y_motor: Any,
    x_start: float,
    y_start: float,
    x_range: float,
    y_range: float,
    dr: float,
    nth: float,
    *,
    dr_y: float | None = None,
    tilt: float = 0.0,
    per_step: PerStep | None = None,
    md: Mapping[str, Any] | None = None,
) -> Plan:
    """An Archimedean spiral: rings ``dr`` apart with ``nth`` points per ring index."""
    geometry = {
        "x_start": x_start,
        "y_start": y_start,
        "x_range": x_range,
        "y_range": y_range,
        "dr": dr,
        "dr_y": dr_y,
        "nth": nth,
        "tilt": tilt,
    }
    return _round_spiral("spiral", "spiral", detectors, x_motor, y_motor, geometry, per_step, md)


def rel_spiral(
    detectors: Sequence[Any],
    x_motor: Any,
    y_motor: Any,
    x_range: float,
    y_range: float,
    dr: float,
    nth: float,
    *,
    dr_y: float | None = None,
    tilt: float = 0.0,
    per_step: PerStep | None = None,
    md: Mapping[str, Any] | None = None,
) -> Plan:
    """:func:`spiral` centred on the motors' current positions; motors return after."""
    args = dict(locals(), x_start=0, y_start=0)  # the parameters
    return _relative_call(spiral, "rel_spiral", args, [x_motor, y_motor])


def spiral_fermat(
    detectors: Sequence[Any],
    x_motor: Any,
    y_motor: Any,
    x_start: float,
    y_start: float,
    x_range: float,
    y_range: float,
    dr: float,
    factor: float,
    *,
    dr_y: float | None = None,
    tilt: float = 0.0,
    per_step: PerStep | None = None,
    md: Mapping[str, Any] | None = None,
) -> Plan:
    """A Fermat spiral: golden-angle points of equal area density (``dr / factor`` apart)."""
    geometry = {
        "x_start": x_start,
        "y_start": y_start,
        "x_range": x_range,
        "y_range": y_range,
        "dr": dr,
        "factor": factor,
        "dr_y": dr_y,
        "tilt": tilt,
    }
    return _round_spiral(
        "spiral_fermat", "spiral_fermat", detectors, x_motor, y_motor, geometry, per_step, md
    )


def rel_spiral_fermat(
    detectors: Sequence[Any],
    x_motor: Any,
    y_motor: Any,
    x_range: float,
    y_range: float,
    dr: float,
    factor: float,
    *,
    dr_y: float | None = None,
    tilt: float = 0.0,
    per_step: PerStep | None = None,
    md: Mapping[str, Any] | None = None,
) -> Plan:
    """:func:`spiral_fermat` centred on the motors' positions; motors return after."""
    args = dict(locals(), x_start=0, y_start=0)  # the parameters
    return _relative_call(spiral_fermat, "rel_spiral_fermat", args, [x_motor, y_motor])


def spiral_square(
    detectors: Sequence[Any],
    x_motor: Any,
    y_motor: Any,
    x_center: float,
    y_center: float,
    x_range: float,
    y_range: float,
    x_num: int,
    y_num: int,
    *,
    per_step: PerStep | None = None,
    md: Mapping[str, Any] | None = None,
) -> Plan:
    """A square spiral over an ``x_num`` by ``y_num`` grid, from the centre outwards."""
    dets = _xy_checked("spiral_square", detectors, x_motor, y_motor)
    _check_num("spiral_square", "x_num", x_num, minimum=2)
    _check_num("spiral_square", "y_num", y_num, minimum=2)
    xs, ys = _square_points(x_center, y_center, x_range, y_range, x_num, y_num)
    geometry = {
        "x_center": x_center,
        "y_center": y_center,
        "x_range": x_range,
        "y_range": y_range,
        "x_num": x_num,
        "y_num": y_num,
    }
    base: dict[str, Any] = {
        "plan_args": {
            "detectors": [repr(d) for d in dets],
            "x_motor": repr(x_motor),
            "y_motor": repr(y_motor),
            **geometry,
            "per_step": repr(per_step),
        },
        "plan_name": "spiral_square",
        "plan_pattern": "spiral_square",
        "shape": [y_num, x_num],
        "extents": [
            [y_center - y_range / 2, y_center + y_range / 2],
            [x_center - x_range / 2, x_center + x_range / 2],
        ],
        "hints": {},
    }
    _md = _merge(base, md)
    _md["hints"].setdefault("gridding", "rectilinear_nonsequential")
    dims = _xy_dims(y_motor, x_motor)
    if dims is not None:
        _md["hints"].setdefault("dimensions", dims)
    traj = Trajectory([(x_motor, xs), (y_motor, ys)])
    return scan_nd(dets, traj, per_step=per_step, md=_md)


def rel_spiral_square(
    detectors: Sequence[Any],
    x_motor: Any,
    y_motor: Any,
    x_range: float,
    y_range: float,
    x_num: int,
    y_num: int,
    *,
    per_step: PerStep | None = None,
    md: Mapping[str, Any] | None = None,
) -> Plan:
    """:func:`spiral_square` centred on the motors' positions; motors return after."""
    _md = {"plan_name": "rel_spiral_square", **(md or {})}
    inner = spiral_square(
        detectors, x_motor, y_motor, 0, 0, x_range, y_range, x_num, y_num, per_step=per_step, md=_md
    )
    return _relative(inner, [x_motor, y_motor])

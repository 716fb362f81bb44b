"""Mesh scans: grid_scan, list_grid_scan and their relative forms (snake per axis)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from acq._exceptions import PlanError
from plans._plans_core import PATTERNS, PerStep, Plan, _dimensions, _merge, _relative, scan_nd
from plans._trajectory import _outer_list_product, _outer_product
from plans._util import (
    _check_args_groups,
    _check_detectors,
    _check_num,
    _check_real,
    _describe,
    _is_movable,
)


def _motor_slots_ok(args: Sequence[Any], slots: set[int]) -> bool:
    return all(_is_movable(a) == (i in slots) for i, a in enumerate(args))


def _grid_chunks(plan: str, args: Sequence[Any]) -> tuple[list[list[Any]], bool]:
    """``(motor, start, stop, num, snake)`` chunks and whether the old 5-per-axis form was used."""
    n = len(args)
    new_ok = n > 0 and n % 4 == 0 and _motor_slots_ok(args, set(range(0, n, 4)))
    old_ok = n > 4 and (n - 4) % 5 == 0 and _motor_slots_ok(args, {0, *range(4, n, 5)})
    if not (new_ok or old_ok):
        for i in range(0, n, 4):
            if not _is_movable(args[i]):
                raise PlanError(
                    f"{plan}(): parameter 'args[{i}]' expects a movable device (with set()), "
                    f"got {_describe(args[i])}. 'args' is groups of 4: motor, start, stop, num."
                )
        raise PlanError(
            f"{plan}(): parameter 'args' must be groups of 4 (motor, start, stop, num), got "
            f"{n} value(s): {list(args)!r}."
        )
    if new_ok:
        chunks = [[*args[i : i + 4], False] for i in range(0, n, 4)]
    else:
        chunks = [[*args[0:4], False]] + [list(args[i : i + 5]) for i in range(4, n, 5)]
    for k, chunk in enumerate(chunks):
        _check_num(plan, f"num of axis {k} ({getattr(chunk[0], 'name', chunk[0])})", chunk[3])
        first = 4 * k if new_ok else max(0, 5 * k - 1)
        _check_real(plan, f"args[{first + 1}]", chunk[1], "start")
        _check_real(plan, f"args[{first + 2}]", chunk[2], "stop")
    return chunks, old_ok and not new_ok


def _apply_snake(plan: str, chunks: list[list[Any]], snake_axes: Any) -> None:
    motors = [c[0] for c in chunks]
    if snake_axes is True or snake_axes is False:
        for k, c in enumerate(chunks):
            c[4] = bool(snake_axes) and k > 0
        return
    if not isinstance(snake_axes, Iterable) or isinstance(snake_axes, str):
        raise PlanError(
            f"{plan}(): parameter 'snake_axes' must be True, False or a list of motors, "
            f"got {snake_axes!r}."
        )
    axes = tuple(snake_axes)
    if len({id(a) for a in axes}) != len(axes):
        raise PlanError(f"{plan}(): parameter 'snake_axes' lists a motor twice: {axes!r}.")
    if motors and any(a is motors[0] for a in axes):
        raise PlanError(
            f"{plan}(): parameter 'snake_axes' contains the slowest (first) motor, which "
            "cannot snake. Fix: remove it."
        )
    if any(not any(a is m for m in motors) for a in axes):
        raise PlanError(f"{plan}(): parameter 'snake_axes' names motors not in the scan: {axes!r}.")
    for k, c in enumerate(chunks):
        c[4] = k > 0 and any(c[0] is a for a in axes)


def grid_scan(
    detectors: Sequence[Any],
    *args: Any,
    snake_axes: Iterable[Any] | bool | None = None,
    per_step: PerStep | None = None,
    md: Mapping[str, Any] | None = None,
) -> Plan:
    """Scan a mesh: ``grid_scan([det], m1, 0, 1, 5, m2, 0, 2, 3, snake_axes=True)``.

    The first motor is the slowest. ``snake_axes`` is False (default), True (all
    but the first) or a list of motors that reverse direction on each pass.
    """
    dets = _check_detectors("grid_scan", detectors)
    chunks, old_form = _grid_chunks("grid_scan", args)
    if snake_axes is not None and old_form:
        raise PlanError(
            "grid_scan(): parameter 'snake_axes' cannot be combined with snake flags inside "
            "'args' (the old 5-per-axis form). Fix: use groups of 4 and snake_axes."
        )
    motors = [c[0] for c in chunks]
    if len({id(m) for m in motors}) != len(motors):
        raise PlanError(f"grid_scan(): parameter 'args' lists a motor twice: {motors!r}.")
    if snake_axes is not None or not old_form:
        _apply_snake("grid_scan", chunks, bool(snake_axes) if snake_axes is None else snake_axes)
    md_args: list[Any] = []
    for k, (m, start, stop, num, snake) in enumerate(chunks):
        md_args.extend([repr(m), start, stop, num] + ([snake] if k > 0 else []))
    base = {
        "shape": [c[3] for c in chunks],
        "extents": [[c[1], c[2]] for c in chunks],
        "snaking": [c[4] for c in chunks],
        "plan_args": {
            "detectors": [repr(d) for d in dets],
            "args": md_args,
            "per_step": repr(per_step),
        },
        "plan_name": "grid_scan",
        "plan_pattern": "outer_product",
        "plan_pattern_args": {"args": md_args},
        "plan_pattern_module": PATTERNS,
        "motors": [m.name for m in motors],
        "hints": {},
    }
    _md = _merge(base, md)
    _md["hints"].setdefault("gridding", "rectilinear")
    dims = _dimensions(motors)
    if dims is not None:
        _md["hints"].setdefault("dimensions", dims)
    return scan_nd(dets, _outer_product(chunks), per_step=per_step, md=_md)


def rel_grid_scan(
    detectors: Sequence[Any],
    *args: Any,
    snake_axes: Iterable[Any] | bool | None = None,
    per_step: PerStep | None = None,
    md: Mapping[str, Any] | None = None,
) -> Plan:
    """:func:`grid_scan` relative to each motor's position; motors return after."""
    _md = {"plan_name": "rel_grid_scan", **(md or {})}
    inner = grid_scan(detectors, *args, snake_axes=snake_axes, per_step=per_step, md=_md)
    return _relative(inner, [c[0] for c in _grid_chunks("rel_grid_scan", args)[0]])


def _list_snaking(plan: str, motors: list[Any], snake_axes: Any) -> list[bool]:
    if snake_axes is True or snake_axes is False:
        return [bool(snake_axes) and k > 0 for k in range(len(motors))]
    if not isinstance(snake_axes, Iterable) or isinstance(snake_axes, str):
        raise PlanError(
            f"{plan}(): parameter 'snake_axes' must be True, False or a list of motors, "
            f"got {snake_axes!r}."
        )
    axes = list(snake_axes)
    return [any(m is a for a in axes) for m in motors]


def list_grid_scan(
    detectors: Sequence[Any],
    *args: Any,
    snake_axes: Iterable[Any] | bool = False,
    per_step: PerStep | None = None,
    md: Mapping[str, Any] | None = None,
) -> Plan:
    """A mesh over explicit position lists: ``list_grid_scan([det], m1, [1, 2], m2, [5, 6, 7])``."""
    dets = _check_detectors("list_grid_scan", detectors)
    groups = _check_args_groups("list_grid_scan", args, 2, "motor, [positions]")
    for k, (m, pos) in enumerate(groups):
        if len(list(pos)) == 0:
            raise PlanError(
                f"list_grid_scan(): parameter 'args[{2 * k + 1}]' (positions of "
                f"{getattr(m, 'name', m)!r}) is empty. Fix: give at least one position."
            )
    motors = [g[0] for g in groups]
    snaking = _list_snaking("list_grid_scan", motors, snake_axes)
    md_args = [x for m, pos in groups for x in (repr(m), pos)]
    base = {
        "shape": [len(pos) for _, pos in groups],
        "extents": [[min(pos), max(pos)] for _, pos in groups],
        "snake_axes": repr(snake_axes),
        "plan_args": {
            "detectors": [repr(d) for d in dets],
            "args": md_args,
            "per_step": repr(per_step),
        },
        "plan_name": "list_grid_scan",
        "plan_pattern": "outer_list_product",
        "plan_pattern_args": {"args": md_args, "snake_axes": repr(snake_axes)},
        "plan_pattern_module": PATTERNS,
        "motors": [m.name for m in motors],
        "hints": {},
    }
    _md = _merge(base, md)
    dims = _dimensions(motors)
    if dims is not None:
        _md["hints"].setdefault("dimensions", dims)
    return scan_nd(dets, _outer_list_product(groups, snaking), per_step=per_step, md=_md)


def rel_list_grid_scan(
    detectors: Sequence[Any],
    *args: Any,
    snake_axes: Iterable[Any] | bool = False,
    per_step: PerStep | None = None,
    md: Mapping[str, Any] | None = None,
) -> Plan:
    """:func:`list_grid_scan` relative to each motor's position; motors return after."""
    _md = {"plan_name": "rel_list_grid_scan", **(md or {})}
    inner = list_grid_scan(detectors, *args, snake_axes=snake_axes, per_step=per_step, md=_md)
    return _relative(inner, list(args[0::2]))

"""Small helpers shared by the stubs, wrappers and plans (duck-typed device checks)."""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from numbers import Real
from typing import Any

from acq._exceptions import PlanError

_counter = itertools.count(1)


def _group(label: str) -> str:
    """A readable group name unique in this process, e.g. ``set-17`` (no uuid cost)."""
    return f"{label}-{next(_counter)}"


def _ancestry(obj: Any) -> list[Any]:
    out = [obj]
    parent = getattr(obj, "parent", None)
    while parent is not None:
        out.append(parent)
        parent = getattr(parent, "parent", None)
    return out


def _root(obj: Any) -> Any:
    return _ancestry(obj)[-1]


def _separate_devices(devices: Iterable[Any]) -> list[Any]:
    """Drop devices whose ancestor is also listed (keeps order), as bluesky does."""
    result: list[Any] = []
    for dev in devices:
        for existing in result[:]:
            if existing in _ancestry(dev):
                break
            if dev in _ancestry(existing):
                result.remove(existing)
        else:
            result.append(dev)
    return result


def _hinted_fields(obj: Any) -> list[str]:
    hints = getattr(obj, "hints", None)
    if isinstance(hints, dict):
        return list(hints.get("fields", []))
    return []


def _is_movable(obj: Any) -> bool:
    return callable(getattr(obj, "set", None))


def _is_readable(obj: Any) -> bool:
    return callable(getattr(obj, "read", None))


def _is_status(obj: Any) -> bool:
    return hasattr(obj, "add_callback") and hasattr(obj, "done")


def _describe(obj: Any) -> str:
    name = getattr(obj, "name", None)
    return f"{name!r} ({type(obj).__name__})" if name else repr(obj)


def _check_detectors(plan: str, detectors: Any, param: str = "detectors") -> list[Any]:
    if not isinstance(detectors, Sequence) or isinstance(detectors, str):
        raise PlanError(
            f"{plan}(): parameter {param!r} expects a list or tuple of readable devices, "
            f"got {type(detectors).__name__} {detectors!r}. Fix: pass e.g. [det]."
        )
    for det in detectors:
        if not _is_readable(det):
            raise PlanError(
                f"{plan}(): parameter {param!r} expects readable devices (with read() and "
                f"describe()), got {_describe(det)}. Fix: pass detectors, not values."
            )
    return list(detectors)


def _check_movable(plan: str, param: str, obj: Any) -> Any:
    if not _is_movable(obj):
        raise PlanError(
            f"{plan}(): parameter {param!r} expects a movable device (with set()), got "
            f"{_describe(obj)}. Fix: check the order of the arguments (motor, start, stop...)."
        )
    return obj


def _check_num(plan: str, param: str, num: Any, minimum: int = 1) -> int:
    try:
        ok = float(num).is_integer() and num >= minimum
    except (TypeError, ValueError):
        ok = False
    if not ok:
        raise PlanError(
            f"{plan}(): parameter {param!r} is a number of points and must be a whole "
            f"number >= {minimum}, got {num!r}. Fix: pass the number of points, not a step size."
        )
    return int(num)


def _check_real(plan: str, param: str, value: Any, what: str = "a number") -> Any:
    """``value`` if it is a real number (not a bool), else PlanError naming ``param``."""
    if isinstance(value, bool) or not isinstance(value, Real):
        raise PlanError(
            f"{plan}(): parameter {param!r} ({what}) must be a number, got "
            f"{type(value).__name__} {value!r}."
        )
    return value


def _check_positive(plan: str, param: str, value: Any, *, optional: bool = False) -> Any:
    """``value`` if it is a number > 0 (or None when ``optional``), else PlanError."""
    if optional and value is None:
        return value
    _check_real(plan, param, value)
    if not value > 0:
        raise PlanError(f"{plan}(): parameter {param!r} must be > 0, got {value!r}.")
    return value


def _check_args_groups(
    plan: str,
    args: Sequence[Any],
    size: int,
    pattern: str,
    *,
    numbers: Sequence[int] = (),
    nonempty: Sequence[int] = (),
) -> list[Any]:
    """``args`` split in groups of ``size``, each starting with a movable; the slots in
    ``numbers`` must be numbers, those in ``nonempty`` non-empty position lists."""
    if len(args) == 0 or len(args) % size:
        raise PlanError(
            f"{plan}(): parameter 'args' must be groups of {size} ({pattern}), got "
            f"{len(args)} value(s): {list(args)!r}."
        )
    groups = [list(args[i : i + size]) for i in range(0, len(args), size)]
    names = pattern.split(", ")
    for k, group in enumerate(groups):
        _check_movable(plan, f"args[{k * size}]", group[0])
        for i in numbers:
            _check_real(plan, f"args[{k * size + i}]", group[i], names[i])
        for i in nonempty:
            if isinstance(group[i], str) or not isinstance(group[i], Iterable):
                raise PlanError(
                    f"{plan}(): parameter 'args[{k * size + i}]' ({names[i]}) must be a list "
                    f"of positions, got {group[i]!r}."
                )
            group[i] = list(group[i])
            if not group[i]:
                raise PlanError(
                    f"{plan}(): parameter 'args[{k * size + i}]' ({names[i]} of "
                    f"{getattr(group[0], 'name', group[0])!r}) is empty. Fix: give at least "
                    "one position."
                )
    return groups

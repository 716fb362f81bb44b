"""Trajectories: which position each motor takes at each step (a small cycler stand-in).

A :class:`Trajectory` is an ordered set of axes ``motor -> positions`` of equal
length. ``a + b`` zips two trajectories (inner product), ``a * b`` nests them
(outer product: ``b`` moves fastest). Iterating yields one ``{motor: position}``
dict per step, which is what ``scan_nd`` consumes. A ``cycler.Cycler`` works in
its place; no cycler dependency is needed.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import numpy as np

from acq._exceptions import PlanError


class Trajectory:
    """Axes of equal length, iterated step by step as ``{motor: position}`` dicts."""

    __slots__ = ("_axes",)

    def __init__(self, axes: Iterable[tuple[Any, Iterable[Any]]]) -> None:
        self._axes: list[tuple[Any, list[Any]]] = []
        for motor, positions in axes:
            values: list[Any] = (
                positions.tolist() if isinstance(positions, np.ndarray) else list(positions)
            )
            if any(m is motor for m, _ in self._axes):
                raise PlanError(
                    f"Trajectory: motor {getattr(motor, 'name', motor)!r} appears twice. "
                    "Fix: give each motor one axis."
                )
            if self._axes and len(values) != len(self._axes[0][1]):
                raise PlanError(
                    f"Trajectory: axis {getattr(motor, 'name', motor)!r} has {len(values)} "
                    f"positions, expected {len(self._axes[0][1])} like the other axes."
                )
            self._axes.append((motor, values))

    @classmethod
    def axis(cls, motor: Any, positions: Iterable[Any]) -> Trajectory:
        """One motor moving through ``positions``."""
        return cls([(motor, positions)])

    @classmethod
    def from_steps(cls, steps: Iterable[dict[Any, Any]]) -> Trajectory:
        """Build from an iterable of step dicts (e.g. a ``cycler.Cycler``)."""
        rows = list(steps)
        if not rows:
            return cls([])
        motors = list(rows[0])
        return cls([(m, [row[m] for row in rows]) for m in motors])

    @property
    def keys(self) -> list[Any]:
        """The motors, slowest first (for cycler compatibility)."""
        return [m for m, _ in self._axes]

    def by_key(self) -> dict[Any, list[Any]]:
        """``{motor: positions}``."""
        return {m: list(v) for m, v in self._axes}

    def __len__(self) -> int:
        return len(self._axes[0][1]) if self._axes else 0

    def __iter__(self) -> Iterator[dict[Any, Any]]:
        motors = self.keys
        if len(motors) == 1:
            (m,) = motors
            for v in self._axes[0][1]:
                yield {m: v}
            return
        for values in zip(*(v for _, v in self._axes), strict=True):
            yield dict(zip(motors, values, strict=True))

    def __add__(self, other: Trajectory) -> Trajectory:
        if len(self) != len(other):
            raise PlanError(
                f"Trajectory: cannot zip trajectories of {len(self)} and {len(other)} steps."
            )
        return Trajectory([*self._axes, *other._axes])

    def __mul__(self, other: Trajectory) -> Trajectory:
        return _snake([self, other], [False, False])

    def __repr__(self) -> str:
        names = ", ".join(f"{getattr(m, 'name', m)}[{len(v)}]" for m, v in self._axes)
        return f"Trajectory({names})"


def _snake(trajectories: Sequence[Trajectory], snaking: Sequence[bool]) -> Trajectory:
    """Outer product of ``trajectories`` (first slowest); a snaking axis reverses each pass."""
    if len(trajectories) != len(snaking):
        raise PlanError("snake(): one snaking flag per trajectory is required")
    lengths = [len(t) for t in trajectories]
    total = math.prod(lengths)
    axes: list[tuple[Any, Any]] = []
    for i, (traj, flag) in enumerate(zip(trajectories, snaking, strict=True)):
        tiles = math.prod(lengths[:i])
        repeats = math.prod(lengths[i + 1 :])
        for motor, values in traj._axes:
            arr = np.asarray(values)
            if flag and i > 0:
                arr = np.concatenate([arr, arr[::-1]])
            full = np.tile(np.repeat(arr, repeats), tiles)[:total]
            axes.append((motor, full))
    return Trajectory(axes)


def _inner_product(num: int, groups: Sequence[Sequence[Any]]) -> Trajectory:
    """``(motor, start, stop)`` groups moving together over ``num`` points."""
    return Trajectory([(m, np.linspace(start, stop, num=num)) for m, start, stop in groups])


def _inner_list_product(groups: Sequence[Sequence[Any]]) -> Trajectory:
    """``(motor, positions)`` groups moving together."""
    return Trajectory([(m, list(pos)) for m, pos in groups])


def _outer_product(groups: Sequence[Sequence[Any]]) -> Trajectory:
    """``(motor, start, stop, num, snake)`` groups nested, first slowest."""
    trajs = [
        Trajectory.axis(m, np.linspace(start, stop, num=num)) for m, start, stop, num, _ in groups
    ]
    return _snake(trajs, [bool(g[4]) for g in groups])


def _outer_list_product(groups: Sequence[Sequence[Any]], snaking: Sequence[bool]) -> Trajectory:
    """``(motor, positions)`` groups nested, first slowest."""
    return _snake([Trajectory.axis(m, list(pos)) for m, pos in groups], snaking)

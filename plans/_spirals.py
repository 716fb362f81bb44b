"""Spiral trajectories (Archimedean, Fermat, square), point for point as bluesky's."""

from __future__ import annotations

from typing import Any

import numpy as np

from plans._trajectory import Trajectory
from plans._util import _check_positive


def _check_spacing(plan: str, dr: Any, dr_y: Any, density: str, value: Any) -> None:
    _check_positive(plan, "dr", dr)
    _check_positive(plan, "dr_y", dr_y, optional=True)
    _check_positive(plan, density, value)


def _aspect(dr: float, dr_y: float | None) -> float:
    return 1.0 if dr_y is None else dr_y / dr


def _spiral_points(
    x_start: float,
    y_start: float,
    x_range: float,
    y_range: float,
    dr: float,
    nth: float,
    dr_y: float | None,
    tilt: float,
) -> tuple[list[float], list[float]]:
    """Rings ``dr`` apart, ``nth`` points per ring per ring number, clipped to the box."""
    _check_spacing("spiral", dr, dr_y, "nth", nth)
    aspect = _aspect(dr, dr_y)
    half_x, half_y = x_range / 2, y_range / (2 * aspect)
    rings = 1 + int(np.sqrt(half_x**2 + half_y**2) / dr)
    tilt_tan = np.tan(tilt + np.pi / 2.0)
    xs: list[float] = []
    ys: list[float] = []
    for ring in range(1, rings + 2):
        radius = ring * dr
        step = 2.0 * np.pi / (ring * nth)
        for k in range(int(ring * nth)):
            x = radius * np.cos(k * step)
            y = radius * np.sin(k * step) * aspect
            if abs(x - (y / aspect) / tilt_tan) <= half_x and abs(y / aspect) <= half_y:
                xs.append(x_start + x)
                ys.append(y_start + y)
    return xs, ys


def _fermat_points(
    x_start: float,
    y_start: float,
    x_range: float,
    y_range: float,
    dr: float,
    factor: float,
    dr_y: float | None,
    tilt: float,
) -> tuple[list[float], list[float]]:
    """Points at the golden angle with radius growing as sqrt(n), clipped to the box."""
    _check_spacing("spiral_fermat", dr, dr_y, "factor", factor)
    aspect = _aspect(dr, dr_y)
    golden = 137.508 * np.pi / 180.0
    half_x, half_y = x_range / 2, y_range / (2 * aspect)
    tilt_tan = np.tan(tilt + np.pi / 2.0)
    diag = np.sqrt(half_x**2 + half_y**2)
    count = int((1.5 * diag / (dr / factor)) ** 2)
    xs: list[float] = []
    ys: list[float] = []
    for n in range(1, count):
        radius = np.sqrt(n) * dr / factor
        x = radius * np.cos(golden * n)
        y = radius * np.sin(golden * n) * aspect
        if abs(x - (y / aspect) / tilt_tan) <= half_x and abs(y) <= half_y:
            xs.append(x_start + x)
            ys.append(y_start + y)
    return xs, ys


def _square_side(
    ring: int,
    sign: int,
    offset: float,
    limit: float,
    fixed: float,
    other_offset: float,
    other_limit: float,
) -> list[tuple[float, float]]:
    """(fixed-axis index, moving-axis index) pairs for one side of ring ``ring``."""
    out: list[tuple[float, float]] = []
    if abs(fixed - offset) > limit:
        return out
    rng = range(ring - 2, -ring, -1) if sign < 0 else range(-ring + 2, ring, 1)
    for n in rng:
        if abs(n - other_offset) < other_limit:
            out.append((fixed, n))
    return out


def _square_points(
    x_center: float, y_center: float, x_range: float, y_range: float, x_num: int, y_num: int
) -> tuple[list[float], list[float]]:
    """A square spiral on an ``x_num`` by ``y_num`` grid, from the centre outwards."""
    x_off = 0.5 if x_num % 2 == 0 else 0
    y_off = -0.5 if y_num % 2 == 0 else 0
    dx, dy = x_range / (x_num - 1), y_range / (y_num - 1)
    x0, y0 = x_center - dx * x_off, y_center - dy * y_off
    xs, ys = [x0], [y0]
    total = x_num * y_num
    for ring in range(2, max(x_num, y_num) + 1):
        # the four sides: right (x fixed), bottom (y fixed), left (x fixed), top (y fixed)
        sides: list[tuple[bool, int, float, float, float, float, float, bool]] = [
            (True, -1, x_off, x_num / 2, ring - 1, y_off, y_num / 2, True),
            (False, -1, y_off, y_num / 2, -ring + 1, x_off, x_num / 2, False),
            (True, 1, x_off, x_num / 2, -ring + 1, y_off, y_num / 2, False),
            (False, 1, y_off, y_num / 2, ring - 1, x_off, x_num / 2, False),
        ]
        for x_fixed, sign, off, lim, fixed, o_off, o_lim, inclusive in sides:
            if len(xs) >= total:
                break
            if not inclusive and abs(fixed - off) >= lim:
                continue
            for f, n in _square_side(ring, sign, off, lim, fixed, o_off, o_lim):
                if len(xs) >= total:
                    break
                i, j = (f, n) if x_fixed else (n, f)
                xs.append(x0 + dx * i)
                ys.append(y0 + dy * j)
    return xs, ys


def _xy(x_motor: Any, y_motor: Any, points: tuple[list[float], list[float]]) -> Trajectory:
    return Trajectory([(x_motor, points[0]), (y_motor, points[1])])

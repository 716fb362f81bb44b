"""PeakStats: centre of mass, centre, extrema and FWHM of a 1-D scan."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from acq.callbacks._base import Document, _Consumer
from acq.callbacks._result import _ResultSlot

__all__ = ["PeakResult", "PeakStats"]

_Array = NDArray[np.float64]


@dataclass(frozen=True)
class PeakResult:
    """Peak statistics of one run; every field is ``None`` when there was no data.

    ``min`` and ``max`` are ``(x, y)`` pairs at the extrema of ``y``; ``com`` is
    the centre of mass of ``y`` mapped onto ``x``; ``crossings`` are the ``x``
    where ``y`` crosses half-way between its min and max (linear interpolation),
    ``cen`` their mean and ``fwhm`` the distance between the first and last.
    ``lin_bkg`` is the ``(slope, intercept)`` removed when ``edge_count`` is set.
    """

    com: float | None = None
    cen: float | None = None
    max: tuple[float, float] | None = None
    min: tuple[float, float] | None = None
    fwhm: float | None = None
    crossings: tuple[float, ...] | None = None
    lin_bkg: tuple[float, float] | None = None
    npoints: int = 0


def _peak_stats(x: _Array, y: _Array, edge_count: int | None = None) -> PeakResult:
    """Compute :class:`PeakResult` for points ``(x, y)`` in acquisition order."""
    if len(x) == 0:
        return PeakResult()
    y_raw = y
    bkg = None
    if edge_count:
        xl, yl = float(np.mean(x[:edge_count])), float(np.mean(y[:edge_count]))
        xr, yr = float(np.mean(x[-edge_count:])), float(np.mean(y[-edge_count:]))
        slope = (yr - yl) / (xr - xl)
        bkg = (slope, yl - slope * xl)
        y = y - (slope * x + bkg[1])
    imin, imax = int(np.argmin(y)), int(np.argmax(y))
    total = float(np.sum(y))
    com = None
    if total != 0:
        index_com = float(np.sum(y * np.arange(len(y))) / total)
        com = float(np.interp(index_com, np.arange(len(x)), x))
    half = (float(np.max(y)) + float(np.min(y))) / 2
    above = (y > half).astype(np.int8)
    idx = np.flatnonzero(np.diff(above))
    x0, x1, y0, y1 = x[idx], x[idx + 1], y[idx] - half, y[idx + 1] - half
    cross = x0 - y0 * (x1 - x0) / (y1 - y0)
    crossings = tuple(float(c) for c in cross)
    return PeakResult(
        com=com,
        cen=float(np.mean(cross)) if len(cross) else None,
        max=(float(x[imax]), float(y_raw[imax])),
        min=(float(x[imin]), float(y_raw[imin])),
        fwhm=float(abs(cross[-1] - cross[0])) if len(cross) >= 2 else None,
        crossings=crossings or None,
        lin_bkg=bkg,
        npoints=len(x),
    )


class PeakStats(_Consumer):
    """Collect ``x`` and ``y`` from a stream and compute peak statistics at stop.

    Results are attributes (``com``, ``cen``, ``max``, ``min``, ``fwhm``,
    ``crossings``, ``result``) and an awaitable: ``await peaks.wait_result()``
    returns the :class:`PeakResult` of the current run once its stop document
    has arrived (immediately when the last run already stopped), so an adaptive
    plan can act on it. ``edge_count`` subtracts a linear background estimated
    from that many points at each end. ``derivative=True`` also computes
    ``derivative_result``: the same statistics of the step differences
    ``y[i] - y[i-1]`` at ``x[i]`` (an edge scan's edge is its ``cen``/``max``).
    """

    def __init__(
        self,
        x: str,
        y: str,
        *,
        edge_count: int | None = None,
        derivative: bool = False,
        streams: Iterable[str] | None = ("primary",),
    ) -> None:
        super().__init__(streams)
        self.x, self.y = x, y
        self.edge_count = edge_count
        self.derivative = derivative
        self.derivative_result: PeakResult | None = None
        self._xs: list[Any] = []
        self._ys: list[Any] = []
        self._slot: _ResultSlot[PeakResult] = _ResultSlot()
        self.result: PeakResult | None = None

    def start(self, doc: Document) -> None:
        self._xs, self._ys = [], []
        self.result = None
        self.derivative_result = None
        self._slot.reset()

    def event(self, doc: Document) -> None:
        data = doc["data"]
        if self.x in data and self.y in data:
            self._xs.append(data[self.x])
            self._ys.append(data[self.y])

    def event_page(self, doc: Document) -> None:
        data = doc["data"]
        if self.x in data and self.y in data:
            self._xs.extend(data[self.x])
            self._ys.extend(data[self.y])

    def stop(self, doc: Document) -> None:
        x = np.asarray(self._xs, dtype=float)
        y = np.asarray(self._ys, dtype=float)
        self.result = _peak_stats(x, y, self.edge_count)
        if self.derivative:
            self.derivative_result = _peak_stats(x[1:], np.diff(y), self.edge_count)
        self._slot.set(self.result)

    async def wait_result(self, timeout: float | None = None) -> PeakResult:
        """The current run's :class:`PeakResult`, once its stop document arrived."""
        return await self._slot.wait(timeout)

    @property
    def x_data(self) -> _Array:
        """The ``x`` values collected so far."""
        return np.asarray(self._xs, dtype=float)

    @property
    def y_data(self) -> _Array:
        """The ``y`` values collected so far."""
        return np.asarray(self._ys, dtype=float)

    @property
    def com(self) -> float | None:
        """Centre of mass of y, on the x axis. (``None`` before the first stop)."""
        return None if self.result is None else self.result.com

    @property
    def cen(self) -> float | None:
        """Mean of the half-maximum crossings. (``None`` before the first stop)."""
        return None if self.result is None else self.result.cen

    @property
    def max(self) -> tuple[float, float] | None:
        """(x, y) at the maximum of y. (``None`` before the first stop)."""
        return None if self.result is None else self.result.max

    @property
    def min(self) -> tuple[float, float] | None:
        """(x, y) at the minimum of y. (``None`` before the first stop)."""
        return None if self.result is None else self.result.min

    @property
    def fwhm(self) -> float | None:
        """Full width at half maximum. (``None`` before the first stop)."""
        return None if self.result is None else self.result.fwhm

    @property
    def crossings(self) -> tuple[float, ...] | None:
        """x where y crosses half-way between min and max. (``None`` before the first stop)."""
        return None if self.result is None else self.result.crossings

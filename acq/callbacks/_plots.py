"""LivePlot, LiveScatter and LiveGrid: matplotlib views of a stream as it arrives."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import numpy as np
from matplotlib.axes import Axes

from acq.callbacks._base import Document, _Consumer
from acq.callbacks._figure import _FigureOutput

__all__ = ["LiveGrid", "LivePlot", "LiveScatter"]


class _LiveFigure(_Consumer):
    """Shared plumbing: an Axes, the figure output, data keys and the run's start."""

    def __init__(
        self,
        ax: Axes | None,
        save_to: str | Path | None,
        figure_dir: str | Path | None,
        streams: Iterable[str] | None,
        clock: Callable[[], float],
        min_interval: float,
    ) -> None:
        super().__init__(streams)
        owned = ax is None
        self.output = _FigureOutput(
            None if owned else ax.figure,  # type: ignore[union-attr, arg-type]
            save_to=save_to,
            figure_dir=figure_dir,
            live=None if owned else False,
            clock=clock,
            min_interval=min_interval,
        )
        self.figure = self.output.figure
        self.ax: Axes = self.figure.add_subplot() if ax is None else ax
        self._start: Document = {}
        self._keys: dict[str, Any] = {}

    @property
    def saved(self) -> list[Path]:
        """PNG files written at the end of runs, oldest first."""
        return self.output.saved

    def _label(self, field: str) -> str:
        units = self._keys.get(field, {}).get("units")
        return f"{field} ({units})" if units else field

    def start(self, doc: Document) -> None:
        self._start = doc
        self.output.new_run()

    def descriptor(self, doc: Document) -> None:
        if self._wanted(doc["uid"]):
            self._keys.update(doc.get("data_keys", {}))

    def stop(self, doc: Document) -> None:
        self._redraw()
        self.output.finish(self._start, self._name())

    def _draw(self) -> None:
        self.ax.relim()
        self.ax.autoscale_view()
        self.output.refresh()

    def _redraw(self) -> None:
        self.ax.relim()
        self.ax.autoscale_view()

    def _name(self) -> str:
        return type(self).__name__


class LivePlot(_LiveFigure):
    """Plot ``y`` against ``x`` (default: the event's ``seq_num``), one line per run.

    Without ``ax`` the plot owns a figure: live in Jupyter, and saved as PNG at
    each run's end to ``save_to`` or into ``figure_dir`` (headless, Agg).
    """

    def __init__(
        self,
        y: str,
        x: str | None = None,
        *,
        ax: Axes | None = None,
        save_to: str | Path | None = None,
        figure_dir: str | Path | None = None,
        streams: Iterable[str] | None = ("primary",),
        marker: str = "o",
        clock: Callable[[], float] = time.monotonic,
        min_interval: float = 0.5,
    ) -> None:
        super().__init__(ax, save_to, figure_dir, streams, clock, min_interval)
        self.y, self.x = y, x
        self.marker = marker
        self._xs: list[float] = []
        self._ys: list[float] = []
        self._line: Any = None

    def start(self, doc: Document) -> None:
        super().start(doc)
        self._xs, self._ys = [], []
        label = f"scan {doc.get('scan_id', str(doc.get('uid', ''))[:8])}"
        (self._line,) = self.ax.plot([], [], marker=self.marker, label=label)

    def descriptor(self, doc: Document) -> None:
        super().descriptor(doc)
        self.ax.set_ylabel(self._label(self.y))
        self.ax.set_xlabel(self._label(self.x) if self.x else "seq_num")

    def event_page(self, doc: Document) -> None:
        data = doc["data"]
        if self.y not in data or (self.x is not None and self.x not in data):
            return
        self._xs.extend(doc["seq_num"] if self.x is None else data[self.x])
        self._ys.extend(data[self.y])
        if self._line is not None:
            self._line.set_data(self._xs, self._ys)
            self._draw()

    def stop(self, doc: Document) -> None:
        if len(self.ax.get_lines()) > 1:
            self.ax.legend(loc="best")
        super().stop(doc)

    def _name(self) -> str:
        return self.y

    @property
    def data(self) -> tuple[list[float], list[float]]:
        """The current run's ``(x, y)`` values."""
        return self._xs, self._ys


class LiveScatter(_LiveFigure):
    """Scatter of ``(x, y)`` positions coloured by the intensity field ``I``."""

    def __init__(
        self,
        x: str,
        y: str,
        I: str,  # noqa: E741 (bluesky's name for the intensity)
        *,
        ax: Axes | None = None,
        save_to: str | Path | None = None,
        figure_dir: str | Path | None = None,
        streams: Iterable[str] | None = ("primary",),
        cmap: str = "viridis",
        clock: Callable[[], float] = time.monotonic,
        min_interval: float = 0.5,
    ) -> None:
        super().__init__(ax, save_to, figure_dir, streams, clock, min_interval)
        self.x, self.y, self.I = x, y, I
        self._points: list[tuple[float, float]] = []
        self._values: list[float] = []
        self._scatter = self.ax.scatter([], [], c=[], cmap=cmap)
        self.figure.colorbar(self._scatter, ax=self.ax)

    def start(self, doc: Document) -> None:
        super().start(doc)
        self._points, self._values = [], []

    def descriptor(self, doc: Document) -> None:
        super().descriptor(doc)
        self.ax.set_xlabel(self._label(self.x))
        self.ax.set_ylabel(self._label(self.y))
        self.ax.set_title(self._label(self.I))

    def event_page(self, doc: Document) -> None:
        data = doc["data"]
        if not all(k in data for k in (self.x, self.y, self.I)):
            return
        self._points.extend(zip(data[self.x], data[self.y], strict=True))
        self._values.extend(data[self.I])
        self._scatter.set_offsets(np.asarray(self._points, dtype=float))
        values = np.asarray(self._values, dtype=float)
        self._scatter.set_array(values)
        finite = values[np.isfinite(values)]
        if finite.size:
            self._scatter.set_clim(float(finite.min()), float(finite.max()))
        self._draw()

    def _redraw(self) -> None:
        if self._points:
            self.ax.update_datalim(np.asarray(self._points, dtype=float))
        self.ax.autoscale_view()

    def _name(self) -> str:
        return f"{self.I}-scatter"


class LiveGrid(_LiveFigure):
    """Raster image of ``I`` on a ``shape=(rows, cols)`` grid, filled in acquisition order.

    Event ``seq_num`` n fills cell n-1 in row-major order (``snaking=True``
    reverses every other row, as a snaking grid scan moves). ``extent`` is
    ``(x0, x1, y0, y1)`` in axis units; ``x``/``y`` name the axes.
    """

    def __init__(
        self,
        shape: tuple[int, int],
        I: str,  # noqa: E741
        *,
        x: str | None = None,
        y: str | None = None,
        extent: tuple[float, float, float, float] | None = None,
        snaking: bool = False,
        ax: Axes | None = None,
        save_to: str | Path | None = None,
        figure_dir: str | Path | None = None,
        streams: Iterable[str] | None = ("primary",),
        cmap: str = "viridis",
        clock: Callable[[], float] = time.monotonic,
        min_interval: float = 0.5,
    ) -> None:
        super().__init__(ax, save_to, figure_dir, streams, clock, min_interval)
        self.shape = (int(shape[0]), int(shape[1]))
        self.I, self.x, self.y = I, x, y
        self.snaking = snaking
        self.grid = np.full(self.shape, np.nan)
        self._image = self.ax.imshow(
            self.grid, cmap=cmap, origin="lower", extent=extent, aspect="auto",
            interpolation="nearest",
        )  # fmt: skip
        self.figure.colorbar(self._image, ax=self.ax)

    def start(self, doc: Document) -> None:
        super().start(doc)
        self.grid = np.full(self.shape, np.nan)
        self._image.set_data(self.grid)

    def descriptor(self, doc: Document) -> None:
        super().descriptor(doc)
        self.ax.set_title(self._label(self.I))
        if self.x:
            self.ax.set_xlabel(self._label(self.x))
        if self.y:
            self.ax.set_ylabel(self._label(self.y))

    def event_page(self, doc: Document) -> None:
        values = doc["data"].get(self.I)
        if values is None:
            return
        rows, cols = self.shape
        for seq, value in zip(doc["seq_num"], values, strict=True):
            index = seq - 1
            if not 0 <= index < rows * cols:
                continue
            r, c = divmod(index, cols)
            if self.snaking and r % 2:
                c = cols - 1 - c
            self.grid[r, c] = value
        self._image.set_data(self.grid)
        finite = self.grid[np.isfinite(self.grid)]
        if finite.size:
            self._image.set_clim(float(finite.min()), float(finite.max()))
        self.output.refresh()

    def _redraw(self) -> None:
        pass

    def _name(self) -> str:
        return f"{self.I}-grid"

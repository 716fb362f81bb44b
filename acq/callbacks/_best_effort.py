"""BestEffortCallback: a table, plots and peak statistics chosen from the run's hints."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from matplotlib.figure import Figure
from rich.console import Console

from acq.callbacks._base import Document, _Consumer
from acq.callbacks._figure import _FigureOutput
from acq.callbacks._output import Mode, _default_console, _plain_writer, _resolve_mode
from acq.callbacks._peaks import PeakStats
from acq.callbacks._plots import LiveGrid, LivePlot, LiveScatter
from acq.callbacks._progress import ProgressBars
from acq.callbacks._table import LiveTable, _hinted_fields

__all__ = ["BestEffortCallback"]

_NUMERIC = ("number", "integer")


def _dimensions(start: Document) -> list[str]:
    """Independent axes: start hints ``dimensions`` (primary), else ``motors``."""
    dims = (start.get("hints") or {}).get("dimensions")
    if dims:
        return [f for fields, stream in dims if stream == "primary" for f in fields]
    return list(start.get("motors") or [])


def _plotted_fields(desc: Document, dims: list[str]) -> list[str]:
    keys = desc.get("data_keys", {})

    def scalar_number(k: str) -> bool:
        key = keys.get(k, {})
        return key.get("dtype") in _NUMERIC and not key.get("shape")

    fields = [f for f in _hinted_fields(desc) if f not in dims and scalar_number(f)]
    if not fields and not desc.get("hints"):
        fields = [k for k in keys if k not in dims and scalar_number(k)]
    return fields


class BestEffortCallback(_Consumer):
    """A sensible default view of any run, picked from the documents' hints.

    - a :class:`LiveTable` of the dimensions and hinted fields;
    - for one dimension, one :class:`LivePlot` per hinted field (stacked axes
      of one figure) and a :class:`PeakStats` each, summarised at stop and kept
      in ``peaks[field]``; for two, a :class:`LiveGrid` when the start document
      carries ``shape`` (and optionally ``extents``), else a :class:`LiveScatter`;
    - optionally :class:`ProgressBars` (``progress=True``).

    The figure is live in Jupyter and saved as PNG into ``figure_dir`` at stop
    (``saved`` lists the files). Each of ``table``, ``plots``, ``peaks`` can be
    turned off.
    """

    def __init__(
        self,
        *,
        table: bool = True,
        plots: bool = True,
        peaks: bool = True,
        progress: bool = False,
        figure_dir: str | Path | None = None,
        console: Console | None = None,
        mode: Mode = "auto",
        out: Callable[[str], object] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(streams=None)
        self.console = console if console is not None else _default_console()
        self._mode = _resolve_mode(mode, self.console)
        self._write = _plain_writer(self.console, out)
        self._show = {"table": table, "plots": plots, "peaks": peaks}
        self.figure_dir = None if figure_dir is None else Path(figure_dir)
        self._clock = clock
        ui = {"console": self.console, "mode": self._mode, "out": out}
        self.table = LiveTable(**ui) if table else None  # type: ignore[arg-type]
        self.progress = ProgressBars(**ui, clock=clock) if progress else None  # type: ignore[arg-type]
        self.peaks: dict[str, PeakStats] = {}
        self.plots: list[_Consumer] = []
        self.figure: Figure | None = None
        self.saved: list[Path] = []
        self._output: _FigureOutput | None = None
        self._start: Document = {}
        self._children: list[Any] = []

    def __call__(self, name: str, doc: Document) -> tuple[str, Any]:
        if name in ("event", "event_page"):
            for child in self._children:
                child(name, doc)
            return super().__call__(name, doc)  # then refresh the live figure
        out = super().__call__(name, doc)  # builds plots when the primary descriptor arrives
        for child in self._children:
            child(name, doc)
        if name == "stop":
            self._finish()
        return out

    def start(self, doc: Document) -> None:
        self._start = doc
        self.peaks = {}
        self.plots = []
        self.figure = None
        self._output = None
        self._children = [c for c in (self.table, self.progress) if c is not None]

    def descriptor(self, doc: Document) -> None:
        if doc.get("name", "primary") != "primary" or self.plots or self.peaks:
            return
        dims = _dimensions(self._start)
        fields = _plotted_fields(doc, dims)
        if not fields:
            return
        new: list[Any] = []
        if self._show["plots"]:
            new += self._make_plots(dims, fields)
        if self._show["peaks"] and len(dims) == 1:
            self.peaks = {f: PeakStats(dims[0], f) for f in fields}
            new += self.peaks.values()
        for child in new:  # catch up on the start they missed; the descriptor follows
            child("start", self._start)
        self._children += new

    def _make_plots(self, dims: list[str], fields: list[str]) -> list[_Consumer]:
        out = _FigureOutput(figure_dir=self.figure_dir, clock=self._clock)
        self._output, self.figure = out, out.figure
        if len(dims) == 2 and len(fields) >= 1:
            y, x = dims
            ax = out.figure.add_subplot()
            shape = self._start.get("shape")
            if shape is not None and len(shape) == 2:
                extent = _cell_extent(self._start.get("extents"), shape)
                snake = bool(self._start.get("snaking", [False, False])[-1])
                grid = LiveGrid(
                    (shape[0], shape[1]), fields[0], x=x, y=y, extent=extent, snaking=snake, ax=ax
                )
                self.plots = [grid]
            else:
                self.plots = [LiveScatter(x, y, fields[0], ax=ax)]
        else:
            xdim = dims[0] if dims else None
            axes = out.figure.subplots(len(fields), 1, sharex=True, squeeze=False)[:, 0]
            out.figure.set_figheight(max(3.0, 2.2 * len(fields)))
            self.plots = [LivePlot(f, xdim, ax=ax) for f, ax in zip(fields, axes, strict=True)]
        return list(self.plots)

    def event_page(self, doc: Document) -> None:
        if self._output is not None and self.stream_of(doc["descriptor"]) == "primary":
            self._output.refresh()

    def _say(self, line: str) -> None:
        if self._mode == "plain":
            self._write(line)
        else:
            self.console.print(line, style="bold green", markup=False, highlight=False)

    def _finish(self) -> None:
        if self._output is not None:
            plan = str(self._start.get("plan_name", "plot"))
            path = self._output.finish(self._start, plan)
            if path is not None:
                self.saved.append(path)
                self._say(f"Plot saved to {path}")
        for field, peak in self.peaks.items():
            r = peak.result
            if r is None or r.max is None:
                continue
            parts = [f"{k}={_fmt(getattr(r, k))}" for k in ("cen", "com", "fwhm")]
            parts.append(f"max={_fmt(r.max[1])} at {_fmt(r.max[0])}")
            self._say(f"Peak stats for {field}: " + ", ".join(parts))


def _cell_extent(extents: Any, shape: list[int]) -> tuple[float, float, float, float] | None:
    """imshow extent whose cells are centred on the scan points (start ``extents``)."""
    if extents is None or len(extents) != 2:
        return None
    (y0, y1), (x0, x1) = extents
    hx = (x1 - x0) / (2 * (shape[1] - 1)) if shape[1] > 1 else 0.5
    hy = (y1 - y0) / (2 * (shape[0] - 1)) if shape[0] > 1 else 0.5
    return (x0 - hx, x1 + hx, y0 - hy, y1 + hy)


def _fmt(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.4g}"

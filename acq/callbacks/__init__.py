"""Live feedback: tables, progress bars, plots, peak statistics and fits.

Every callback is a plain callable ``cb(name, doc)`` taking event-model
documents; subscribe it to a RunEngine (``RE.subscribe(cb)``) or feed it
documents from anywhere (a file, the catalog, the bus).
"""

from __future__ import annotations

from acq.callbacks._best_effort import BestEffortCallback
from acq.callbacks._fit import FitResult, LiveFit
from acq.callbacks._offload import BufferedCallback, BufferStatistics, Callback, dispatch
from acq.callbacks._peaks import PeakResult, PeakStats
from acq.callbacks._plots import LiveGrid, LivePlot, LiveScatter
from acq.callbacks._progress import ProgressBars, ProgressReporter, ProgressUpdate
from acq.callbacks._table import LiveTable

__all__ = [
    "BestEffortCallback",
    "BufferStatistics",
    "BufferedCallback",
    "Callback",
    "FitResult",
    "LiveFit",
    "LiveGrid",
    "LivePlot",
    "LiveScatter",
    "LiveTable",
    "PeakResult",
    "PeakStats",
    "ProgressBars",
    "ProgressReporter",
    "ProgressUpdate",
    "dispatch",
]

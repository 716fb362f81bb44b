"""A matplotlib figure that shows live in Jupyter and is saved as PNG when headless."""

from __future__ import annotations

import io
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from acq.callbacks._output import _in_jupyter


def _slug(text: str) -> str:
    keep = [c if c.isalnum() or c in "-_." else "-" for c in text]
    return "".join(keep).strip("-") or "figure"


class _FigureOutput:
    """Owns one Figure (Agg canvas, no pyplot state): redraws and saves it.

    In a Jupyter kernel the figure is shown as a PNG display that is updated in
    place (at most every ``min_interval`` seconds, and at the end of each run).
    At the end of a run it is saved to ``save_to`` if given, else into
    ``figure_dir`` as ``<scan_id or uid>-<name>.png`` if given.
    """

    def __init__(
        self,
        figure: Figure | None = None,
        *,
        save_to: str | Path | None = None,
        figure_dir: str | Path | None = None,
        live: bool | None = None,
        clock: Callable[[], float] = time.monotonic,
        min_interval: float = 0.5,
        display: Callable[[bytes, Any], Any] | None = None,
    ) -> None:
        self.figure = figure if figure is not None else Figure(figsize=(6.4, 4.0), layout="tight")
        if self.figure.canvas is None or not isinstance(self.figure.canvas, FigureCanvasAgg):
            FigureCanvasAgg(self.figure)
        self.save_to = None if save_to is None else Path(save_to)
        self.figure_dir = None if figure_dir is None else Path(figure_dir)
        self.live = _in_jupyter() if live is None else live
        self._clock = clock
        self._min_interval = min_interval
        self._last_draw = -1.0
        self._handle: Any = None
        self._display = display or _ipython_display
        self.saved: list[Path] = []

    def png(self) -> bytes:
        """The figure rendered as PNG bytes."""
        buf = io.BytesIO()
        self.figure.savefig(buf, format="png", dpi=100)
        return buf.getvalue()

    def refresh(self, force: bool = False) -> None:
        """Redraw the live display (throttled unless ``force``); no-op when headless."""
        if not self.live:
            return
        now = self._clock()
        if not force and now - self._last_draw < self._min_interval:
            return
        self._last_draw = now
        self._handle = self._display(self.png(), self._handle)

    def new_run(self) -> None:
        """The next refresh starts a new display (one image per run in a notebook)."""
        self._handle = None
        self._last_draw = -1.0

    def finish(self, start: dict[str, Any], name: str) -> Path | None:
        """Final redraw, then save the PNG where asked; returns the path written."""
        self.refresh(force=True)
        path = self.save_to
        if path is None and self.figure_dir is not None:
            run = start.get("scan_id") or str(start.get("uid", "run"))[:8]
            path = self.figure_dir / f"{_slug(f'{run}-{name}')}.png"
        if path is None:
            return None
        path.parent.mkdir(parents=True, exist_ok=True)
        self.figure.savefig(path, format="png", dpi=100)
        self.saved.append(path)
        return path


def _ipython_display(png: bytes, handle: Any) -> Any:
    """Show ``png`` in the notebook: a new display, or update ``handle`` in place."""
    from IPython.display import Image, display

    image = Image(data=png, format="png")
    if handle is None:
        return display(image, display_id=True)
    handle.update(image)
    return handle

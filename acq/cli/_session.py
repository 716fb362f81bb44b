"""A RunEngine dressed for the terminal: live table, progress, plot, catalog, summary."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rich.console import Console

from acq import RunEngine, RunResult
from acq.callbacks import BestEffortCallback


class _Session:
    """What ``acq run`` and ``acq demo`` share: one RunEngine and its subscribers."""

    def __init__(self, data_dir: Path, *, plot: bool = True, console: Console | None = None):
        self.data_dir = data_dir
        self.figure_dir = data_dir / "figures"
        self.console = console or Console(highlight=False)
        data_dir.mkdir(parents=True, exist_ok=True)
        self.RE = RunEngine(md_path=data_dir / "runengine-md.json")
        self.bec = BestEffortCallback(
            progress=True, plots=plot, figure_dir=self.figure_dir, console=self.console
        )
        self.RE.subscribe(self.bec)
        self.figures: list[Path] = []
        self.scans: list[dict[str, Any]] = []
        self.RE.subscribe(self._note_start, "start")

    def _note_start(self, name: str, doc: dict[str, Any]) -> None:
        self.scans.append(doc)

    def ok(self, result: RunResult) -> bool:
        return result.exit_status == "success"

    def close(self) -> None:
        """Flush and close what the session opened."""

    def summary(self, results: list[RunResult]) -> None:
        """Print where the runs went and how to look at them again."""
        for start in self.scans:
            self.console.print(
                f"Run scan_id={start.get('scan_id')} uid={start['uid'][:8]} "
                f"({start.get('plan_name', '?')})"
            )

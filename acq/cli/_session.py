"""A RunEngine dressed for the terminal: live table, progress, plot, catalog, summary."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rich.console import Console

from acq import RunEngine
from acq.callbacks import BestEffortCallback
from acq.catalog import Catalog


class _Session:
    """What ``acq run`` and ``acq demo`` share: one RunEngine and its subscribers.

    Every run goes to the live views (table, progress bars, plot saved as PNG
    under ``<data_dir>/figures``) and to the catalog ``<data_dir>/catalog.sqlite``
    (the default catalog when ``data_dir`` is the default data directory).
    """

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
        self.catalog_path = data_dir / "catalog.sqlite"
        self.catalog = Catalog.open(self.catalog_path)
        self.RE.subscribe(self.catalog)
        self.starts: list[dict[str, Any]] = []
        self.RE.subscribe(self._note_start, "start")

    def _note_start(self, name: str, doc: dict[str, Any]) -> None:
        self.starts.append(doc)

    def close(self) -> None:
        """Commit the catalog and close it."""
        self.catalog.flush()
        self.catalog.close()

    def where_to_look(self, uri: str | None = None) -> list[str]:
        """Shell commands that show the session's runs again."""
        option = "" if uri is None else f" --uri {uri}"
        return [f"acq catalog{option} ls", f"acq catalog{option} show -1"]

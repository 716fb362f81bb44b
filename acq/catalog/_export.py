"""Export a run's documents through one of the writers of :mod:`acq.writers`."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from acq._exceptions import CatalogError
from acq.writers import (
    export_csv,
    export_jsonl,
    export_msgpack,
    export_nexus,
    export_spec,
    export_tiff,
)

if TYPE_CHECKING:
    from acq.catalog._run import Run

_Exporter = Callable[..., dict[str, list[str]]]

_WRITERS: dict[str, _Exporter] = {
    "jsonl": export_jsonl,
    "msgpack": export_msgpack,
    "csv": export_csv,
    "nexus": export_nexus,
    "spec": export_spec,
    "tiff": export_tiff,
}


def _export(run: Run, format: str, destination: Path, **options: Any) -> list[Path]:
    writer = _WRITERS.get(format)
    if writer is None:
        raise CatalogError(
            f"cannot export run {run.uid} as {format!r}: known formats are {sorted(_WRITERS)}"
        )
    destination.mkdir(parents=True, exist_ok=True)
    docs: Iterable[tuple[str, dict[str, Any]]] = run.documents()
    artifacts = writer(docs, destination, **options)
    return [Path(p) for paths in artifacts.values() for p in paths]

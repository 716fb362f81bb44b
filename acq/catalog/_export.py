"""Export a run's documents through a writer.

This is the seam to :mod:`acq.writers`: until it is available the catalog carries
two minimal writers (JSON lines and msgpack frames of ``[name, doc]``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from acq._exceptions import CatalogError
from acq.documents import encode_json_line, encode_msgpack_frame

if TYPE_CHECKING:
    from acq.catalog._run import Run

_Docs = Iterable[tuple[str, dict[str, Any]]]


def _jsonl(docs: _Docs, path: Path) -> None:
    with path.open("wb") as f:
        for name, doc in docs:
            f.write(encode_json_line(name, doc))


def _msgpack(docs: _Docs, path: Path) -> None:
    with path.open("wb") as f:
        for name, doc in docs:
            f.write(encode_msgpack_frame(name, doc))


_WRITERS: dict[str, tuple[str, Callable[[_Docs, Path], None]]] = {
    "jsonl": (".jsonl", _jsonl),
    "msgpack": (".msgpack", _msgpack),
}


def _export(run: Run, format: str, destination: Path) -> list[Path]:
    if format not in _WRITERS:
        raise CatalogError(
            f"cannot export run {run.uid} as {format!r}: known formats are {sorted(_WRITERS)}"
        )
    suffix, write = _WRITERS[format]
    if destination.suffix != suffix:
        destination.mkdir(parents=True, exist_ok=True)
        destination = destination / f"{run.uid}{suffix}"
    write(run.documents(), destination)
    return [destination]

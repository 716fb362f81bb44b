"""Saved document streams: JSON lines and msgpack frames of ``[name, doc]``."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from acq._exceptions import DocumentValidationError
from acq.documents import decode_json_line, validate_document


@dataclass
class IngestReport:
    """What an ingest did: the runs it saw, documents stored, and the bad lines it skipped."""

    runs: list[str] = field(default_factory=list)
    documents: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when no document was skipped."""
        return not self.errors


#: (where, name, doc) for a document, (where, None, message) for a bad one
_Item = tuple[str, str | None, Any]


def _iter_jsonl(path: Path) -> Iterator[_Item]:
    with path.open("rb") as f:
        for lineno, line in enumerate(f, 1):
            if not line.strip():
                continue
            where = f"{path}:{lineno}"
            try:
                yield (where, *decode_json_line(line))
            except DocumentValidationError as exc:
                truncated = " (truncated line?)" if not line.endswith(b"\n") else ""
                yield where, None, f"{exc}{truncated}"


def _iter_msgpack(path: Path) -> Iterator[_Item]:
    import msgpack

    unpacker = msgpack.Unpacker(raw=False, strict_map_key=False)
    with path.open("rb") as f:
        unpacker.feed(f.read())
    frame = 0
    consumed = 0
    size = path.stat().st_size
    while True:
        frame += 1
        where = f"{path}: frame {frame}"
        try:
            obj = unpacker.unpack()
        except msgpack.OutOfData:
            if consumed < size:
                yield where, None, f"truncated msgpack frame at byte {consumed} of {size}"
            return
        except (ValueError, msgpack.UnpackException) as exc:
            yield where, None, f"corrupt msgpack frame ({exc}); the rest of the file is skipped"
            return
        consumed = unpacker.tell()
        if not (isinstance(obj, list) and len(obj) == 2 and isinstance(obj[0], str)):
            yield where, None, f"expected a [name, doc] frame, got {str(obj)[:60]}"
            continue
        try:
            yield where, obj[0], validate_document(obj[0], obj[1])
        except DocumentValidationError as exc:
            yield where, None, str(exc)


def _iter_file(path: Path) -> Iterator[_Item]:
    if path.suffix in (".msgpack", ".mpk", ".msgp"):
        return _iter_msgpack(path)
    return _iter_jsonl(path)

"""Saved document streams: JSON lines and msgpack frames of ``[name, doc]``."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import msgspec

from acq._exceptions import DocumentValidationError


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


def _pair(obj: Any) -> tuple[str, dict[str, Any]]:
    if (
        not isinstance(obj, list | tuple)
        or len(obj) != 2
        or not isinstance(obj[0], str)
        or not isinstance(obj[1], dict)
    ):
        raise DocumentValidationError(
            f"expected a [name, doc] pair, got {type(obj).__name__} {str(obj)[:80]}"
        )
    return obj[0], obj[1]


def _iter_jsonl(path: Path) -> Iterator[_Item]:
    decoder = msgspec.json.Decoder()
    with path.open("rb") as f:
        for lineno, line in enumerate(f, 1):
            if not line.strip():
                continue
            where = f"{path}:{lineno}"
            try:
                yield (where, *_pair(decoder.decode(line)))
            except (msgspec.DecodeError, DocumentValidationError) as exc:
                truncated = " (truncated?)" if not line.endswith(b"\n") else ""
                yield where, None, f"not a [name, doc] JSON line{truncated}: {exc}"


def _iter_msgpack(path: Path) -> Iterator[_Item]:
    import msgpack

    unpacker = msgpack.Unpacker(raw=False, strict_map_key=False)
    with path.open("rb") as f:
        unpacker.feed(f.read())
    frame = 0
    while True:
        frame += 1
        where = f"{path}: frame {frame}"
        try:
            obj = unpacker.unpack()
        except msgpack.OutOfData:
            if unpacker.tell() < path.stat().st_size:
                yield where, None, f"truncated msgpack frame at byte {unpacker.tell()}"
            return
        except (ValueError, msgpack.UnpackException) as exc:
            yield where, None, f"corrupt msgpack frame ({exc}); the rest of the file is skipped"
            return
        try:
            yield (where, *_pair(obj))
        except DocumentValidationError as exc:
            yield where, None, str(exc)


def _iter_file(path: Path) -> Iterator[_Item]:
    if path.suffix in (".msgpack", ".mpk", ".msgp"):
        return _iter_msgpack(path)
    return _iter_jsonl(path)

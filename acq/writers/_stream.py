"""Lossless document streams: JSON lines and msgpack, with readers.

Wire format (one frame per document, in arrival order, all ten document types):
``[name, doc]`` as one JSON line, or as one msgpack array (frames concatenated).
"""

from __future__ import annotations

import io
import itertools
import os
from collections.abc import Iterable, Iterator
from typing import IO, Any

import msgpack

from acq._exceptions import DocumentError, DocumentValidationError, WriterError
from acq.documents import (
    decode_json_line,
    decode_msgpack_frame,
    encode_json_line,
    encode_msgpack_frame,
)
from acq.writers._base import Doc, Writer, _export
from acq.writers._destinations import Destination

_FLUSH_BYTES = 1 << 16


class _StreamWriter(Writer):
    """Encodes every document as one frame; buffers up to 64 KiB between flushes."""

    extension = ""
    label = "stream_data"
    _encode = staticmethod(encode_msgpack_frame)

    def __init__(
        self, destination: Destination | str | os.PathLike[str], *, file_prefix: str | None = None
    ) -> None:
        super().__init__(destination, file_prefix=file_prefix)
        self._buffer = bytearray()
        self._file: IO[bytes] | None = None

    def _frame(self, name: str, doc: Doc) -> None:
        buf = self._buffer
        try:
            buf += self._encode(name, doc)
        except (TypeError, DocumentError) as exc:
            raise WriterError(
                f"{type(self).__name__} cannot encode {name} {doc.get('uid')!r}: {exc}. "
                "Documents hold only JSON-like values and numpy arrays/scalars."
            ) from exc
        if len(buf) > _FLUSH_BYTES:
            self._write_out()

    def _write_out(self) -> None:
        if self._file is not None and self._buffer:
            self._file.write(self._buffer)
            self._buffer.clear()

    def flush(self) -> None:
        self._write_out()
        super().flush()

    # fast path: events skip the generic hook indirection
    def _on_event(self, doc: Doc) -> None:
        if doc["descriptor"] not in self.descriptors:
            self._descriptor_of("event", doc)
        self._frame("event", doc)

    def _on_datum_page(self, doc: Doc) -> None:
        self._require_run("datum_page")
        if doc["resource"] not in self.external.resources:
            raise WriterError(
                f"datum_page refers to resource {doc['resource']!r} that was never seen; "
                "send the resource first."
            )
        self._frame("datum_page", doc)

    def start(self, doc: Doc) -> None:
        self._file = self.open_artifact(self.label, f"{self.prefix()}{self.extension}")
        self._frame("start", doc)

    def descriptor(self, doc: Doc) -> None:
        self._frame("descriptor", doc)

    def event_page(self, doc: Doc, descriptor: Doc) -> None:
        self._frame("event_page", doc)

    def stop(self, doc: Doc) -> None:
        self._frame("stop", doc)

    def resource(self, doc: Doc) -> None:
        self._frame("resource", doc)

    def datum(self, doc: Doc) -> None:
        self._frame("datum", doc)

    def stream_resource(self, doc: Doc) -> None:
        self._frame("stream_resource", doc)

    def stream_datum(self, doc: Doc) -> None:
        self._frame("stream_datum", doc)

    def finish_run(self) -> None:
        self._write_out()
        self._file = None


class JSONLWriter(_StreamWriter):
    """One ``[name, doc]`` JSON array per line, file ``<prefix>.jsonl``."""

    extension = ".jsonl"
    _encode = staticmethod(encode_json_line)


class MsgpackWriter(_StreamWriter):
    """Concatenated msgpack ``[name, doc]`` arrays, file ``<prefix>.msgpack``."""

    extension = ".msgpack"


def _as_binary(source: str | os.PathLike[str] | bytes | IO[bytes]) -> tuple[IO[bytes], bool]:
    if isinstance(source, bytes | bytearray):
        return io.BytesIO(source), True
    if isinstance(source, str | os.PathLike):
        try:
            return open(source, "rb"), True
        except OSError as exc:
            raise WriterError(f"cannot read document stream {str(source)!r}: {exc}") from exc
    return source, False


def read_jsonl(source: str | os.PathLike[str] | bytes | IO[bytes]) -> Iterator[tuple[str, Doc]]:
    """Read back (and validate) the documents of a JSONL stream: a path, bytes or file."""
    f, owned = _as_binary(source)
    try:
        for lineno, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                yield decode_json_line(line)
            except DocumentValidationError as exc:
                raise DocumentValidationError(f"JSONL line {lineno}: {exc}") from None
    finally:
        if owned:
            f.close()


def read_msgpack(
    source: str | os.PathLike[str] | bytes | IO[bytes],
) -> Iterator[tuple[str, Doc]]:
    """Read back (and validate) the documents of a msgpack stream: a path, bytes or file."""
    f, owned = _as_binary(source)
    try:
        data = f.read()
    finally:
        if owned:
            f.close()
    unpacker = msgpack.Unpacker(raw=False, strict_map_key=False)
    unpacker.feed(data)
    start = 0
    for n in itertools.count(1):
        try:
            unpacker.skip()
        except msgpack.OutOfData:
            if start < len(data):
                raise DocumentValidationError(
                    f"msgpack frame {n} is truncated ({len(data) - start} bytes at the end)."
                ) from None
            return
        except (msgpack.UnpackException, ValueError) as exc:
            raise DocumentValidationError(f"msgpack frame {n} is corrupt: {exc}") from exc
        end = unpacker.tell()
        try:
            yield decode_msgpack_frame(data[start:end])
        except DocumentValidationError as exc:
            raise DocumentValidationError(f"msgpack frame {n}: {exc}") from None
        start = end


def export_jsonl(
    docs: Iterable[tuple[str, Doc]],
    destination: Destination | str | os.PathLike[str],
    **options: Any,
) -> dict[str, list[str]]:
    """Write a document stream as JSON lines; returns the artifacts."""
    return _export(JSONLWriter, docs, destination, **options)


def export_msgpack(
    docs: Iterable[tuple[str, Doc]],
    destination: Destination | str | os.PathLike[str],
    **options: Any,
) -> dict[str, list[str]]:
    """Write a document stream as msgpack; returns the artifacts."""
    return _export(MsgpackWriter, docs, destination, **options)

"""msgspec codecs: documents to JSON / msgpack and ``[name, doc]`` frames back.

Encoding never validates (documents are trusted where they are made); decoding
always does. numpy scalars and arrays are encoded as plain numbers and lists.
"""

from __future__ import annotations

import gc
from collections.abc import Iterable
from typing import Any

import msgspec
import numpy as np
from pydantic import BaseModel

from acq._exceptions import DocumentError, DocumentValidationError
from acq.documents._frames import (
    _EventFrame,
    _EventPageFrame,
    _json_frame,
    _json_frames,
    _msgpack_frame,
)
from acq.documents._validate import DOCUMENT_MODELS, validate_document

__all__ = [
    "decode_json_line",
    "decode_json_lines",
    "decode_msgpack_frame",
    "encode_json",
    "encode_json_line",
    "encode_json_lines",
    "encode_msgpack",
    "encode_msgpack_frame",
]

_UNSET = msgspec.UNSET
_asdict = msgspec.structs.asdict


def _enc_hook(obj: Any) -> Any:
    if isinstance(obj, np.ndarray):
        return obj.tolist()
    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, BaseModel):
        return obj.model_dump(exclude_unset=True)
    raise DocumentError(
        f"cannot encode a value of type {type(obj).__module__}.{type(obj).__qualname__} "
        "in a document: documents hold JSON types (str, int, float, bool, None, list, "
        "dict) and numpy scalars/arrays; convert the value before emitting it"
    )


_json_enc = msgspec.json.Encoder(enc_hook=_enc_hook)
_msgpack_enc = msgspec.msgpack.Encoder(enc_hook=_enc_hook)


def _plain(doc: Any) -> Any:
    if isinstance(doc, BaseModel):
        return doc.model_dump(exclude_unset=True)
    return doc


def encode_json(doc: dict[str, Any] | BaseModel) -> bytes:
    """Encode one document (dict or model) to JSON bytes."""
    return _json_enc.encode(_plain(doc))


def encode_msgpack(doc: dict[str, Any] | BaseModel) -> bytes:
    """Encode one document (dict or model) to msgpack bytes."""
    return _msgpack_enc.encode(_plain(doc))


def encode_json_line(name: str, doc: dict[str, Any] | BaseModel) -> bytes:
    """Encode ``[name, doc]`` as one JSON line, newline included."""
    return _json_enc.encode((name, _plain(doc))) + b"\n"


def encode_json_lines(frames: Iterable[tuple[str, dict[str, Any] | BaseModel]]) -> bytes:
    """Encode many ``(name, doc)`` pairs as JSON lines (each ends with a newline)."""
    enc = _json_enc.encode
    parts = [enc((name, _plain(doc))) for name, doc in frames]
    if not parts:
        return b""
    parts.append(b"")
    return b"\n".join(parts)


def encode_msgpack_frame(name: str, doc: dict[str, Any] | BaseModel) -> bytes:
    """Encode ``[name, doc]`` as one msgpack frame."""
    return _msgpack_enc.encode((name, _plain(doc)))


def _accept(frame: Any) -> tuple[str, dict[str, Any]]:
    """A decoded frame -> validated ``(name, doc)`` of plain dicts."""
    kind = type(frame)
    if kind is _EventFrame or kind is _EventPageFrame:  # already validated by msgspec
        out: dict[str, Any] = _asdict(frame.doc)
        if out["filled"] is _UNSET:
            del out["filled"]
        return frame.__struct_config__.tag, out
    name: str = frame.__struct_config__.tag
    return name, validate_document(name, frame.doc)


def _explain(raw: bytes, fmt: str, exc: msgspec.MsgspecError) -> Exception:
    """Re-run a rejected frame through the models for an error naming type and field."""
    try:
        generic = msgspec.json.decode(raw) if fmt == "json" else msgspec.msgpack.decode(raw)
    except msgspec.DecodeError as err:
        return DocumentValidationError(f"not a valid {fmt} frame: {err}")
    if not (isinstance(generic, list) and len(generic) == 2):
        return DocumentValidationError(
            f"a frame must be a 2-item array [name, doc], got {type(generic).__name__} "
            f"{str(generic)[:60]}"
        )
    name, doc = generic
    if name not in DOCUMENT_MODELS:
        return DocumentValidationError(
            f"unknown document name {name!r}: expected one of {', '.join(DOCUMENT_MODELS)}"
        )
    try:
        validate_document(name, doc)
    except DocumentValidationError as err:
        return err
    # msgspec's typed Struct (events) is stricter than the model on this input.
    return DocumentValidationError(f"{name} document: {exc}")


def decode_json_line(line: bytes | str) -> tuple[str, dict[str, Any]]:
    """Decode and validate one ``[name, doc]`` JSON line."""
    try:
        frame = _json_frame.decode(line)
    except msgspec.MsgspecError as exc:
        raw = line.encode() if isinstance(line, str) else line
        raise _explain(raw, "json", exc) from None
    return _accept(frame)


def decode_msgpack_frame(data: bytes) -> tuple[str, dict[str, Any]]:
    """Decode and validate one ``[name, doc]`` msgpack frame."""
    try:
        frame = _msgpack_frame.decode(data)
    except msgspec.MsgspecError as exc:
        raise _explain(data, "msgpack", exc) from None
    return _accept(frame)


def decode_json_lines(data: bytes | str) -> list[tuple[str, dict[str, Any]]]:
    """Decode and validate a whole JSON-lines text of ``[name, doc]`` frames.

    Blank lines are skipped. An error names the (1-based) line number.
    """
    raw = data.encode() if isinstance(data, str) else data
    lines = [line for line in raw.splitlines() if line.strip()]
    if not lines:
        return []
    # JSON strings cannot hold a raw newline, so the lines join into one array.
    enabled = gc.isenabled()
    gc.disable()  # millions of small containers: skip needless cyclic-GC passes
    try:
        frames = _json_frames.decode(b"[" + b",".join(lines) + b"]")
        return [_accept(f) for f in frames]
    except (msgspec.MsgspecError, DocumentValidationError):
        pass
    finally:
        if enabled:
            gc.enable()
    for number, line in enumerate(raw.splitlines(), start=1):
        if line.strip():
            try:
                decode_json_line(line)
            except DocumentValidationError as err:
                raise DocumentValidationError(f"line {number}: {err}") from None
    raise DocumentValidationError(
        "JSON lines could not be decoded as a whole, yet every line decodes alone; "
        "is a frame split across lines?"
    )  # pragma: no cover

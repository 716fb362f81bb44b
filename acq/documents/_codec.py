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


def _fallback(raw: bytes, fmt: str) -> tuple[str, dict[str, Any]]:
    """A frame the typed decoder refused: decode it generically and let the model judge.

    The model is the arbiter: its error names the type, the field and the problem;
    where it accepts what msgspec's Struct refused (an integer beyond 64 bits, say),
    the document is accepted.
    """
    try:
        generic = msgspec.json.decode(raw) if fmt == "json" else msgspec.msgpack.decode(raw)
    except msgspec.DecodeError as err:
        raise DocumentValidationError(f"not a valid {fmt} frame: {err}") from None
    if not (isinstance(generic, list) and len(generic) == 2):
        raise DocumentValidationError(
            f"a frame must be a 2-item array [name, doc], got {type(generic).__name__} "
            f"{str(generic)[:60]}"
        )
    name, doc = generic
    if name not in DOCUMENT_MODELS:
        raise DocumentValidationError(
            f"unknown document name {name!r}: expected one of {', '.join(DOCUMENT_MODELS)}"
        )
    return name, validate_document(name, doc)


def decode_json_line(line: bytes | str) -> tuple[str, dict[str, Any]]:
    """Decode and validate one ``[name, doc]`` JSON line."""
    try:
        frame = _json_frame.decode(line)
    except msgspec.MsgspecError:
        return _fallback(line.encode() if isinstance(line, str) else line, "json")
    return _accept(frame)


def decode_msgpack_frame(data: bytes) -> tuple[str, dict[str, Any]]:
    """Decode and validate one ``[name, doc]`` msgpack frame."""
    try:
        frame = _msgpack_frame.decode(data)
    except msgspec.MsgspecError:
        return _fallback(data, "msgpack")
    return _accept(frame)


def _one_frame_per_line(raw: bytes, count: int) -> bool:
    """True when the ``count`` values msgspec read from ``raw`` are one per line.

    ``decode_lines`` reads a stream of values and treats newlines as whitespace,
    so it would accept a frame split over lines, or two on one line, that the
    per-line decoder refuses. Frames are arrays, and ``][`` is never valid inside
    a JSON value, so when every newline but a trailing one sits in ``]\\n[`` no
    value spans lines, and ``count`` equal to the number of lines leaves exactly
    one per line. Anything else (blank lines, ``\\r\\n``, padding) takes the
    per-line path, which gives the authoritative verdict.
    """
    newlines = raw.count(b"\n")
    if raw.endswith(b"\n"):
        lines, last = newlines, b"]\n"
    else:
        lines, last = newlines + 1, b"]"
    return count == lines and raw.endswith(last) and raw.count(b"]\n[") == lines - 1


def _decode_bulk(raw: bytes) -> list[tuple[str, dict[str, Any]]] | None:
    """Decode the whole text with one msgspec call; ``None`` if any frame is refused.

    On ``None`` the caller re-decodes line by line, which finds the first bad
    line and names it (or accepts what the model accepts where msgspec is narrower).
    """
    try:
        frames = _json_frame.decode_lines(raw)
    except msgspec.MsgspecError:
        return None
    if not frames or not _one_frame_per_line(raw, len(frames)):
        return None
    asdict, unset, event = _asdict, _UNSET, _EventFrame
    out: list[tuple[str, dict[str, Any]]] = []
    append = out.append
    try:
        for frame in frames:
            if type(frame) is event:  # the hot path, inlined
                doc = asdict(frame.doc)
                if doc["filled"] is unset:
                    del doc["filled"]
                append(("event", doc))
            else:
                append(_accept(frame))
    except DocumentValidationError:
        return None
    return out


def _decode_per_line(raw: bytes) -> list[tuple[str, dict[str, Any]]]:
    decode = _json_frame.decode
    out: list[tuple[str, dict[str, Any]]] = []
    append = out.append
    for number, line in enumerate(raw.splitlines(), start=1):
        if not line or line.isspace():
            continue
        try:
            try:
                frame = decode(line)
            except msgspec.MsgspecError:
                append(_fallback(line, "json"))
                continue
            append(_accept(frame))
        except DocumentValidationError as err:
            raise DocumentValidationError(f"line {number}: {err}") from None
    return out


def decode_json_lines(data: bytes | str) -> list[tuple[str, dict[str, Any]]]:
    """Decode and validate a whole JSON-lines text of ``[name, doc]`` frames.

    The whole text is decoded by one msgspec call into typed frames (events and
    event pages validated by their Structs, other documents by their models).
    If any frame is refused, the text is decoded again line by line so that the
    error names the (1-based) line number, the document type, field and problem.
    Blank lines are skipped.
    """
    raw = data.encode() if isinstance(data, str) else data
    enabled = gc.isenabled()
    gc.disable()  # many small acyclic containers: skip needless cyclic-GC passes
    try:
        out = _decode_bulk(raw)
        return _decode_per_line(raw) if out is None else out
    finally:
        if enabled:
            gc.enable()

"""msgspec frame types: one tagged, array-like Struct per document name.

A frame on the wire is ``[name, doc]``. msgspec decodes it in one pass into the
frame Struct whose tag is ``name``. Events and event pages (the hot path) are
decoded into typed Structs mirroring the pydantic models, so decoding them *is*
validating them; every other document keeps a plain dict that is then validated
by its pydantic model. Tests check that both paths accept and reject the same
documents.
"""

from __future__ import annotations

from typing import Any

import msgspec
from msgspec import UNSET, Struct, UnsetType

__all__: list[str] = []


class _EventStruct(Struct, forbid_unknown_fields=True, gc=False):
    uid: str
    time: float
    descriptor: str
    seq_num: int
    data: dict[str, Any]
    timestamps: dict[str, Any]
    filled: dict[str, bool | str] | UnsetType = UNSET


class _EventPageStruct(Struct, forbid_unknown_fields=True, gc=False):
    uid: list[str]
    time: list[float]
    descriptor: str
    seq_num: list[int]
    data: dict[str, list[Any]]
    timestamps: dict[str, list[Any]]
    filled: dict[str, list[bool | str]] | UnsetType = UNSET


class _EventFrame(Struct, array_like=True, tag="event", gc=False):
    doc: _EventStruct


class _EventPageFrame(Struct, array_like=True, tag="event_page", gc=False):
    doc: _EventPageStruct


class _StartFrame(Struct, array_like=True, tag="start", gc=False):
    doc: dict[str, Any]


class _DescriptorFrame(Struct, array_like=True, tag="descriptor", gc=False):
    doc: dict[str, Any]


class _StopFrame(Struct, array_like=True, tag="stop", gc=False):
    doc: dict[str, Any]


class _ResourceFrame(Struct, array_like=True, tag="resource", gc=False):
    doc: dict[str, Any]


class _DatumFrame(Struct, array_like=True, tag="datum", gc=False):
    doc: dict[str, Any]


class _DatumPageFrame(Struct, array_like=True, tag="datum_page", gc=False):
    doc: dict[str, Any]


class _StreamResourceFrame(Struct, array_like=True, tag="stream_resource", gc=False):
    doc: dict[str, Any]


class _StreamDatumFrame(Struct, array_like=True, tag="stream_datum", gc=False):
    doc: dict[str, Any]


_Frame = (
    _EventFrame
    | _EventPageFrame
    | _StartFrame
    | _DescriptorFrame
    | _StopFrame
    | _ResourceFrame
    | _DatumFrame
    | _DatumPageFrame
    | _StreamResourceFrame
    | _StreamDatumFrame
)

_json_frame = msgspec.json.Decoder(_Frame)
_msgpack_frame = msgspec.msgpack.Decoder(_Frame)

"""Event-model documents: pydantic models, msgspec codecs and composition helpers.

Documents travel as plain dicts in the event-model 1.24 shape, as ``(name, doc)``
pairs. The models here are the one source of truth for their schemas
(``acq/documents/schemas/*.json`` is generated from them); the codecs encode
trusted documents fast and validate everything they decode.
"""

from __future__ import annotations

from acq.documents._codec import (
    decode_json_line,
    decode_json_lines,
    decode_msgpack_frame,
    encode_json,
    encode_json_line,
    encode_json_lines,
    encode_msgpack,
    encode_msgpack_frame,
)
from acq.documents._compose import (
    DescriptorBundle,
    ResourceBundle,
    RunBundle,
    StreamResourceBundle,
    compose_run,
)
from acq.documents._models import (
    CalculatedEventProjection,
    Calculation,
    Configuration,
    ConfigurationProjection,
    DataKey,
    Datum,
    DatumPage,
    Event,
    EventDescriptor,
    EventPage,
    Limits,
    LimitsRange,
    LinkedEventProjection,
    PerObjectHint,
    Projection,
    RdsRange,
    Resource,
    RunStart,
    RunStartHints,
    RunStop,
    StaticProjection,
    StreamDatum,
    StreamRange,
    StreamResource,
)
from acq.documents._names import DOCUMENT_NAMES
from acq.documents._pages import (
    pack_datum_page,
    pack_event_page,
    unpack_datum_page,
    unpack_event_page,
)
from acq.documents._router import DocumentRouter
from acq.documents._validate import DOCUMENT_MODELS, validate_document

__all__ = [
    "DOCUMENT_MODELS",
    "DOCUMENT_NAMES",
    "CalculatedEventProjection",
    "Calculation",
    "Configuration",
    "ConfigurationProjection",
    "DataKey",
    "Datum",
    "DatumPage",
    "DescriptorBundle",
    "DocumentRouter",
    "Event",
    "EventDescriptor",
    "EventPage",
    "Limits",
    "LimitsRange",
    "LinkedEventProjection",
    "PerObjectHint",
    "Projection",
    "RdsRange",
    "Resource",
    "ResourceBundle",
    "RunBundle",
    "RunStart",
    "RunStartHints",
    "RunStop",
    "StaticProjection",
    "StreamDatum",
    "StreamRange",
    "StreamResource",
    "StreamResourceBundle",
    "compose_run",
    "decode_json_line",
    "decode_json_lines",
    "decode_msgpack_frame",
    "encode_json",
    "encode_json_line",
    "encode_json_lines",
    "encode_msgpack",
    "encode_msgpack_frame",
    "pack_datum_page",
    "pack_event_page",
    "unpack_datum_page",
    "unpack_event_page",
    "validate_document",
]

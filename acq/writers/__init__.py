"""Writers ("suitcases"): encode the document stream into files, buffers and web clients.

A writer is a document consumer ``writer(name, doc)`` (see :class:`Writer`);
``export_<format>(docs, destination, **options)`` writes a saved stream after the fact.
"""

from __future__ import annotations

from acq.writers._base import Writer
from acq.writers._csv import CSVWriter, export_csv
from acq.writers._destinations import (
    Destination,
    DirectoryDestination,
    MemoryDestination,
    render_template,
    sanitize,
)
from acq.writers._live import LiveWriter, LiveWriterStatistics
from acq.writers._nexus import NeXusWriter, export_nexus
from acq.writers._spec import SpecWriter, export_spec
from acq.writers._stream import (
    JSONLWriter,
    MsgpackWriter,
    export_jsonl,
    export_msgpack,
    read_jsonl,
    read_msgpack,
)
from acq.writers._tiff import TIFFWriter, export_tiff
from acq.writers._web import HttpDestination
from acq.writers._websocket import WebSocketDestination

__all__ = [
    "CSVWriter",
    "Destination",
    "DirectoryDestination",
    "HttpDestination",
    "JSONLWriter",
    "LiveWriter",
    "LiveWriterStatistics",
    "MemoryDestination",
    "MsgpackWriter",
    "NeXusWriter",
    "SpecWriter",
    "TIFFWriter",
    "WebSocketDestination",
    "Writer",
    "export_csv",
    "export_jsonl",
    "export_msgpack",
    "export_nexus",
    "export_spec",
    "export_tiff",
    "read_jsonl",
    "read_msgpack",
    "render_template",
    "sanitize",
]

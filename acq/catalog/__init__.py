"""The catalog ("data broker"): search runs, get numpy arrays back, files never seen.

Open one with :meth:`Catalog.open` (a SQLite path or a ``postgresql://`` URI) or
:func:`default_catalog`; ingest live documents (``RE.subscribe(catalog)``) or saved
files (:meth:`Catalog.ingest`); search with the query classes; read streams as
tables of numpy arrays. See docs/reference/catalog.md.
"""

from __future__ import annotations

from acq.catalog._catalog import Catalog, default_catalog
from acq.catalog._queries import (
    And,
    Contains,
    FullText,
    In,
    Key,
    Not,
    NotIn,
    Or,
    PartialUID,
    Query,
    Regex,
    ScanID,
    ScanIDRange,
    TimeRange,
)
from acq.catalog._readers import register_reader
from acq.catalog._run import Run, Stream
from acq.catalog._sources import IngestReport
from acq.catalog._table import LazyColumn, Table

__all__ = [
    "And",
    "Catalog",
    "Contains",
    "FullText",
    "In",
    "IngestReport",
    "Key",
    "LazyColumn",
    "Not",
    "NotIn",
    "Or",
    "PartialUID",
    "Query",
    "Regex",
    "Run",
    "ScanID",
    "ScanIDRange",
    "Stream",
    "Table",
    "TimeRange",
    "default_catalog",
    "register_reader",
]

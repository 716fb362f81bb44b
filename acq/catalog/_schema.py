"""Versioned schema migrations, shared by the SQLite and PostgreSQL backends.

Each migration is a list of statements; ``{blob}``, ``{bigint}`` and ``{plan_name}``
(the SQL of the start document's plan_name) are filled in per dialect.
Migrations only ever append: a released one never changes.
"""

from __future__ import annotations

_MIGRATIONS: list[list[str]] = [
    # 1: runs, descriptors, columnar event chunks, external references
    [
        "CREATE TABLE runs (uid TEXT PRIMARY KEY, scan_id {bigint}, time DOUBLE PRECISION"
        " NOT NULL, start_doc TEXT NOT NULL, stop_doc TEXT, rev {bigint} NOT NULL)",
        "CREATE INDEX runs_rev ON runs (rev)",
        "CREATE INDEX runs_time ON runs (time)",
        "CREATE INDEX runs_scan_id ON runs (scan_id)",
        "CREATE TABLE descriptors (uid TEXT PRIMARY KEY, run_uid TEXT NOT NULL,"
        " name TEXT NOT NULL, time DOUBLE PRECISION NOT NULL, doc TEXT NOT NULL,"
        " last_seq {bigint} NOT NULL DEFAULT 0)",
        "CREATE INDEX descriptors_run ON descriptors (run_uid)",
        "CREATE TABLE chunks (descriptor_uid TEXT NOT NULL, col TEXT NOT NULL,"
        " first_seq {bigint} NOT NULL, n {bigint} NOT NULL, dtype TEXT NOT NULL,"
        " shape TEXT NOT NULL, payload {blob} NOT NULL,"
        " PRIMARY KEY (descriptor_uid, col, first_seq))",
        "CREATE TABLE resources (uid TEXT PRIMARY KEY, run_uid TEXT NOT NULL,"
        " kind TEXT NOT NULL, doc TEXT NOT NULL)",
        "CREATE INDEX resources_run ON resources (run_uid)",
        "CREATE TABLE datums (datum_id TEXT PRIMARY KEY, resource_uid TEXT NOT NULL,"
        " doc TEXT NOT NULL)",
        "CREATE INDEX datums_resource ON datums (resource_uid)",
        "CREATE TABLE stream_datums (uid TEXT PRIMARY KEY, descriptor_uid TEXT NOT NULL,"
        " resource_uid TEXT NOT NULL, seq_start {bigint} NOT NULL, doc TEXT NOT NULL)",
        "CREATE INDEX stream_datums_descriptor ON stream_datums (descriptor_uid)",
    ],
    # 2: an index for searches on the start document's plan_name (SQL pushdown)
    [
        "CREATE INDEX runs_plan_name ON runs ({plan_name})",
    ],
]

SCHEMA_VERSION = len(_MIGRATIONS)


def _statements(version: int, **types: str) -> list[str]:
    """The statements that take the schema from ``version - 1`` to ``version``."""
    return [s.format(**types) for s in _MIGRATIONS[version - 1]]

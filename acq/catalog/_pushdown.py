"""Translate the selective queries into SQL ``WHERE`` clauses (both dialects).

A clause selects a SUPERSET of the runs the query matches (never fewer), so the
catalog runs it in the database to narrow the candidates and then checks the
candidates with ``Query.match``: results are identical to the pure Python path.
Translated: ScanID, ScanIDRange, TimeRange, PartialUID, ``Key(k) == v`` on a
top-level start key (``v`` a string, number or bool), and And / Or of those.
Anything else gives ``None`` (no narrowing from that query).
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

from acq.catalog._queries import (
    And,
    Or,
    PartialUID,
    Query,
    ScanID,
    ScanIDRange,
    TimeRange,
    _Compare,
    _path,
)

_Clause = tuple[str, list[Any]]
_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_EXACT_INT = 2**53  # larger ints may not survive a trip through a float


def _int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and abs(value) < _EXACT_INT


def _clause(query: Query, dialect: str) -> _Clause | None:
    """A ``(sql, params)`` superset clause for ``query``, or None."""
    if isinstance(query, And):
        parts = [c for q in query.queries if (c := _clause(q, dialect)) is not None]
        return _join(parts, " AND ") if parts else None
    if isinstance(query, Or):
        ors = [_clause(q, dialect) for q in query.queries]
        if not ors or any(c is None for c in ors):
            return None
        return _join([c for c in ors if c is not None], " OR ")
    if isinstance(query, ScanID):
        ids = sorted(query.scan_ids, key=repr)
        if not ids or not all(_int(i) for i in ids):
            return None
        marks = ", ".join("?" * len(ids))
        return f"scan_id IN ({marks}) OR scan_id IS NULL", list(ids)  # NULL: non-int ids
    if isinstance(query, ScanIDRange):
        if not (_int(query.start_id) and _int(query.end_id)):
            return None
        return "scan_id >= ? AND scan_id < ?", [query.start_id, query.end_id]
    if isinstance(query, TimeRange):
        return _time(query)
    if isinstance(query, PartialUID):
        prefixes = [p for p in query.prefixes if isinstance(p, str)]
        if not prefixes:
            return None
        likes = " OR ".join(["uid LIKE ? ESCAPE '\\'"] * len(prefixes))
        return likes, [_like(p) + "%" for p in prefixes]
    if isinstance(query, _Compare):
        return _equals(query, dialect)
    return None


def _join(parts: list[_Clause], op: str) -> _Clause:
    return op.join(f"({sql})" for sql, _ in parts), [p for _, ps in parts for p in ps]


def _time(query: TimeRange) -> _Clause | None:
    sql, params = [], []
    if query.since is not None:
        sql.append("time >= ?")
        params.append(float(query.since))
    if query.until is not None:
        sql.append("time < ?")
        params.append(float(query.until))
    return (" AND ".join(sql), params) if sql else None


def _like(prefix: str) -> str:
    return prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _equals(query: _Compare, dialect: str) -> _Clause | None:
    in_stop, parts = _path(query.key)
    value = query.value
    if query.op != "==" or in_stop or len(parts) != 1 or not _IDENT.match(parts[0]):
        return None
    key = parts[0]
    if isinstance(value, float) and not (math.isfinite(value) and abs(value) < _EXACT_INT):
        return None
    if isinstance(value, int) and not isinstance(value, bool) and not _int(value):
        return None
    if not isinstance(value, str | int | float):
        return None
    if dialect == "sqlite":  # json_extract: strings as TEXT, true/false as 1/0
        return f"json_extract(start_doc, '$.{key}') = ?", [value]
    if isinstance(value, str):
        return f"(start_doc::jsonb ->> '{key}') = ?", [value]
    number = int(value) if isinstance(value, bool) else value
    literals = [json.dumps(number)]
    if number in (0, 1):  # Python: True == 1 == 1.0, so JSON true matches 1 too
        literals.append("true" if number == 1 else "false")
    marks = ", ".join(["?::jsonb"] * len(literals))
    return f"(start_doc::jsonb -> '{key}') IN ({marks})", literals

"""Composable queries on run metadata (start and stop documents).

Keys are dotted paths into the start document (``"sample.name"``); prefix
``"stop."`` to look in the stop document (``"stop.exit_status"``). A key a run
does not have never matches, so a query on an unknown key gives an empty result.
Combine with ``&`` (or chain ``.search()``), ``|`` / :class:`Or`, and ``~``.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from acq._exceptions import QueryError

_MISSING: Any = object()
Doc = Mapping[str, Any]


@lru_cache(maxsize=1024)
def _path(key: str) -> tuple[bool, tuple[str, ...]]:
    """``(in_stop, parts)`` of a dotted key."""
    if key.startswith("stop."):
        return True, tuple(key[5:].split("."))
    return False, tuple(key.removeprefix("start.").split("."))


def _lookup(key: str, start: Doc, stop: Doc | None) -> Any:
    in_stop, parts = _path(key)
    value: Any = stop if in_stop else start
    for part in parts:
        if not isinstance(value, dict) or part not in value:
            return _MISSING
        value = value[part]
    return value


class Query:
    """Base of all queries: ``match(start, stop)``, and ``&``, ``|``, ``~``."""

    def match(self, start: Doc, stop: Doc | None) -> bool:
        raise NotImplementedError

    def __and__(self, other: Query) -> Query:
        return And(self, other)

    def __or__(self, other: Query) -> Query:
        return Or(self, other)

    def __invert__(self) -> Query:
        return Not(self)


class And(Query):
    """Every one of the queries matches."""

    def __init__(self, *queries: Query) -> None:
        self.queries = queries

    def match(self, start: Doc, stop: Doc | None) -> bool:
        return all(q.match(start, stop) for q in self.queries)

    def __repr__(self) -> str:
        return f"And{self.queries!r}"


class Or(Query):
    """At least one of the queries matches."""

    def __init__(self, *queries: Query) -> None:
        self.queries = queries

    def match(self, start: Doc, stop: Doc | None) -> bool:
        return any(q.match(start, stop) for q in self.queries)

    def __repr__(self) -> str:
        return f"Or{self.queries!r}"


class Not(Query):
    """The query does not match."""

    def __init__(self, query: Query) -> None:
        self.query = query

    def match(self, start: Doc, stop: Doc | None) -> bool:
        return not self.query.match(start, stop)

    def __repr__(self) -> str:
        return f"Not({self.query!r})"


_OPS: dict[str, Callable[[Any, Any], bool]] = {
    "==": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}


class _Compare(Query):
    def __init__(self, key: str, op: str, value: Any) -> None:
        self.key, self.op, self.value = key, op, value
        self._fn = _OPS[op]

    def match(self, start: Doc, stop: Doc | None) -> bool:
        found = _lookup(self.key, start, stop)
        if found is _MISSING:
            return False
        try:
            return bool(self._fn(found, self.value))
        except TypeError:  # e.g. "a" < 3: not comparable, so no match
            return False

    def __repr__(self) -> str:
        return f"Key({self.key!r}) {self.op} {self.value!r}"


class Key:
    """A metadata key to compare: ``Key("sample") == "Si"``, ``Key("stop.num_events.x") > 3``."""

    def __init__(self, key: str) -> None:
        self.key = key

    def __eq__(self, value: Any) -> _Compare:  # type: ignore[override]
        return _Compare(self.key, "==", value)

    def __ne__(self, value: Any) -> _Compare:  # type: ignore[override]
        return _Compare(self.key, "!=", value)

    def __lt__(self, value: Any) -> _Compare:
        return _Compare(self.key, "<", value)

    def __le__(self, value: Any) -> _Compare:
        return _Compare(self.key, "<=", value)

    def __gt__(self, value: Any) -> _Compare:
        return _Compare(self.key, ">", value)

    def __ge__(self, value: Any) -> _Compare:
        return _Compare(self.key, ">=", value)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Key({self.key!r})"


@dataclass(frozen=True)
class Contains(Query):
    """The list or string at ``key`` contains ``value``."""

    key: str
    value: Any

    def match(self, start: Doc, stop: Doc | None) -> bool:
        found = _lookup(self.key, start, stop)
        if isinstance(found, str):
            return isinstance(self.value, str) and self.value in found
        return isinstance(found, list | tuple) and self.value in found


@dataclass(frozen=True, init=False)
class In(Query):
    """The value at ``key`` is one of ``values``."""

    key: str
    values: tuple[Any, ...]

    def __init__(self, key: str, values: Iterable[Any]) -> None:
        object.__setattr__(self, "key", key)
        object.__setattr__(self, "values", tuple(values))

    def match(self, start: Doc, stop: Doc | None) -> bool:
        found = _lookup(self.key, start, stop)
        return found is not _MISSING and found in self.values


class NotIn(In):
    """The run has ``key`` and its value is none of ``values``."""

    def match(self, start: Doc, stop: Doc | None) -> bool:
        found = _lookup(self.key, start, stop)
        return found is not _MISSING and found not in self.values


@dataclass(frozen=True)
class Regex(Query):
    """The string at ``key`` matches the regular expression (``re.search``)."""

    key: str
    pattern: str
    case_sensitive: bool = True
    _compiled: re.Pattern[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        flags = 0 if self.case_sensitive else re.IGNORECASE
        try:
            compiled = re.compile(self.pattern, flags)
        except (re.error, TypeError) as exc:
            raise QueryError(
                f"Regex({self.key!r}, {self.pattern!r}): the pattern is not a valid Python "
                f"regular expression ({exc}); give a pattern re.compile accepts, e.g. "
                f"{re.escape(str(self.pattern))!r} to match the text literally"
            ) from None
        object.__setattr__(self, "_compiled", compiled)

    def match(self, start: Doc, stop: Doc | None) -> bool:
        found = _lookup(self.key, start, stop)
        return isinstance(found, str) and self._compiled.search(found) is not None


def _strings(obj: Any) -> Iterable[str]:
    if isinstance(obj, str):
        yield obj
    elif isinstance(obj, Mapping):
        for v in obj.values():
            yield from _strings(v)
    elif isinstance(obj, list | tuple):
        for v in obj:
            yield from _strings(v)


@dataclass(frozen=True)
class FullText(Query):
    """Every word of ``text`` occurs (case-insensitively) in some string of the metadata."""

    text: str

    def match(self, start: Doc, stop: Doc | None) -> bool:
        blob = " ".join(_strings([start, stop or {}])).casefold()
        return all(word in blob for word in self.text.casefold().split())


_TIME_FORMS = (
    "epoch seconds (a number), a datetime, or an ISO 8601 string such as "
    "'2026-11-24', '2026-11-24 09:00' or '2026-11-24T09:00:00+01:00'"
)


def _epoch(when: float | str | datetime | None, tz: ZoneInfo | None, which: str) -> float | None:
    if when is None or (isinstance(when, int | float) and not isinstance(when, bool)):
        return when
    if isinstance(when, str):
        try:
            when = datetime.fromisoformat(when)
        except ValueError:
            raise QueryError(
                f"TimeRange({which}={when!r}): not a time acq understands; give {_TIME_FORMS}"
            ) from None
    if not isinstance(when, datetime):
        raise QueryError(
            f"TimeRange({which}={when!r}): a {type(when).__name__} is not a time; "
            f"give {_TIME_FORMS}"
        )
    if when.tzinfo is None:
        when = when.replace(tzinfo=tz) if tz is not None else when.astimezone()
    return when.timestamp()


class TimeRange(Query):
    """Runs started at or after ``since`` and before ``until``.

    Each bound is epoch seconds, a ``datetime`` or an ISO string
    (``"2026-11-24 09:00"``); naive times are read in ``timezone`` (an IANA name,
    default: this machine's local time zone).
    """

    def __init__(
        self,
        since: float | str | datetime | None = None,
        until: float | str | datetime | None = None,
        timezone: str | None = None,
    ) -> None:
        try:
            tz = ZoneInfo(timezone) if timezone else None
        except (ZoneInfoNotFoundError, ValueError, TypeError):
            raise QueryError(
                f"TimeRange(timezone={timezone!r}): unknown time zone; give an IANA name "
                "such as 'UTC', 'Europe/Paris' or 'America/New_York', or None for local time"
            ) from None
        self.since = _epoch(since, tz, "since")
        self.until = _epoch(until, tz, "until")

    def match(self, start: Doc, stop: Doc | None) -> bool:
        t = start.get("time")
        if not isinstance(t, int | float):
            return False
        return (self.since is None or t >= self.since) and (self.until is None or t < self.until)

    def __repr__(self) -> str:
        return f"TimeRange(since={self.since!r}, until={self.until!r})"


class ScanID(Query):
    """Runs whose ``scan_id`` is one of ``scan_ids``."""

    def __init__(self, *scan_ids: int) -> None:
        self.scan_ids = frozenset(scan_ids)

    def match(self, start: Doc, stop: Doc | None) -> bool:
        return start.get("scan_id") in self.scan_ids

    def __repr__(self) -> str:
        return f"ScanID{tuple(sorted(self.scan_ids))!r}"


@dataclass(frozen=True)
class ScanIDRange(Query):
    """Runs with ``start_id <= scan_id < end_id`` (half-open, like ``range``)."""

    start_id: int
    end_id: int

    def match(self, start: Doc, stop: Doc | None) -> bool:
        sid = start.get("scan_id")
        return isinstance(sid, int) and self.start_id <= sid < self.end_id


class PartialUID(Query):
    """Runs whose uid starts with one of ``prefixes``."""

    def __init__(self, *prefixes: str) -> None:
        self.prefixes = tuple(prefixes)

    def match(self, start: Doc, stop: Doc | None) -> bool:
        uid = start.get("uid")
        return isinstance(uid, str) and uid.startswith(self.prefixes)

    def __repr__(self) -> str:
        return f"PartialUID{self.prefixes!r}"

"""The catalog: open a store, ingest documents, search runs, get runs back."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any, overload

import msgspec

from acq._exceptions import CatalogError, DocumentValidationError, RunNotFound
from acq.catalog._backends import _Backend, _open_backend
from acq.catalog._ingest import _Ingestor
from acq.catalog._paths import _default_catalog_path
from acq.catalog._pushdown import _clause, _join
from acq.catalog._queries import _MISSING, Query, _lookup
from acq.catalog._run import Run
from acq.catalog._sources import IngestReport, _iter_file

_Entry = tuple[dict[str, Any], dict[str, Any] | None]  # (start, stop)


class _Index:
    """Start/stop metadata of every run, kept in memory and refreshed by revision."""

    def __init__(self, backend: _Backend) -> None:
        self._backend = backend
        self.entries: dict[str, _Entry] = {}
        self.rev = 0
        self.version = 0
        self._by_time: list[str] | None = None
        self._decode = msgspec.json.Decoder(dict[str, Any]).decode

    def refresh(self) -> None:
        rows = self._backend.query(
            "SELECT uid, start_doc, stop_doc, rev FROM runs WHERE rev > ?", (self.rev,)
        )
        if not rows:
            return
        decode = self._decode
        for uid, start, stop, rev in rows:
            self.entries[uid] = (decode(start), decode(stop) if stop else None)
            self.rev = max(self.rev, int(rev))
        self.version += 1
        self._by_time = None

    def by_time(self) -> list[str]:
        """Uids, oldest first."""
        if self._by_time is None:
            self._by_time = sorted(self.entries, key=lambda u: self.entries[u][0]["time"])
        return self._by_time


def _sort_value(value: Any) -> tuple[int, Any]:
    if value is _MISSING or value is None:
        return (2, 0)
    if isinstance(value, int | float):
        return (0, value)
    return (1, str(value))


class Catalog:
    """Runs in a store (SQLite file or PostgreSQL), searchable, newest first.

    ``catalog[-1]`` newest run, ``catalog[42]`` newest run with scan_id 42,
    ``catalog["3fa2"]`` the run whose uid starts with ``3fa2`` (an ambiguous prefix
    raises), ``catalog[-10:]`` the ten most recent runs. ``catalog(name, doc)``
    ingests a live document stream (subscribe it to the RunEngine).
    """

    def __init__(
        self,
        backend: _Backend,
        *,
        root_map: Mapping[str, str] | None = None,
        _index: _Index | None = None,
        _queries: tuple[Query, ...] = (),
        _sort: tuple[str, bool] = ("time", True),
        _ingestor: _Ingestor | None = None,
    ) -> None:
        self._backend = backend
        self.root_map = dict(root_map or {})
        self._index = _index or _Index(backend)
        self._queries = _queries
        self._sort = _sort
        self._ingestor = _ingestor or _Ingestor(backend)
        self._cache: tuple[int, list[str]] | None = None

    @classmethod
    def open(
        cls,
        uri: str | Path | None = None,
        *,
        root_map: Mapping[str, str] | None = None,
        **options: Any,
    ) -> Catalog:
        """Open (creating if needed) a catalog.

        ``uri`` is a SQLite file path, ``sqlite:///path`` or ``postgresql://...``;
        None opens the default catalog (``$ACQ_DATA_DIR/catalog.sqlite`` or the
        user data directory). ``root_map`` re-maps moved data directories
        (``{"/old/prefix": "/new/prefix"}``). Other options go to the backend
        (PostgreSQL: ``schema``, ``retries``, ``retry_delay``).
        """
        return cls(_open_backend(uri or _default_catalog_path(), **options), root_map=root_map)

    @property
    def uri(self) -> str:
        """Where the catalog is stored."""
        return self._backend.uri

    def _view(self, queries: tuple[Query, ...], sort: tuple[str, bool]) -> Catalog:
        return Catalog(
            self._backend,
            root_map=self.root_map,
            _index=self._index,
            _queries=queries,
            _sort=sort,
            _ingestor=self._ingestor,
        )

    # ------------------------------------------------------------------ ingest
    def __call__(self, name: str, doc: Mapping[str, Any]) -> None:
        """Ingest one live document (a RunEngine subscriber); commits in batches."""
        self._ingestor(name, doc)

    def flush(self) -> None:
        """Commit the documents buffered by live ingest."""
        self._ingestor.flush()

    def ingest(self, source: str | Path | Iterable[tuple[str, Mapping[str, Any]]]) -> IngestReport:
        """Ingest a saved stream: a JSONL / msgpack file, a directory of them, or pairs.

        Bad lines are skipped and reported (``report.errors`` names file and line);
        the good runs are kept. Ingesting the same data twice changes nothing.
        """
        report = IngestReport()
        ingestor = _Ingestor(self._backend, batch_size=self._ingestor.batch_size, eager=False)
        for where, name, doc in self._items(source):
            if name is None:
                report.errors.append(f"{where}: {doc}")
                continue
            try:
                ingestor(name, doc)
            except DocumentValidationError as exc:
                report.errors.append(f"{where}: {exc}")
                continue
            report.documents += 1
            if name == "start":
                report.runs.append(doc["uid"])
        ingestor.flush()
        return report

    @staticmethod
    def _items(
        source: str | Path | Iterable[tuple[str, Mapping[str, Any]]],
    ) -> Iterator[tuple[str, str | None, Any]]:
        if isinstance(source, str | Path):
            path = Path(source)
            if not path.exists():
                raise CatalogError(f"cannot ingest {path}: no such file or directory")
            files = sorted(p for p in path.iterdir() if p.is_file()) if path.is_dir() else [path]
            for f in files:
                yield from _iter_file(f)
            return
        for i, (name, doc) in enumerate(source, 1):
            yield f"document {i}", name, doc

    # ------------------------------------------------------------------ search
    def search(self, query: Query) -> Catalog:
        """The runs that also match ``query`` (chain searches to AND them)."""
        return self._view((*self._queries, query), self._sort)

    def sort(self, key: str = "time", *, descending: bool = True) -> Catalog:
        """The same runs ordered by a metadata key (default: newest first)."""
        return self._view(self._queries, (key, descending))

    def _uids(self) -> list[str]:
        """Matching uids in this view's order (cached until the store changes)."""
        index = self._index
        index.refresh()
        if self._cache is not None and self._cache[0] == index.version:
            return self._cache[1]
        entries = index.entries
        uids = index.by_time()
        narrowed = self._narrow()
        if narrowed is not None:
            uids = [u for u in uids if u in narrowed]
        for q in self._queries:  # check the candidates: exactly the Python semantics
            uids = [u for u in uids if q.match(*entries[u])]
        key, descending = self._sort
        if key == "time":
            ordered = uids[::-1] if descending else list(uids)
        else:  # ties and runs lacking the key keep time order; lacking ones go last
            base = uids[::-1] if descending else uids
            values = {u: _sort_value(_lookup(key, *entries[u])) for u in base}
            present = [u for u in base if values[u][0] < 2]
            ordered = sorted(present, key=values.__getitem__, reverse=descending)
            ordered += [u for u in base if values[u][0] == 2]
        self._cache = (index.version, ordered)
        return ordered

    def _narrow(self) -> set[str] | None:
        """Candidate uids selected in SQL by the queries that translate (a superset)."""
        dialect = self._backend.dialect
        parts = [c for q in self._queries if (c := _clause(q, dialect)) is not None]
        if not parts:
            return None
        sql, params = _join(parts, " AND ")
        return {row[0] for row in self._backend.query(f"SELECT uid FROM runs WHERE {sql}", params)}

    def _run(self, uid: str) -> Run:
        start, stop = self._index.entries[uid]
        return Run(self._backend, start, stop, self.root_map)

    def __len__(self) -> int:
        return len(self._uids())

    def __iter__(self) -> Iterator[Run]:
        for uid in self._uids():
            yield self._run(uid)

    def __contains__(self, uid: object) -> bool:
        return isinstance(uid, str) and uid in self._uids()

    def page(self, number: int, size: int = 20) -> list[Run]:
        """Page ``number`` (from 0) of ``size`` runs, in this view's order."""
        uids = self._uids()[number * size : (number + 1) * size]
        return [self._run(u) for u in uids]

    def uids(self) -> list[str]:
        """The uids of the matching runs, in this view's order."""
        return list(self._uids())

    @overload
    def __getitem__(self, key: int | str) -> Run: ...
    @overload
    def __getitem__(self, key: slice) -> Catalog: ...
    def __getitem__(self, key: int | str | slice) -> Run | Catalog:
        if isinstance(key, slice):
            return self._recent(key)
        if isinstance(key, bool) or not isinstance(key, int | str):
            raise TypeError(f"catalog keys are ints, uid strings or slices, not {key!r}")
        if isinstance(key, int):
            return self._run(self._by_int(key))
        return self._run(self._by_uid(key))

    def _chronological(self) -> list[str]:
        matching = set(self._uids())
        return [u for u in self._index.by_time() if u in matching]

    def _recent(self, key: slice) -> Catalog:
        chosen = self._chronological()[key]
        return self.search(_UidSet(chosen))

    def _by_int(self, key: int) -> str:
        if key < 0:
            chronological = self._chronological()
            if -key > len(chronological):
                raise RunNotFound(
                    f"catalog[{key}]: there are only {len(chronological)} runs in {self.uri}"
                )
            return chronological[key]
        for uid in self._uids() if self._sort == ("time", True) else self._chronological()[::-1]:
            if self._index.entries[uid][0].get("scan_id") == key:
                return uid
        raise RunNotFound(f"no run with scan_id {key} in {self.uri}")

    def _by_uid(self, key: str) -> str:
        uids = self._uids()
        if key in self._index.entries and key in set(uids):
            return key
        matches = [u for u in uids if u.startswith(key)]
        if not matches:
            raise RunNotFound(f"no run whose uid starts with {key!r} in {self.uri}")
        if len(matches) > 1:
            shown = ", ".join(m[:12] for m in matches[:5])
            raise CatalogError(
                f"uid prefix {key!r} is ambiguous: it matches {len(matches)} runs ({shown}...); "
                "give more characters of the uid"
            )
        return matches[0]

    # ------------------------------------------------------------------ lifetime
    def close(self) -> None:
        """Commit buffered documents and close the store."""
        try:
            self._ingestor.flush()
        finally:
            self._backend.close()

    def __enter__(self) -> Catalog:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<Catalog {self.uri} ({len(self)} runs)>"


class _UidSet(Query):
    def __init__(self, uids: Iterable[str]) -> None:
        self.uids = frozenset(uids)

    def match(self, start: Mapping[str, Any], stop: Mapping[str, Any] | None) -> bool:
        return start.get("uid") in self.uids


def default_catalog(**options: Any) -> Catalog:
    """The default catalog: ``$ACQ_DATA_DIR/catalog.sqlite`` or the user data directory."""
    return Catalog.open(None, **options)

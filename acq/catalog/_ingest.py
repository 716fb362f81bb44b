"""Document ingest: a cheap ``(name, doc)`` consumer that commits in batches.

Documents are buffered and written in one transaction per batch (a batch ends
after ``batch_size`` events, ``max_latency`` seconds, or at a run's start and
stop). Ingest is idempotent: runs, descriptors, resources and datums are keyed
by uid, and events whose ``seq_num`` is already stored for their descriptor are
dropped. A run whose stop never arrived stays readable up to its last batch.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import Any

import msgspec

from acq._exceptions import DocumentValidationError
from acq.catalog._backends import _Backend, _Tx
from acq.catalog._columns import _dumps, _encode_column
from acq.documents import validate_document

_Op = Callable[[_Tx], None]

_REQUIRED: dict[str, tuple[str, ...]] = {
    "start": ("uid", "time"),
    "stop": ("uid", "run_start", "time"),
    "descriptor": ("uid", "run_start", "data_keys", "time"),
    "event": ("uid", "descriptor", "seq_num", "time", "data", "timestamps"),
    "event_page": ("uid", "descriptor", "seq_num", "time", "data", "timestamps"),
    "resource": ("uid", "spec", "root", "resource_path", "resource_kwargs"),
    "datum": ("datum_id", "resource", "datum_kwargs"),
    "datum_page": ("datum_id", "resource", "datum_kwargs"),
    "stream_resource": ("uid", "data_key", "mimetype", "uri", "parameters"),
    "stream_datum": ("uid", "stream_resource", "descriptor", "seq_nums", "indices"),
}


#: Documents validated against their models; the per-event ones get a key check only.
_VALIDATED = frozenset({"start", "stop", "descriptor", "resource", "stream_resource"})


def _validate(name: str, doc: Any) -> None:
    if name not in _REQUIRED:
        raise DocumentValidationError(
            f"unknown document name {name!r}: expected one of {sorted(_REQUIRED)}"
        )
    if not isinstance(doc, Mapping):
        raise DocumentValidationError(f"{name} document: expected a dict, got {type(doc).__name__}")
    if name in _VALIDATED:  # once per run or resource: the full model check is cheap
        # checked in the form it is stored in (JSON: tuples become lists)
        validate_document(name, msgspec.json.decode(_dumps(doc)))
        return
    missing = [f for f in _REQUIRED[name] if f not in doc]
    if missing:
        raise DocumentValidationError(
            f"{name} document {doc.get('uid', doc.get('datum_id', '?'))!r} lacks required "
            f"field(s) {missing}; it is not an event-model 1.24 {name} document"
        )


def _as_page(events: list[Mapping[str, Any]]) -> dict[str, Any]:
    keys = list(events[0]["data"])
    return {
        "seq_num": [e["seq_num"] for e in events],
        "time": [e["time"] for e in events],
        "uid": [e["uid"] for e in events],
        "data": {k: [e["data"][k] for e in events] for k in keys},
        "timestamps": {k: [e["timestamps"][k] for e in events] for k in keys},
    }


def _merge_pages(pages: list[Mapping[str, Any]]) -> dict[str, Any]:
    if len(pages) == 1:
        return dict(pages[0])
    out: dict[str, Any] = {"seq_num": [], "time": [], "uid": [], "data": {}, "timestamps": {}}
    for page in pages:
        for field in ("seq_num", "time", "uid"):
            out[field].extend(page[field])
        for group in ("data", "timestamps"):
            for k, v in page[group].items():
                out[group].setdefault(k, []).extend(v)
    return out


def _write_events(tx: _Tx, descriptor: str, page: Mapping[str, Any]) -> None:
    rows = tx.fetchall("SELECT last_seq FROM descriptors WHERE uid = ?", (descriptor,))
    last = int(rows[0][0]) if rows else 0
    seqs = [int(s) for s in page["seq_num"]]
    keep = [i for i, s in enumerate(seqs) if s > last]
    if not keep:
        return
    if len(keep) != len(seqs):

        def pick(values: Any) -> list[Any]:
            return [values[i] for i in keep]
    else:

        def pick(values: Any) -> list[Any]:
            return values  # type: ignore[no-any-return]

    columns: dict[str, Any] = {
        "seq_num": pick(seqs),
        "time": pick(page["time"]),
        "uid": pick(page["uid"]),
    }
    for k, v in page["data"].items():
        columns["d:" + k] = pick(v)
    for k, v in page["timestamps"].items():
        columns["t:" + k] = pick(v)
    first = seqs[keep[0]]
    n = len(keep)
    tx.executemany(
        "INSERT INTO chunks (descriptor_uid, col, first_seq, n, dtype, shape, payload)"
        " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
        [(descriptor, col, first, n, *_encode_column(vals)) for col, vals in columns.items()],
    )
    tx.execute(
        "UPDATE descriptors SET last_seq = ? WHERE uid = ?",
        (max(seqs[i] for i in keep), descriptor),
    )


class _Ingestor:
    """Buffers documents and writes them to a backend, one transaction per batch."""

    def __init__(
        self,
        backend: _Backend,
        *,
        batch_size: int = 2000,
        max_latency: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
        eager: bool = True,
    ) -> None:
        self._backend = backend
        #: commit at every run start and stop (live); False batches across runs (import)
        self.eager = eager
        self.batch_size = batch_size
        self.max_latency = max_latency
        self._clock = clock
        self._ops: list[_Op] = []
        self._events: dict[str, list[Mapping[str, Any]]] = {}
        self._pages: dict[str, list[Mapping[str, Any]]] = {}
        self._n_events = 0
        self._since = clock()
        self._after: list[_Op] = []
        #: called after every committed batch that changed run metadata
        self.on_commit: Callable[[], None] | None = None

    def __call__(self, name: str, doc: Mapping[str, Any]) -> None:
        _validate(name, doc)
        handler = getattr(self, "_" + name)
        if (
            (handler(doc) and self.eager)
            or self._n_events >= self.batch_size
            or self._clock() - self._since > self.max_latency
        ):
            self.flush()

    # ---------------------------------------------------------------- documents
    def _start(self, doc: Mapping[str, Any]) -> bool:
        backend = self._backend
        scan_id = doc.get("scan_id")
        row = (
            doc["uid"],
            scan_id if isinstance(scan_id, int) else None,
            float(doc["time"]),
            _dumps(doc),
        )

        def op(tx: _Tx) -> None:
            backend.lock_runs(tx)
            tx.execute(
                "INSERT INTO runs (uid, scan_id, time, start_doc, stop_doc, rev) VALUES"
                f" (?, ?, ?, ?, NULL, {backend.next_rev}) ON CONFLICT DO NOTHING",
                row,
            )

        self._ops.append(op)
        return True

    def _stop(self, doc: Mapping[str, Any]) -> bool:
        backend = self._backend
        params = (_dumps(doc), doc["run_start"])

        def op(tx: _Tx) -> None:
            backend.lock_runs(tx)
            tx.execute(
                f"UPDATE runs SET stop_doc = ?, rev = {backend.next_rev}"
                " WHERE uid = ? AND stop_doc IS NULL",
                params,
            )

        self._after.append(op)
        return True

    def _insert(self, sql: str, row: tuple[Any, ...]) -> bool:
        self._ops.append(lambda tx: tx.execute(sql, row))
        return False

    def _descriptor(self, doc: Mapping[str, Any]) -> bool:
        row = (doc["uid"], doc["run_start"], doc.get("name", "primary"), doc["time"], _dumps(doc))
        return self._insert(
            "INSERT INTO descriptors (uid, run_uid, name, time, doc) VALUES (?, ?, ?, ?, ?)"
            " ON CONFLICT DO NOTHING",
            row,
        )

    def _resource(self, doc: Mapping[str, Any], kind: str = "resource") -> bool:
        row = (doc["uid"], doc.get("run_start", ""), kind, _dumps(doc))
        return self._insert(
            "INSERT INTO resources (uid, run_uid, kind, doc) VALUES (?, ?, ?, ?)"
            " ON CONFLICT DO NOTHING",
            row,
        )

    def _stream_resource(self, doc: Mapping[str, Any]) -> bool:
        return self._resource(doc, "stream_resource")

    def _datum(self, doc: Mapping[str, Any]) -> bool:
        rows = [(doc["datum_id"], doc["resource"], _dumps(doc))]
        self._ops.append(lambda tx: self._insert_datums(tx, rows))
        return False

    def _datum_page(self, page: Mapping[str, Any]) -> bool:
        ids = page["datum_id"]
        kwargs = page["datum_kwargs"]
        rows = []
        for i, datum_id in enumerate(ids):
            doc = {
                "datum_id": datum_id,
                "resource": page["resource"],
                "datum_kwargs": {k: v[i] for k, v in kwargs.items()},
            }
            rows.append((datum_id, page["resource"], _dumps(doc)))
        self._ops.append(lambda tx: self._insert_datums(tx, rows))
        return False

    @staticmethod
    def _insert_datums(tx: _Tx, rows: list[tuple[Any, ...]]) -> None:
        tx.executemany(
            "INSERT INTO datums (datum_id, resource_uid, doc) VALUES (?, ?, ?)"
            " ON CONFLICT DO NOTHING",
            rows,
        )

    def _stream_datum(self, doc: Mapping[str, Any]) -> bool:
        row = (
            doc["uid"],
            doc["descriptor"],
            doc["stream_resource"],
            int(doc["seq_nums"]["start"]),
            _dumps(doc),
        )
        return self._insert(
            "INSERT INTO stream_datums (uid, descriptor_uid, resource_uid, seq_start, doc)"
            " VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
            row,
        )

    def _event(self, doc: Mapping[str, Any]) -> bool:
        self._events.setdefault(doc["descriptor"], []).append(doc)
        self._n_events += 1
        return False

    def _event_page(self, doc: Mapping[str, Any]) -> bool:
        self._flush_events_of(doc["descriptor"])
        self._pages.setdefault(doc["descriptor"], []).append(doc)
        self._n_events += len(doc["seq_num"])
        return False

    def _flush_events_of(self, descriptor: str) -> None:
        events = self._events.pop(descriptor, None)
        if events:
            self._pages.setdefault(descriptor, []).append(_as_page(events))

    # ---------------------------------------------------------------- commit
    def flush(self) -> None:
        """Write everything buffered in one transaction."""
        for descriptor in list(self._events):
            self._flush_events_of(descriptor)
        ops, after, pages = self._ops, self._after, self._pages
        if not (ops or after or pages):
            self._since = self._clock()
            return

        def batch(tx: _Tx) -> None:
            for op in ops:
                op(tx)
            for descriptor, parts in pages.items():
                _write_events(tx, descriptor, _merge_pages(parts))
            for op in after:
                op(tx)

        self._backend.write(batch)  # on failure the buffers stay, so flush() can retry
        self._ops, self._after, self._pages, self._n_events = [], [], {}, 0
        self._since = self._clock()
        if self.on_commit is not None:
            self.on_commit()

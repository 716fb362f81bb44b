"""A run in the catalog: metadata, streams of columns, replay and export."""

from __future__ import annotations

import heapq
import json
import math
from collections.abc import Callable, Iterator, Mapping
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np

from acq._exceptions import CatalogError
from acq.catalog._backends import _Backend
from acq.catalog._columns import _concat, _decode_column
from acq.catalog._external import _datum_column, _placeholders, _stream_column, _Where
from acq.catalog._table import Column, Table

_META_COLUMNS = ("seq_num", "time", "uid")


def _first(item: tuple[float, str, dict[str, Any]]) -> float:
    return item[0]


class Stream:
    """One named event stream of a run (``run.primary``): columns of numpy arrays."""

    def __init__(self, run: Run, name: str, descriptors: list[dict[str, Any]]) -> None:
        self.run = run
        self.name = name
        self.descriptors = descriptors
        self._readers: dict[str, Any] = {}

    @cached_property
    def data_keys(self) -> dict[str, dict[str, Any]]:
        """The data keys of the stream (merged over its descriptors)."""
        out: dict[str, dict[str, Any]] = {}
        for d in self.descriptors:
            out.update(d["data_keys"])
        return out

    @property
    def _uids(self) -> list[str]:
        return [d["uid"] for d in self.descriptors]

    def _chunks(self, cols: list[str]) -> dict[str, np.ndarray]:
        uids = self._uids
        rows = self.run._backend.query(
            "SELECT col, n, dtype, shape, payload FROM chunks WHERE descriptor_uid IN"
            f" ({_placeholders(len(uids))}) AND col IN ({_placeholders(len(cols))})"
            " ORDER BY first_seq",
            [*uids, *cols],
        )
        parts: dict[str, list[np.ndarray]] = {c: [] for c in cols}
        for col, n, dtype, shape, payload in rows:
            parts[col].append(_decode_column(dtype, shape, int(n), bytes(payload)))
        return {c: _concat(p) for c, p in parts.items() if p}

    def _external(self, key: str, values: np.ndarray | None) -> Column:
        dk = self.data_keys[key]
        where = _Where(self.run.uid, self.name, key, self.run._root_map)
        if str(dk.get("external", "")).startswith("STREAM"):
            return _stream_column(self.run._backend, self._uids, dk, where, self._readers)
        if values is None:
            values = np.empty(0, dtype=object)
        return _datum_column(self.run._backend, values, dk, where, self._readers)

    def read(self, columns: list[str] | None = None, *, lazy: bool = False) -> Table:
        """The stream as a :class:`Table`: ``time``, ``seq_num`` and each data key.

        ``columns`` selects data keys. External arrays (detector frames) are read
        from their files; with ``lazy=True`` they come back as :class:`LazyColumn`
        and only the rows you index are read.
        """
        keys = list(self.data_keys) if columns is None else list(columns)
        unknown = [k for k in keys if k not in self.data_keys]
        if unknown:
            raise CatalogError(
                f"run {self.run.uid} stream {self.name!r} has no column(s) {unknown}; "
                f"its columns are {sorted(self.data_keys)}"
            )
        loaded = self._chunks(["time", "seq_num", *("d:" + k for k in keys)])
        out: dict[str, Column] = {}
        for name in ("time", "seq_num"):
            if name in loaded:
                out[name] = loaded[name]
        for k in keys:
            values = loaded.get("d:" + k)
            if self.data_keys[k].get("external"):
                column = self._external(k, values)
                out[k] = column if lazy else np.asarray(column)
            elif values is not None:
                out[k] = values
        return Table(out)

    def __getitem__(self, key: str) -> Column:
        """One column; external arrays come back lazy (``stream["image"][500]``)."""
        return self.read([key], lazy=True)[key]  # type: ignore[no-any-return]

    def timestamps(self, columns: list[str] | None = None) -> Table:
        """Per-key timestamps (epoch seconds) plus the event ``time``."""
        keys = list(self.data_keys) if columns is None else list(columns)
        loaded = self._chunks(["time", *("t:" + k for k in keys)])
        out = {"time": loaded["time"]} if "time" in loaded else {}
        out.update({k: loaded["t:" + k] for k in keys if "t:" + k in loaded})
        return Table(out)

    @cached_property
    def config(self) -> dict[str, Table]:
        """Configuration readings by device: one row per descriptor."""
        devices: dict[str, dict[str, list[Any]]] = {}
        for d in self.descriptors:
            for device, conf in (d.get("configuration") or {}).items():
                cols = devices.setdefault(device, {})
                for k, v in (conf.get("data") or {}).items():
                    cols.setdefault(k, []).append(v)
        return {
            dev: Table({k: np.asarray(v) for k, v in cols.items()}) for dev, cols in devices.items()
        }

    def events(self) -> Iterator[dict[str, Any]]:
        """The stream's events as event documents, in order."""
        for d in self.descriptors:
            keys = list(d["data_keys"])
            names = [*_META_COLUMNS, *("d:" + k for k in keys), *("t:" + k for k in keys)]
            cols = Stream(self.run, self.name, [d])._chunks(names)
            if "seq_num" not in cols:
                continue
            lists = {c: v.tolist() for c, v in cols.items()}
            present = [k for k in keys if "d:" + k in lists]
            for i in range(len(lists["seq_num"])):
                yield {
                    "uid": lists["uid"][i],
                    "descriptor": d["uid"],
                    "seq_num": lists["seq_num"][i],
                    "time": lists["time"][i],
                    "data": {k: lists["d:" + k][i] for k in present},
                    "timestamps": {k: lists["t:" + k][i] for k in present if "t:" + k in lists},
                    "filled": {},
                }

    def close(self) -> None:
        """Close the files opened for external data."""
        for reader in self._readers.values():
            close = getattr(reader, "close", None)
            if close is not None:
                close()
        self._readers.clear()

    def __repr__(self) -> str:
        return f"<Stream {self.name!r} of run {self.run.uid[:8]}: {sorted(self.data_keys)}>"


class Run:
    """A run: ``metadata`` (start, stop, descriptors), ``streams``, replay and export."""

    def __init__(
        self,
        backend: _Backend,
        start: dict[str, Any],
        stop: dict[str, Any] | None,
        root_map: Mapping[str, str],
    ) -> None:
        self._backend = backend
        self._root_map = root_map
        self.start = start
        self.stop = stop

    @property
    def uid(self) -> str:
        """The run's uid (from its start document)."""
        return str(self.start["uid"])

    @property
    def state(self) -> str:
        """``"complete"`` once the stop document is stored, else ``"incomplete"``."""
        return "complete" if self.stop is not None else "incomplete"

    @cached_property
    def _descriptors(self) -> list[dict[str, Any]]:
        rows = self._backend.query(
            "SELECT doc FROM descriptors WHERE run_uid = ? ORDER BY time", (self.uid,)
        )
        return [json.loads(r[0]) for r in rows]

    @property
    def metadata(self) -> dict[str, Any]:
        """``{"start": ..., "stop": ... or None, "descriptors": [...]}``."""
        return {"start": self.start, "stop": self.stop, "descriptors": self._descriptors}

    @cached_property
    def streams(self) -> dict[str, Stream]:
        """The run's streams by name."""
        by_name: dict[str, list[dict[str, Any]]] = {}
        for d in self._descriptors:
            by_name.setdefault(d.get("name", "primary"), []).append(d)
        return {name: Stream(self, name, ds) for name, ds in by_name.items()}

    def __getitem__(self, stream: str) -> Stream:
        try:
            return self.streams[stream]
        except KeyError:
            raise CatalogError(
                f"run {self.uid} has no stream {stream!r}; its streams are {sorted(self.streams)}"
            ) from None

    def __getattr__(self, name: str) -> Stream:
        if name.startswith("_"):
            raise AttributeError(name)
        streams = self.streams
        if name in streams:
            return streams[name]
        raise AttributeError(
            f"run {self.uid} has no stream or attribute {name!r}; streams: {sorted(streams)}"
        )

    def documents(self) -> Iterator[tuple[str, dict[str, Any]]]:
        """The run's documents, start to stop, as ``(name, doc)`` pairs.

        Resources and datums come before the events that use them, and each
        stream_datum just before the first event it covers; the streams' events
        are interleaved by time, as the engine emitted them.
        """
        yield "start", self.start
        resources = self._backend.query(
            "SELECT uid, kind, doc FROM resources WHERE run_uid = ? ORDER BY kind", (self.uid,)
        )
        for _uid, kind, doc in resources:
            if kind == "resource":
                yield "resource", json.loads(doc)
        for d in self._descriptors:
            yield "descriptor", d
        for _uid, kind, doc in resources:
            if kind == "stream_resource":
                yield "stream_resource", json.loads(doc)
        for uid, kind, _doc in resources:
            if kind == "resource":
                for (text,) in self._backend.query(
                    "SELECT doc FROM datums WHERE resource_uid = ?", (uid,)
                ):
                    yield "datum", json.loads(text)
        merged = heapq.merge(*map(self._descriptor_docs, self._descriptors), key=_first)
        for _time, name, doc in merged:
            yield name, doc
        if self.stop is not None:
            yield "stop", self.stop

    def _descriptor_docs(self, d: dict[str, Any]) -> Iterator[tuple[float, str, dict[str, Any]]]:
        """A descriptor's events with each stream_datum just before the first event it covers.

        Items are ``(time, name, doc)``; a stream_datum takes the time of that event
        so that merging descriptors by time keeps it ahead of the event.
        """
        datums = self._backend.query(
            "SELECT seq_start, doc FROM stream_datums WHERE descriptor_uid = ? ORDER BY seq_start",
            (d["uid"],),
        )
        i, last = 0, -math.inf
        for event in Stream(self, d.get("name", "primary"), [d]).events():
            while i < len(datums) and int(datums[i][0]) <= event["seq_num"]:
                yield event["time"], "stream_datum", json.loads(datums[i][1])
                i += 1
            last = event["time"]
            yield last, "event", event
        for _seq, text in datums[i:]:
            yield last, "stream_datum", json.loads(text)

    def replay(self, *callbacks: Callable[[str, dict[str, Any]], Any]) -> None:
        """Send the run's documents to each callback ``cb(name, doc)`` in order."""
        for name, doc in self.documents():
            for cb in callbacks:
                cb(name, doc)

    def export(self, format: str, destination: str | Path, **options: Any) -> list[Path]:
        """Write the run through a writer of :mod:`acq.writers` into a directory.

        ``format``: ``"jsonl"``, ``"msgpack"``, ``"csv"``, ``"nexus"``, ``"spec"`` or
        ``"tiff"``; ``options`` go to the writer. Returns the files written.
        """
        from acq.catalog._export import _export

        return _export(self, format, Path(destination), **options)

    def close(self) -> None:
        """Close the files opened for external data."""
        for stream in self.streams.values():
            stream.close()

    def __repr__(self) -> str:
        return (
            f"<Run {self.uid[:8]} scan_id={self.start.get('scan_id')} {self.state} "
            f"streams={sorted(self.streams)}>"
        )

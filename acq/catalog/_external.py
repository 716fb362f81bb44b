"""Lazy columns for external data: StreamResource/StreamDatum and Resource/Datum."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from acq.catalog._backends import _Backend
from acq.catalog._readers import _lookup_reader, _resolve_path, _uri_to_path
from acq.catalog._table import LazyColumn


class _Where:
    """What an external column belongs to, for error messages and path re-mapping."""

    def __init__(self, run: str, stream: str, key: str, root_map: Mapping[str, str]) -> None:
        self.run, self.stream, self.key, self.root_map = run, stream, key, root_map

    def path(self, path: str) -> str:
        return _resolve_path(path, self.root_map, run=self.run, stream=self.stream, key=self.key)


def _placeholders(n: int) -> str:
    return ", ".join("?" * n)


def _row_shape(data_key: Mapping[str, Any]) -> tuple[int, ...]:
    shape = data_key.get("shape") or []
    return tuple(int(s) for s in shape if s is not None and int(s) >= 0)


def _stream_column(
    backend: _Backend,
    descriptors: list[str],
    data_key: Mapping[str, Any],
    where: _Where,
    readers: dict[str, Any],
) -> LazyColumn:
    """A column backed by StreamDatum ranges of StreamResource files."""
    rows = backend.query(
        "SELECT sd.doc, r.doc FROM stream_datums sd JOIN resources r ON r.uid = sd.resource_uid"
        f" WHERE sd.descriptor_uid IN ({_placeholders(len(descriptors))}) ORDER BY sd.seq_start",
        descriptors,
    )
    segments: list[tuple[int, int, int, dict[str, Any]]] = []
    for sd_text, sr_text in rows:
        sd, sr = json.loads(sd_text), json.loads(sr_text)
        if sr["data_key"] != where.key:
            continue
        count = int(sd["indices"]["stop"]) - int(sd["indices"]["start"])
        seq_start = int((sd.get("seq_nums") or {}).get("start") or 0)
        # seq_nums left unset ({start: 0}): the rows follow the previous datum
        first = seq_start - 1 if seq_start > 0 else (segments[-1][1] if segments else 0)
        segments.append((first, first + count, int(sd["indices"]["start"]), sr))
    nrows = max((s[1] for s in segments), default=0)

    def reader_for(sr: Mapping[str, Any]) -> Any:
        if sr["uid"] not in readers:
            path = where.path(_uri_to_path(sr["uri"]))
            readers[sr["uid"]] = _lookup_reader(sr["mimetype"])(path, sr["parameters"])
        return readers[sr["uid"]]

    def fetch(start: int, stop: int) -> np.ndarray:
        parts = []
        for first, last, index0, sr in segments:
            lo, hi = max(start, first), min(stop, last)
            if lo < hi:
                reader = reader_for(sr)
                parts.append(reader.read(index0 + lo - first, index0 + hi - first))
        if not parts:
            return np.empty((0, *_row_shape(data_key)))
        return parts[0] if len(parts) == 1 else np.concatenate(parts)

    return LazyColumn(nrows, fetch, _row_shape(data_key), _np_dtype(data_key), where.key)


def _np_dtype(data_key: Mapping[str, Any]) -> str | None:
    dt = data_key.get("dtype_numpy")
    return str(dt) if isinstance(dt, str) and dt else None


def _datum_column(
    backend: _Backend,
    datum_ids: np.ndarray,
    data_key: Mapping[str, Any],
    where: _Where,
    handlers: dict[str, Callable[..., np.ndarray]],
) -> LazyColumn:
    """A column of old-style datum ids, each resolved through its Resource's handler."""
    ids = [str(d) for d in datum_ids]

    def handler_for(resource_uid: str) -> Callable[..., np.ndarray]:
        if resource_uid not in handlers:
            (text,) = backend.query("SELECT doc FROM resources WHERE uid = ?", (resource_uid,))[0]
            res = json.loads(text)
            path = os.path.join(res.get("root", ""), res["resource_path"])
            factory = _lookup_reader(res["spec"])
            handlers[resource_uid] = factory(where.path(path), res["resource_kwargs"])
        return handlers[resource_uid]

    def fetch(start: int, stop: int) -> np.ndarray:
        wanted = ids[start:stop]
        if not wanted:
            return np.empty((0, *_row_shape(data_key)))
        found = {
            d: json.loads(doc)
            for d, doc in backend.query(
                "SELECT datum_id, doc FROM datums WHERE datum_id IN"
                f" ({_placeholders(len(wanted))})",
                wanted,
            )
        }
        out = []
        for d in wanted:
            datum = found[d]
            out.append(np.asarray(handler_for(datum["resource"])(**datum["datum_kwargs"])))
        return np.stack(out)

    return LazyColumn(len(ids), fetch, _row_shape(data_key), _np_dtype(data_key), where.key)

"""CSV: one file per stream, readable by ``pandas.read_csv``.

Columns: ``seq_num``, ``time``, then the stream's data keys in descriptor order.
Cells: scalars as written (floats in shortest round-trip form, ints as ints,
booleans as True/False, strings quoted when needed). The array rule: an array
with at most ``max_inline`` elements is written inline as a JSON list; a larger
one as a summary ``<array shape=(...) dtype=... min=... max=...>``; external data
as a reference: a ``datum`` id as written, stream data (``stream_resource`` /
``stream_datum``) as ``<file>#<dataset>[<index>]``. Rows whose stream reference
is not known yet (the ``stream_datum`` comes after the event) are held back, in
order, until it arrives; at the end of the run held rows are written with the
cell empty. Use the HDF5 or TIFF writers for the values.
"""

from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Iterable
from typing import IO, Any

import numpy as np

from acq._exceptions import WriterError
from acq.writers._base import Doc, Writer, _export
from acq.writers._destinations import Destination, sanitize
from acq.writers._external import _uri_path

_FLUSH_CHARS = 1 << 16


def _array_cell(value: Any, max_inline: int) -> Any:
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    arr = np.asarray(value)
    if arr.ndim == 0:
        return arr.item()
    if arr.size <= max_inline:
        return json.dumps(arr.tolist(), separators=(",", ":"))
    lo, hi = (arr.min(), arr.max()) if arr.size and arr.dtype.kind in "biuf" else ("", "")
    return f"<array shape={arr.shape} dtype={arr.dtype} min={lo} max={hi}>"


class _StreamRefs:
    """Where stream data lives: ``(seq_start, seq_stop, file, dataset, index_start)`` blocks."""

    def __init__(self) -> None:
        self.blocks: list[tuple[int, int, str, str, int]] = []

    def add(self, res: dict[str, Any], doc: dict[str, Any]) -> None:
        seq, idx = doc["seq_nums"], doc["indices"]
        dataset = res.get("parameters", {}).get("dataset", "/entry/data/data")
        path = _uri_path(res["uri"]) if "uri" in res else str(res.get("resource_path", ""))
        self.blocks.append((seq["start"], seq["stop"], path, dataset, idx["start"]))

    def ref(self, seq_num: int) -> str | None:
        for start, stop, path, dataset, index in reversed(self.blocks):
            if start <= seq_num < stop:
                return f"{path}#{dataset}[{index + seq_num - start}]"
        return None


class _StreamTable:
    def __init__(
        self,
        file: IO[bytes],
        keys: list[str],
        arrays: set[str],
        max_inline: int,
        external: set[str] = frozenset(),  # type: ignore[assignment]
    ):
        self.file = file
        self.keys = keys
        self.arrays = [i + 2 for i, k in enumerate(keys) if k in arrays]
        self.external = {i + 2: k for i, k in enumerate(keys) if k in external}
        self.refs: dict[str, _StreamRefs] = {k: _StreamRefs() for k in external}
        self.held: list[list[Any]] = []
        self.max_inline = max_inline
        self.text = io.StringIO()
        self.csv = csv.writer(self.text, lineterminator="\n")
        self.csv.writerow(["seq_num", "time", *keys])

    def rows(self, rows: Iterable[list[Any]]) -> None:
        if self.external:
            self.held.extend(rows)
            rows = self._release()
        if self.arrays:
            rows = [self._cells(r) for r in rows]
        self.csv.writerows(rows)
        if self.text.tell() > _FLUSH_CHARS:
            self.flush()

    def _resolved(self, row: list[Any]) -> bool:
        for i, key in self.external.items():
            if row[i] is None:
                row[i] = self.refs[key].ref(row[0])
                if row[i] is None:
                    return False
        return True

    def _release(self) -> list[list[Any]]:
        """The held rows, in order, up to the first whose stream reference is unknown."""
        n = 0
        while n < len(self.held) and self._resolved(self.held[n]):
            n += 1
        out, self.held = self.held[:n], self.held[n:]
        return out

    def stream_datum(self, key: str, res: dict[str, Any], doc: dict[str, Any]) -> None:
        self.refs[key].add(res, doc)
        self.rows([])

    def finish(self) -> None:
        held, self.held, self.external = self.held, [], {}
        self.rows(held)
        self.flush()

    def _cells(self, row: list[Any]) -> list[Any]:
        for i in self.arrays:
            row[i] = _array_cell(row[i], self.max_inline)
        return row

    def flush(self) -> None:
        self.file.write(self.text.getvalue().encode())
        self.text.seek(0)
        self.text.truncate()


class CSVWriter(Writer):
    """One CSV file per stream: ``<prefix>-<stream>.csv`` (artifacts label ``stream_data``)."""

    def __init__(
        self,
        destination: Destination | str | os.PathLike[str],
        *,
        file_prefix: str | None = None,
        max_inline: int = 10,
    ) -> None:
        super().__init__(destination, file_prefix=file_prefix)
        self.max_inline = max_inline
        self._tables: dict[str, _StreamTable] = {}
        self._names: set[str] = set()

    def descriptor(self, doc: Doc) -> None:
        keys = list(doc["data_keys"])
        dks = doc["data_keys"]
        arrays = {k for k, dk in dks.items() if dk.get("shape") or "external" in dk}
        streamed = {k for k, dk in dks.items() if str(dk.get("external", "")).startswith("STREAM")}
        stem = f"{self.prefix()}-{sanitize(doc.get('name', 'primary'))}"
        name, n = f"{stem}.csv", 1
        while name in self._names:
            n += 1
            name = f"{stem}-{n}.csv"
        self._names.add(name)
        f = self.open_artifact("stream_data", name)
        self._tables[doc["uid"]] = _StreamTable(f, keys, arrays, self.max_inline, streamed)

    def _check(self, data: dict[str, Any], table: _StreamTable, uid: Any) -> None:
        extra = set(data) - set(table.keys)
        if extra:
            raise WriterError(
                f"event {uid!r} has data keys {sorted(extra)} that its descriptor does not "
                "declare; CSV columns come from the descriptor. Declare them there."
            )

    def event(self, doc: Doc, descriptor: Doc) -> None:
        table = self._tables[descriptor["uid"]]
        data = doc["data"]
        if len(data) > len(table.keys):
            self._check(data, table, doc.get("uid"))
        get = data.get
        table.rows([[doc["seq_num"], doc["time"], *[get(k) for k in table.keys]]])

    def event_page(self, doc: Doc, descriptor: Doc) -> None:
        table = self._tables[descriptor["uid"]]
        data = doc["data"]
        if len(data) > len(table.keys):
            self._check(data, table, doc.get("uid"))
        n = len(doc["seq_num"])
        columns = [data.get(k, [None] * n) for k in table.keys]
        table.rows([list(r) for r in zip(doc["seq_num"], doc["time"], *columns, strict=True)])

    def stream_datum(self, doc: Doc) -> None:
        res = self.external.stream_resources[doc["stream_resource"]]
        key = res.get("data_key", "")
        table = self._tables.get(doc.get("descriptor", ""))
        tables = [table] if table is not None else list(self._tables.values())
        for t in tables:
            if key in t.refs:
                t.stream_datum(key, res, doc)

    def flush(self) -> None:
        for table in self._tables.values():
            table.flush()
        super().flush()

    def finish_run(self) -> None:
        for table in self._tables.values():
            table.finish()
        self._tables = {}
        self._names = set()


def export_csv(
    docs: Iterable[tuple[str, Doc]],
    destination: Destination | str | os.PathLike[str],
    **options: Any,
) -> dict[str, list[str]]:
    """Write each stream of a document stream as a CSV file; returns the artifacts."""
    return _export(CSVWriter, docs, destination, **options)

"""CSV: one file per stream, readable by ``pandas.read_csv``.

Columns: ``seq_num``, ``time``, then the stream's data keys in descriptor order.
Cells: scalars as written (floats in shortest round-trip form, ints as ints,
booleans as True/False, strings quoted when needed). The array rule: an array
with at most ``max_inline`` elements is written inline as a JSON list; a larger
one as a summary ``<array shape=(...) dtype=... min=... max=...>``; external data
(a ``datum`` id) as that reference. Use the HDF5 or TIFF writers for the values.
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


class _StreamTable:
    def __init__(self, file: IO[bytes], keys: list[str], arrays: set[str], max_inline: int):
        self.file = file
        self.keys = keys
        self.arrays = [i + 2 for i, k in enumerate(keys) if k in arrays]
        self.max_inline = max_inline
        self.text = io.StringIO()
        self.csv = csv.writer(self.text, lineterminator="\n")
        self.csv.writerow(["seq_num", "time", *keys])

    def rows(self, rows: Iterable[list[Any]]) -> None:
        if self.arrays:
            rows = [self._cells(r) for r in rows]
        self.csv.writerows(rows)
        if self.text.tell() > _FLUSH_CHARS:
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
        arrays = {k for k, dk in doc["data_keys"].items() if dk.get("shape") or "external" in dk}
        stem = f"{self.prefix()}-{sanitize(doc.get('name', 'primary'))}"
        name, n = f"{stem}.csv", 1
        while name in self._names:
            n += 1
            name = f"{stem}-{n}.csv"
        self._names.add(name)
        f = self.open_artifact("stream_data", name)
        self._tables[doc["uid"]] = _StreamTable(f, keys, arrays, self.max_inline)

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

    def flush(self) -> None:
        for table in self._tables.values():
            table.flush()
        super().flush()

    def finish_run(self) -> None:
        for table in self._tables.values():
            table.flush()
        self._tables = {}
        self._names = set()


def export_csv(
    docs: Iterable[tuple[str, Doc]],
    destination: Destination | str | os.PathLike[str],
    **options: Any,
) -> dict[str, list[str]]:
    """Write each stream of a document stream as a CSV file; returns the artifacts."""
    return _export(CSVWriter, docs, destination, **options)

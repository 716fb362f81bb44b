"""HDF5 / NeXus: one file per run, ``<prefix>.nxs``.

Layout::

    /entry                 NXentry; start metadata as attributes (non-scalars as JSON)
    /entry/<stream>        NXdata per stream: one dataset per data key (first axis =
                           event), plus ``seq_num`` and ``time``; ``signal`` attribute;
                           the descriptor as JSON in the ``descriptor`` attribute
    /entry/data            soft link to /entry/primary (when there is a primary stream)
    /entry/stop            NXcollection; stop document as attributes

External frames: ``external="copy"`` (default) reads them and stores the values;
``external="link"`` makes stream_resource data a virtual dataset that points into
the detector's file (old-style datum data is always copied).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from typing import Any, Literal

import h5py
import numpy as np

from acq._exceptions import WriterError
from acq.writers._arrays import _check_dtype, _event_array, _is_external
from acq.writers._base import Doc, Writer, _export
from acq.writers._destinations import Destination
from acq.writers._external import _uri_path

_BLOCK = 1000


def _attr(value: Any) -> Any:
    if isinstance(value, str | int | float | bool | np.generic) and value is not None:
        return value
    return json.dumps(value, default=str)


class _Column:
    """Rows of one data key, appended to a resizable dataset in blocks."""

    def __init__(self, group: h5py.Group, key: str, stream: str, declared: Any = None) -> None:
        self.group, self.key, self.stream = group, key, stream
        self.declared = np.dtype(declared) if isinstance(declared, str) and declared else None
        self.pending: list[Any] = []
        self.ds: h5py.Dataset | None = None

    def flush(self) -> None:
        if not self.pending:
            return
        values, self.pending = self.pending, []
        kinds = {type(v) for v in values}
        dtypes = {v.dtype for v in values} if kinds == {np.ndarray} else set()
        if (len(kinds) > 1 and not kinds <= {int, float}) or len(dtypes) > 1:
            seen = sorted(str(d) for d in dtypes) or sorted(k.__name__ for k in kinds)
            raise WriterError(
                f"{self.stream}/{self.key}: values of different types {seen} in one stream; "
                "refusing to cast. Keep each data key's type fixed within a run."
            )
        shapes = {v.shape for v in values} if dtypes else set()
        try:
            if len(shapes) > 1:
                raise ValueError(f"shapes {sorted(shapes)}")
            block = np.stack(values) if dtypes else np.asarray(values)
        except ValueError as exc:
            raise WriterError(
                f"{self.stream}/{self.key}: shape changed within the stream ({exc}); every "
                "event of a stream must have the declared shape."
            ) from None
        self.append(self._declared(block))

    def _declared(self, block: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
        """Scalars take the declared ``dtype_numpy`` when (and only when) they fit exactly."""
        want = self.declared
        if want is None or block.dtype == want or block.dtype.kind in "OUS":
            return block
        with np.errstate(all="ignore"):
            converted = block.astype(want)
            same = converted.astype(block.dtype) == block
        if block.dtype.kind == "f":
            same |= np.isnan(block)
        if not np.all(same):
            bad = block[~same].flat[0]
            raise WriterError(
                f"{self.stream}/{self.key}: value {bad.item()!r} does not fit the declared "
                f"dtype_numpy {want.str!r} (data is {block.dtype.str!r}); acq writers never "
                "cast silently. Fix the descriptor's dtype_numpy or the device's value."
            )
        return converted

    def append(self, block: np.ndarray[Any, Any]) -> None:
        if block.dtype.kind == "U":
            block = block.astype(object)
        if self.ds is None:
            dtype = h5py.string_dtype() if block.dtype.kind == "O" else block.dtype
            row = max(1, block[0].nbytes if block.dtype.kind != "O" else 64)
            chunk = (max(1, min(1024, (1 << 20) // row)), *block.shape[1:])
            self.ds = self.group.create_dataset(
                self.key,
                shape=(0, *block.shape[1:]),
                maxshape=(None, *block.shape[1:]),
                dtype=dtype,
                chunks=chunk,
            )
        ds = self.ds
        if (
            block.dtype.kind != "O"
            and block.dtype != ds.dtype
            and not np.can_cast(block.dtype, ds.dtype, "safe")
        ):
            raise WriterError(
                f"{self.stream}/{self.key}: data was {ds.dtype}, now {block.dtype}; refusing "
                "to cast. Keep each data key's type fixed within a run."
            )
        if block.shape[1:] != ds.shape[1:]:
            raise WriterError(
                f"{self.stream}/{self.key}: shape changed from {ds.shape[1:]} to "
                f"{block.shape[1:]}; every event of a stream must have the declared shape."
            )
        n = ds.shape[0]
        ds.resize(n + len(block), axis=0)
        ds[n:] = block


class NeXusWriter(Writer):
    """Writes a run as a NeXus (HDF5) file (artifacts label ``stream_data``)."""

    streaming = False

    def __init__(
        self,
        destination: Destination | str | os.PathLike[str],
        *,
        file_prefix: str | None = None,
        external: Literal["copy", "link"] = "copy",
    ) -> None:
        super().__init__(destination, file_prefix=file_prefix)
        if external not in ("copy", "link"):
            raise WriterError(f"external={external!r}: expected 'copy' or 'link'.")
        self.external_mode = external
        self._h5: h5py.File | None = None
        self._columns: dict[tuple[str, str], _Column] = {}
        self._links: dict[tuple[str, str], list[tuple[str, str, int, int]]] = {}

    @property
    def _file(self) -> h5py.File:
        assert self._h5 is not None
        return self._h5

    def start(self, doc: Doc) -> None:
        f = self.open_artifact("stream_data", f"{self.prefix()}.nxs")
        self._h5 = h5py.File(f, "w")
        entry = self._h5.create_group("entry")
        entry.attrs["NX_class"] = "NXentry"
        for key, value in doc.items():
            entry.attrs[key] = _attr(value)

    def descriptor(self, doc: Doc) -> None:
        stream = doc.get("name", "primary")
        entry = self._file["entry"]
        if stream in entry:
            return
        group = entry.create_group(stream)
        group.attrs["NX_class"] = "NXdata"
        group.attrs["descriptor"] = json.dumps(doc, default=str)
        keys = [k for k, dk in doc["data_keys"].items() if not _is_external(dk)] or list(
            doc["data_keys"]
        )
        group.attrs["signal"] = keys[0]
        if stream == "primary":
            entry["data"] = h5py.SoftLink(group.name)

    def _column(self, stream: str, key: str, declared: Any = None) -> _Column:
        col = self._columns.get((stream, key))
        if col is None:
            group = self._file["entry"][stream]
            col = self._columns[(stream, key)] = _Column(group, key, stream, declared)
        return col

    def event(self, doc: Doc, descriptor: Doc) -> None:
        stream = descriptor.get("name", "primary")
        self._column(stream, "seq_num").pending.append(doc["seq_num"])
        self._column(stream, "time").pending.append(doc["time"])
        dks = descriptor["data_keys"]
        for key, value in doc["data"].items():
            dk = dks.get(key, {})
            if dk.get("shape") or _is_external(dk):
                value = _event_array(key, value, dk, self.external, stream)
            col = self._column(stream, key, dk.get("dtype_numpy"))
            col.pending.append(value)
            if len(col.pending) >= _BLOCK:
                col.flush()

    def stream_datum(self, doc: Doc) -> None:
        key, desc = self._stream_key(doc)
        stream = desc.get("name", "primary")
        if self.external_mode == "link":
            res = self.external.stream_resources[doc["stream_resource"]]
            dataset = res.get("parameters", {}).get("dataset", "/entry/data/data")
            idx = doc["indices"]
            self._links.setdefault((stream, key), []).append(
                (_uri_path(res["uri"]), dataset, idx["start"], idx["stop"])
            )
            return
        _, frames = self.external.stream_frames(doc)
        _check_dtype(key, frames, desc["data_keys"][key], stream)
        self._column(stream, key).append(frames)

    def _stream_key(self, doc: Doc) -> tuple[str, Doc]:
        key = self.external.stream_resources[doc["stream_resource"]]["data_key"]
        desc = self.descriptors.get(doc.get("descriptor", ""))
        desc = desc or next((d for d in self.descriptors.values() if key in d["data_keys"]), None)
        if desc is None:
            raise WriterError(
                f"stream_datum {doc.get('uid')!r} for data key {key!r}: no descriptor declares "
                "that key; send the descriptor before the stream_datum."
            )
        return key, desc

    def _virtual(self, stream: str, key: str, parts: list[tuple[str, str, int, int]]) -> None:
        shapes = []
        for path, dataset, _start, _stop in parts:
            with h5py.File(path, "r") as src:
                shapes.append((src[dataset].shape[1:], src[dataset].dtype))
        frame, dtype = shapes[0]
        total = sum(stop - start for _, _, start, stop in parts)
        layout = h5py.VirtualLayout(shape=(total, *frame), dtype=dtype)
        at = 0
        for (path, dataset, start, stop), (shape, _) in zip(parts, shapes, strict=True):
            source = h5py.VirtualSource(path, dataset, shape=(stop, *shape))
            layout[at : at + stop - start] = source[start:stop]
            at += stop - start
        self._file["entry"][stream].create_virtual_dataset(key, layout)

    def flush(self) -> None:
        for col in self._columns.values():
            col.flush()
        if self._h5 is not None:
            self._h5.flush()
        super().flush()

    def stop(self, doc: Doc) -> None:
        group = self._file["entry"].create_group("stop")
        group.attrs["NX_class"] = "NXcollection"
        for key, value in doc.items():
            group.attrs[key] = _attr(value)

    def finish_run(self) -> None:
        if self._h5 is None:
            return
        try:
            for col in self._columns.values():
                col.flush()
            for (stream, key), parts in self._links.items():
                self._virtual(stream, key, parts)
        finally:
            self._h5.close()
            self._h5 = None
            self._columns = {}
            self._links = {}


def export_nexus(
    docs: Iterable[tuple[str, Doc]],
    destination: Destination | str | os.PathLike[str],
    **options: Any,
) -> dict[str, list[str]]:
    """Write each run of a document stream as a NeXus/HDF5 file; returns the artifacts."""
    return _export(NeXusWriter, docs, destination, **options)

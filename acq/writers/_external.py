"""Filling external data: ``resource``/``datum`` and ``stream_resource``/``stream_datum``.

Supported: HDF5 files (``mimetype`` ``application/x-hdf5`` with a ``dataset``
parameter; resource specs ``AD_HDF5``/``HDF5`` with ``frame_per_point``).
Other kinds raise :class:`acq.WriterError` naming the spec and the fix.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote, urlparse

import h5py
import numpy as np

from acq._exceptions import WriterError

_HDF5_SPECS = {"AD_HDF5", "HDF5", "AD_HDF5_SWMR"}


def _uri_path(uri: str) -> str:
    parsed = urlparse(uri)
    if parsed.scheme not in ("", "file"):
        raise WriterError(
            f"external data at {uri!r}: only file:// URIs can be filled, saw scheme "
            f"{parsed.scheme!r}. Copy the data locally or write without filling."
        )
    return unquote(parsed.path)


def _open_h5(path: str) -> h5py.File:
    """Open a detector's file for reading, also while it is written (SWMR) in this process."""
    error: OSError | None = None
    for options in ({}, {"swmr": True}, {"swmr": True, "locking": False}, {"locking": False}):
        try:
            return h5py.File(path, "r", **options)
        except OSError as exc:
            error = error or exc
    raise WriterError(
        f"external HDF5 file {path!r} cannot be opened: {error}. Is the file still on disk "
        "where the resource document says?"
    ) from error


class _External:
    """Remembers resources and reads the frames that datum documents point at."""

    def __init__(self) -> None:
        self.resources: dict[str, dict[str, Any]] = {}
        self.datums: dict[str, dict[str, Any]] = {}
        self.stream_resources: dict[str, dict[str, Any]] = {}
        self._files: dict[str, h5py.File] = {}

    def _dataset(self, path: str, dataset: str) -> Any:
        f = self._files.get(path)
        if f is None:
            f = self._files[path] = _open_h5(path)
        try:
            ds = f[dataset]
            if f.swmr_mode:
                ds.refresh()  # a detector may still be appending frames (SWMR)
            return ds
        except KeyError:
            raise WriterError(
                f"external HDF5 file {path!r} has no dataset {dataset!r}; the resource "
                "parameters name a dataset that does not exist."
            ) from None

    def datum_value(self, datum_id: str) -> np.ndarray[Any, Any]:
        """The array an event's datum id refers to (old-style resource/datum)."""
        datum = self.datums.get(datum_id)
        if datum is None:
            raise WriterError(
                f"event refers to datum {datum_id!r} that was never seen; send datum "
                "documents before the events that use them."
            )
        res = self.resources[datum["resource"]]
        if res.get("spec") not in _HDF5_SPECS:
            raise WriterError(
                f"resource spec {res.get('spec')!r} cannot be filled; supported: "
                f"{sorted(_HDF5_SPECS)}. Write without filling (a JSONL/msgpack writer)."
            )
        kw = res.get("resource_kwargs", {})
        root = res.get("root", "") or ""
        path = res["resource_path"]
        full = path if path.startswith("/") or not root else f"{root.rstrip('/')}/{path}"
        ds = self._dataset(full, kw.get("dataset", "/entry/data/data"))
        fpp = int(kw.get("frame_per_point", 1))
        point = int(datum.get("datum_kwargs", {}).get("point_number", 0))
        value = ds[point * fpp : (point + 1) * fpp]
        return np.asarray(value[0] if fpp == 1 else value)

    def stream_frames(self, stream_datum: dict[str, Any]) -> tuple[str, np.ndarray[Any, Any]]:
        """(data_key, frames) for one stream_datum: frames[i] belongs to seq_nums.start + i."""
        res = self.stream_resources.get(stream_datum["stream_resource"])
        if res is None:
            raise WriterError(
                f"stream_datum {stream_datum.get('uid')!r} refers to stream_resource "
                f"{stream_datum.get('stream_resource')!r} that was never seen; send the "
                "stream_resource first."
            )
        if res.get("mimetype") not in ("application/x-hdf5", "application/x-hdf5-swmr"):
            raise WriterError(
                f"stream_resource mimetype {res.get('mimetype')!r} cannot be filled; "
                "supported: application/x-hdf5."
            )
        params = res.get("parameters", {})
        ds = self._dataset(_uri_path(res["uri"]), params.get("dataset", "/entry/data/data"))
        idx = stream_datum["indices"]
        frames = np.asarray(ds[idx["start"] : idx["stop"]])
        return res["data_key"], frames

    def close(self) -> None:
        for f in self._files.values():
            f.close()
        self._files.clear()

"""Readers for external data, found by mimetype (StreamResource) or spec (Resource).

A *stream reader* factory is called ``factory(path, parameters)`` and returns an
object with ``read(start, stop) -> numpy.ndarray`` giving the rows for event
indices ``[start, stop)`` (first axis = row) and optionally ``close()``.
A *spec handler* factory (old-style Resource + Datum) is called
``factory(path, resource_kwargs)`` and returns a callable taking a datum's
``datum_kwargs`` and returning that event's array.

Readers are looked up in the runtime registry (:func:`register_reader`), then in
the ``acq.catalog.readers`` entry-point group (name = mimetype or spec), then in
the built-ins: HDF5 (also SWMR files still being written), TIFF stack and
series, NPY.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np

from acq._exceptions import CatalogError

ReaderFactory = Callable[[str, Mapping[str, Any]], Any]

_REGISTRY: dict[str, ReaderFactory] = {}
_ENTRY_POINT_GROUP = "acq.catalog.readers"
_ENTRY_POINTS: dict[str, metadata.EntryPoint] | None = None


def register_reader(key: str, factory: ReaderFactory, *, overwrite: bool = False) -> None:
    """Register ``factory`` for a mimetype (StreamResource) or spec (Resource).

    Raises :class:`acq.CatalogError` if ``key`` already has a runtime reader,
    unless ``overwrite=True``.
    """
    if key in _REGISTRY and not overwrite and _REGISTRY[key] is not factory:
        raise CatalogError(
            f"a reader for {key!r} is already registered ({_REGISTRY[key]!r}); "
            "pass overwrite=True to replace it"
        )
    _REGISTRY[key] = factory


def _lookup_reader(key: str) -> ReaderFactory:
    if key in _REGISTRY:
        return _REGISTRY[key]
    global _ENTRY_POINTS
    if _ENTRY_POINTS is None:  # scanned once per process: it costs milliseconds
        _ENTRY_POINTS = {ep.name: ep for ep in metadata.entry_points(group=_ENTRY_POINT_GROUP)}
    if key in _ENTRY_POINTS:
        factory: ReaderFactory = _ENTRY_POINTS[key].load()
        _REGISTRY[key] = factory
        return factory
    if key in _BUILTINS:
        return _BUILTINS[key]
    known = sorted({*_REGISTRY, *_BUILTINS})
    raise CatalogError(
        f"no reader for {key!r}: known mimetypes/specs are {known}. Register one with "
        f"acq.catalog.register_reader({key!r}, factory) or the {_ENTRY_POINT_GROUP!r} "
        "entry-point group"
    )


class _HDF5Reader:
    """Rows of one HDF5 dataset; refreshes first, so SWMR files being written work."""

    def __init__(self, path: str, parameters: Mapping[str, Any]) -> None:
        import h5py

        self.dataset_name = str(parameters.get("dataset", "/entry/data/data"))
        self.multiplier = int(parameters.get("multiplier", 1))
        self._file = h5py.File(path, "r", swmr=True, locking=False)
        self._ds = self._file[self.dataset_name]

    def read(self, start: int, stop: int) -> np.ndarray:
        self._ds.refresh()
        m = self.multiplier
        block = np.asarray(self._ds[start * m : stop * m])
        if m > 1:
            block = block.reshape((stop - start, m, *block.shape[1:]))
        return block

    def close(self) -> None:
        self._file.close()


class _NPYReader:
    """Rows of one ``.npy`` file, memory-mapped (only the rows asked for are read)."""

    def __init__(self, path: str, parameters: Mapping[str, Any]) -> None:
        self._arr = np.load(path, mmap_mode="r")

    def read(self, start: int, stop: int) -> np.ndarray:
        return np.array(self._arr[start:stop])


class _TiffStackReader:
    """Pages of one multi-page TIFF file, one page per row."""

    def __init__(self, path: str, parameters: Mapping[str, Any]) -> None:
        import tifffile

        self._tif = tifffile.TiffFile(path)

    def read(self, start: int, stop: int) -> np.ndarray:
        pages = self._tif.pages
        if len(pages) > 1:  # one page per frame: read only the pages asked for
            return np.stack([pages[i].asarray() for i in range(start, stop)])
        return np.asarray(self._tif.asarray())[start:stop]  # a single multi-sample page

    def close(self) -> None:
        self._tif.close()


class _TiffSeriesReader:
    """One TIFF file per row in a directory; ``parameters["template"]`` names them.

    The template is a ``str.format`` pattern of the row index, e.g. ``"{:06d}.tiff"``.
    """

    def __init__(self, path: str, parameters: Mapping[str, Any]) -> None:
        self.directory = Path(path)
        self.template = str(parameters.get("template", "{:06d}.tiff"))

    def read(self, start: int, stop: int) -> np.ndarray:
        import tifffile

        files = [self.directory / self.template.format(i) for i in range(start, stop)]
        return np.stack([tifffile.imread(f) for f in files])


def _ad_hdf5(path: str, kwargs: Mapping[str, Any]) -> Callable[..., np.ndarray]:
    reader = _HDF5Reader(path, {"dataset": kwargs.get("dataset", "/entry/data/data")})
    per_point = int(kwargs.get("frame_per_point", 1))

    def handler(point_number: int, **_: Any) -> np.ndarray:
        block = reader.read(point_number * per_point, (point_number + 1) * per_point)
        return block[0] if per_point == 1 else block

    return handler


def _npy_file(path: str, kwargs: Mapping[str, Any]) -> Callable[..., np.ndarray]:
    def handler(**_: Any) -> np.ndarray:
        arr: np.ndarray = np.load(path)
        return arr

    return handler


_BUILTINS: dict[str, ReaderFactory] = {
    "application/x-hdf5": _HDF5Reader,
    "application/x-npy": _NPYReader,
    "image/tiff": _TiffStackReader,
    "multipart/related;type=image/tiff": _TiffSeriesReader,
    "AD_HDF5": _ad_hdf5,
    "NPY": _npy_file,
}


def _uri_to_path(uri: str) -> str:
    if uri.startswith("file://"):
        rest = uri[len("file://") :]
        return rest[rest.index("/") :] if not rest.startswith("/") else rest
    return uri


def _remap(path: str, root_map: Mapping[str, str]) -> str:
    for old in sorted(root_map, key=len, reverse=True):
        if path == old or path.startswith(old.rstrip("/") + "/"):
            return root_map[old] + path[len(old.rstrip("/")) :]
    return path


def _resolve_path(
    path: str, root_map: Mapping[str, str], *, run: str, stream: str, key: str
) -> str:
    resolved = _remap(path, root_map)
    if not os.path.exists(resolved):
        moved = f" (re-mapped from {path})" if resolved != path else ""
        raise CatalogError(
            f"external data for run {run}, stream {stream!r}, key {key!r} is missing: "
            f"{resolved}{moved} does not exist. If the data directory moved, open the "
            "catalog with root_map={old_prefix: new_prefix}"
        )
    return resolved

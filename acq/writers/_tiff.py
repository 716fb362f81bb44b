"""TIFF: one multi-page TIFF per image data key (2-D or more), original dtype kept.

File ``<prefix>-<stream>-<key>.tiff``; every frame (from events, old-style
datum, or ``stream_datum`` blocks read from HDF5) is one page, in seq_num order
of arrival. Artifacts label: ``stream_data``.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import Any

import numpy as np
import tifffile

from acq._exceptions import WriterError
from acq.writers._arrays import _check_dtype, _event_array
from acq.writers._base import Doc, Writer, _export
from acq.writers._destinations import Destination, sanitize

_TIFF_KINDS = "biuf"


class TIFFWriter(Writer):
    """Writes image data keys as TIFF stacks (``bigtiff=True`` for files over 4 GiB)."""

    streaming = False

    def __init__(
        self,
        destination: Destination | str | os.PathLike[str],
        *,
        file_prefix: str | None = None,
        bigtiff: bool = False,
    ) -> None:
        super().__init__(destination, file_prefix=file_prefix)
        self.bigtiff = bigtiff
        self._tiffs: dict[tuple[str, str], tifffile.TiffWriter] = {}
        self._first: dict[tuple[str, str], np.ndarray[Any, Any]] = {}

    def _image_keys(self, descriptor: Doc) -> list[str]:
        return [k for k, dk in descriptor["data_keys"].items() if len(dk.get("shape") or []) >= 2]

    def event(self, doc: Doc, descriptor: Doc) -> None:
        stream = descriptor.get("name", "primary")
        for key in self._image_keys(descriptor):
            if key in doc["data"]:
                dk = descriptor["data_keys"][key]
                self._frames(
                    stream, key, _event_array(key, doc["data"][key], dk, self.external, stream)
                )

    def stream_datum(self, doc: Doc) -> None:
        key, frames = self.external.stream_frames(doc)
        desc = self.descriptors.get(doc.get("descriptor", ""))
        if desc is None:
            desc = next((d for d in self.descriptors.values() if key in d["data_keys"]), None)
        if desc is None:
            raise WriterError(
                f"stream_datum {doc.get('uid')!r} for data key {key!r}: no descriptor declares "
                "that key; send the descriptor before the stream_datum."
            )
        stream = desc.get("name", "primary")
        dk = desc["data_keys"][key]
        _check_dtype(key, frames, dk, stream)
        for frame in frames:
            self._frames(stream, key, frame)

    def _frames(self, stream: str, key: str, arr: np.ndarray[Any, Any]) -> None:
        if arr.dtype.kind not in _TIFF_KINDS:
            raise WriterError(
                f"{stream}/{key}: TIFF stores integer and float images, saw dtype {arr.dtype}; "
                "convert explicitly in the plan or use the HDF5 writer."
            )
        ident = (stream, key)
        tif = self._tiffs.get(ident)
        if tif is None:
            name = f"{self.prefix()}-{sanitize(stream)}-{sanitize(key)}.tiff"
            f = self.open_artifact("stream_data", name)
            tif = self._tiffs[ident] = tifffile.TiffWriter(f, bigtiff=self.bigtiff)
            self._first[ident] = arr
        first = self._first[ident]
        if arr.dtype != first.dtype:
            raise WriterError(
                f"{stream}/{key}: frame dtype changed from {first.dtype} to {arr.dtype}; "
                "refusing to cast. Keep the detector's data type fixed within a run."
            )
        frames = arr.reshape(-1, *arr.shape[-2:]) if arr.ndim > 2 else [arr]
        try:
            for frame in frames:
                tif.write(frame, contiguous=True)
        except ValueError as exc:
            raise WriterError(
                f"{stream}/{key}: TIFF could not take the frame: {exc}. For files over "
                "4 GiB pass bigtiff=True."
            ) from exc

    def finish_run(self) -> None:
        for tif in self._tiffs.values():
            tif.close()
        self._tiffs = {}
        self._first = {}


def export_tiff(
    docs: Iterable[tuple[str, Doc]],
    destination: Destination | str | os.PathLike[str],
    **options: Any,
) -> dict[str, list[str]]:
    """Write the image data of a document stream as TIFF stacks; returns the artifacts."""
    return _export(TIFFWriter, docs, destination, **options)

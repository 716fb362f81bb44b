"""The HDF5 file a simulated detector writes: chunked, appendable datasets in SWMR mode."""

from __future__ import annotations

import os
import tempfile
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import h5py
import numpy as np

from devices._exceptions import DeviceError

IMAGE_DATASET = "/entry/data/data"
TOTAL_DATASET = "/entry/data/total"

DirectoryLike = str | os.PathLike[str] | Callable[[], str | os.PathLike[str]]


def _default_directory() -> Path:
    """``$ACQ_DATA_DIR/sim-data`` if set, else ``<temp dir>/acq-sim-data``."""
    base = os.environ.get("ACQ_DATA_DIR")
    if base:
        return Path(base).expanduser() / "sim-data"
    return Path(tempfile.gettempdir()) / "acq-sim-data"


def _resolve_directory(directory: DirectoryLike | None) -> Path:
    if directory is None:
        return _default_directory()
    if callable(directory):
        return Path(directory())
    return Path(directory)


class _HDF5Frames:
    """One open file: ``/entry/data/data`` (frames) and ``/entry/data/total`` (sums).

    Opened with ``libver="latest"`` and switched to SWMR mode, so readers (the
    catalog) can open it while frames are still being appended; every append is
    flushed.
    """

    def __init__(self, owner: str, directory: Path, shape: tuple[int, int]) -> None:
        self.path = (directory / f"{owner or 'detector'}_{uuid.uuid4().hex[:12]}.h5").absolute()
        self.shape = shape
        self.count = 0
        try:
            directory.mkdir(parents=True, exist_ok=True)
            self._file = h5py.File(self.path, "w", libver="latest", locking=False)
        except OSError as exc:
            raise DeviceError(
                f"{owner or 'detector'}: cannot write an HDF5 file in directory "
                f"{str(directory)!r} ({exc}); pass a writable directory= to the detector"
            ) from exc
        rows, cols = shape
        self._image = self._file.create_dataset(
            IMAGE_DATASET,
            shape=(0, rows, cols),
            maxshape=(None, rows, cols),
            chunks=(1, rows, cols),
            dtype=np.float32,
        )
        self._total = self._file.create_dataset(
            TOTAL_DATASET, shape=(0,), maxshape=(None,), chunks=(1024,), dtype=np.float64
        )
        self._file.swmr_mode = True

    @property
    def uri(self) -> str:
        """``file://localhost/<absolute path>``."""
        return f"file://localhost{self.path.as_posix()}"

    def append(self, frame: np.ndarray[Any, Any], total: float) -> None:
        """Write one frame and its sum at the end, and flush both."""
        n = self.count
        self._image.resize(n + 1, axis=0)
        self._image[n] = frame
        self._total.resize(n + 1, axis=0)
        self._total[n] = total
        self._image.flush()
        self._total.flush()
        self.count = n + 1

    def close(self) -> None:
        """Close the file (idempotent)."""
        if self._file.id.valid:
            self._file.close()

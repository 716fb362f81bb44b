"""Done-when: a run taken by the RunEngine, detector frames in an HDF5 file.

The test camera writes each frame into an HDF5 file itself and emits
StreamResource + StreamDatum documents (as a file-writing detector will); the
catalog, subscribed to the engine, stores the run. The user finds it by search
and gets the frames back as numpy arrays without a file path in sight.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import h5py
import numpy as np

import acq
from acq.catalog import Catalog, Key
from devices import AsyncStatus
from plans import count

SHAPE = (16, 12)


class HDF5Camera:
    """A detector that writes one frame per trigger to an HDF5 file."""

    def __init__(self, path: Path, name: str = "cam") -> None:
        self.name = name
        self.parent = None
        self.path = path
        self._frames = 0
        self._declared = 0
        self._resource = f"res-{time.time_ns()}"

    def trigger(self) -> AsyncStatus:
        return AsyncStatus(self._acquire())

    async def _acquire(self) -> None:
        with h5py.File(self.path, "a") as f:
            if "/entry/data/data" not in f:
                f.create_dataset(
                    "/entry/data/data", shape=(0, *SHAPE), maxshape=(None, *SHAPE), dtype="<u2"
                )
            ds = f["/entry/data/data"]
            ds.resize(self._frames + 1, axis=0)
            ds[self._frames] = np.full(SHAPE, self._frames + 100, dtype="<u2")
        self._frames += 1

    async def read(self) -> dict[str, Any]:
        return {f"{self.name}-sum": {"value": float(self._frames), "timestamp": time.time()}}

    async def describe(self) -> dict[str, Any]:
        return {
            f"{self.name}-image": {
                "source": f"file://{self.path}",
                "dtype": "array",
                "shape": list(SHAPE),
                "dtype_numpy": "<u2",
                "external": "STREAM:",
            },
            f"{self.name}-sum": {"source": "sim://sum", "dtype": "number", "shape": []},
        }

    def get_index(self) -> int:
        return self._frames

    def collect_asset_docs(self, index: int | None = None) -> Iterator[tuple[str, dict]]:
        index = self._frames if index is None else index
        if self._declared == 0 and index > 0:
            yield (
                "stream_resource",
                {
                    "uid": self._resource,
                    "data_key": f"{self.name}-image",
                    "mimetype": "application/x-hdf5",
                    "uri": f"file://localhost{self.path}",
                    "parameters": {"dataset": "/entry/data/data"},
                },
            )
        if index > self._declared:
            yield (
                "stream_datum",
                {
                    "uid": f"{self._resource}/{self._declared}",
                    "stream_resource": self._resource,
                    "descriptor": "",
                    "indices": {"start": self._declared, "stop": index},
                    "seq_nums": {"start": self._declared + 1, "stop": index + 1},
                },
            )
            self._declared = index


async def test_engine_run_with_hdf5_frames_is_found_and_read(
    catalog: Catalog, tmp_path: Path
) -> None:
    RE = acq.RunEngine()
    RE.subscribe(catalog)
    try:
        cam = HDF5Camera(tmp_path / "cam.h5")
        await RE(count([cam], num=5, md={"sample": "lysozyme"}))
        await RE(count([HDF5Camera(tmp_path / "other.h5")], num=2, md={"sample": "water"}))
    finally:
        RE.close()
    catalog.flush()
    # ---- user code: search, then arrays; no file path anywhere ----
    run = catalog.search(Key("sample") == "lysozyme")[-1]
    table = run.primary.read()
    frames = table["cam-image"]
    assert isinstance(frames, np.ndarray)
    assert frames.shape == (5, *SHAPE)
    assert [int(f[0, 0]) for f in frames] == [100, 101, 102, 103, 104]
    np.testing.assert_array_equal(table["cam-sum"], [1.0, 2.0, 3.0, 4.0, 5.0])
    assert int(run.primary["cam-image"][3][5, 5]) == 103
    assert run.metadata["stop"]["exit_status"] == "success"
    run.close()

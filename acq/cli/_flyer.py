"""A fly-scan camera for the demo: frames taken while a motor moves, written to HDF5.

Like an areaDetector with its HDF5 plugin, the camera writes the frames itself
(into ``<directory>/<name>-<uid>.h5``, dataset ``/entry/data/data``) and the run
only records where they are: one ``stream_resource`` document and a
``stream_datum`` per collection. ``devices.sim`` has no flyable detector yet;
this one lives here until it does.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import h5py
import numpy as np

from devices import AsyncStatus
from devices.sim import SimImageDetector, SimMotor

_DATASET = "/entry/data/data"


class _FlyScanCamera:
    """Takes ``frames`` frames of ``camera`` while ``motor`` moves from ``start_at`` to ``stop_at``.

    ``kickoff()`` moves to the start, opens the file and starts the acquisition
    (a task this object owns); ``complete()`` waits for it to end and closes the
    file; ``collect_asset_docs()`` describes the frames written so far.
    """

    def __init__(
        self, name: str, camera: SimImageDetector, motor: SimMotor, directory: Path
    ) -> None:
        self.name = name
        self.parent = None
        self._camera = camera
        self._motor = motor
        self._directory = directory
        self.start_at, self.stop_at, self.frames = 0.0, 1.0, 10
        self.path: Path | None = None
        self._file: h5py.File | None = None
        self._task: asyncio.Task[None] | None = None
        self._written = 0
        self._reported = 0
        self._datums = 0
        self._resource: str | None = None

    def setup(self, start: float, stop: float, frames: int) -> None:
        """Where the motor goes, and how many frames to take on the way."""
        self.start_at, self.stop_at, self.frames = start, stop, frames

    @AsyncStatus.wrap
    async def kickoff(self) -> None:
        await self._motor.set(self.start_at)
        self._directory.mkdir(parents=True, exist_ok=True)
        self._resource = str(uuid.uuid4())
        self.path = self._directory / f"{self.name}-{self._resource[:8]}.h5"
        rows, cols = self._camera.shape
        self._file = h5py.File(self.path, "w")
        self._file.create_dataset(
            _DATASET, (0, rows, cols), maxshape=(None, rows, cols), dtype="<f4", chunks=True
        )
        self._written = self._reported = self._datums = 0
        self._task = asyncio.get_running_loop().create_task(self._acquire())

    async def _acquire(self) -> None:
        assert self._file is not None
        dataset = self._file[_DATASET]
        move = self._motor.set(self.stop_at)
        for _ in range(self.frames):
            await self._camera.trigger()
            frame = await self._camera.image.get_value()
            dataset.resize(self._written + 1, axis=0)
            dataset[self._written] = frame
            self._written += 1
        await move

    @AsyncStatus.wrap
    async def complete(self) -> None:
        if self._task is None:
            return
        try:
            await self._task
        finally:
            self._close()

    def _close(self) -> None:
        if self._task is not None and not self._task.done():
            self._task.cancel()
        if self._file is not None:
            self._file.close()
            self._file = None

    async def describe_collect(self) -> dict[str, Any]:
        rows, cols = self._camera.shape
        return {
            f"{self.name}-image": {
                "source": f"file://{self.path}",
                "dtype": "array",
                "dtype_numpy": np.dtype("<f4").str,
                "shape": [rows, cols],
                "external": "STREAM:",
            }
        }

    def get_index(self) -> int:
        return self._written

    async def collect_asset_docs(
        self, index: int | None = None
    ) -> AsyncIterator[tuple[str, dict[str, Any]]]:
        upto = self._written if index is None else index
        if self._resource is None or upto <= self._reported:
            return
        if self._reported == 0:
            yield (
                "stream_resource",
                {
                    "uid": self._resource,
                    "data_key": f"{self.name}-image",
                    "mimetype": "application/x-hdf5",
                    "uri": f"file://localhost{self.path}",
                    "parameters": {"dataset": _DATASET},
                },
            )
        yield (
            "stream_datum",
            {
                "uid": f"{self._resource}/{self._datums}",
                "stream_resource": self._resource,
                "descriptor": "",
                "indices": {"start": self._reported, "stop": upto},
                "seq_nums": {"start": self._reported + 1, "stop": upto + 1},
            },
        )
        self._reported = upto
        self._datums += 1

    def stop(self) -> None:
        """Stop acquiring (a run that ends early) and close the file."""
        self._close()

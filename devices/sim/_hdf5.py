"""A simulated image detector writing its frames to HDF5, for step and fly scans."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from devices._backend import DataKey, Reading
from devices._exceptions import DeviceError
from devices._status import AsyncStatus, WatchableAsyncStatus, WatcherUpdate
from devices.sim._detector import SimImageDetector
from devices.sim._hdf5_file import (
    IMAGE_DATASET,
    TOTAL_DATASET,
    DirectoryLike,
    _HDF5Frames,
    _resolve_directory,
)

__all__ = ["SimHDF5Detector"]

MIMETYPE = "application/x-hdf5"


@dataclass(frozen=True, slots=True)
class _FlyPlan:
    frames: int
    period: float


class SimHDF5Detector(SimImageDetector):
    """A :class:`SimImageDetector` that writes every frame to an HDF5 file.

    ``stage()`` opens a new file ``<name>_<id>.h5`` in ``directory`` (a path, or a
    callable returning one; default ``$ACQ_DATA_DIR/sim-data`` or
    ``<temp dir>/acq-sim-data``) in SWMR mode; ``unstage()`` closes it. Frames go
    to ``/entry/data/data``, their sums to ``/entry/data/total``.

    Step scans: each ``trigger()`` takes one frame and appends it; ``read()`` gives
    ``<name>-total``; the frame ``<name>-image`` is described as external
    (``"STREAM:"``) and announced by ``collect_asset_docs()`` as StreamResource +
    StreamDatum documents (mimetype ``application/x-hdf5``).

    Fly scans: ``prepare(n)`` or ``prepare({"frames": n, "exposure": t,
    "period": p})``, then ``kickoff()`` starts taking ``n`` frames every ``p``
    seconds (default: the exposure time) in a task the detector owns, and
    ``complete()`` finishes when they are written (its progress counts frames).
    ``describe_collect()`` describes image and total, both external.
    """

    def __init__(self, name: str = "", *, directory: DirectoryLike | None = None, **kw: Any):
        super().__init__(name, **kw)
        self.directory = directory
        self._file: _HDF5Frames | None = None
        self._fly: _FlyPlan | None = None
        self._task: asyncio.Task[None] | None = None
        self._resources: dict[str, str] = {}
        self._emitted = 0  # frames announced by stream_datum documents so far
        self._fly_mode = False
        self._kick_start = 0  # file index of the first frame of the running acquisition
        self._waiters: list[asyncio.Future[None]] = []

    @property
    def _label(self) -> str:
        return self.name or type(self).__name__

    # ------------------------------------------------------------ staging
    @AsyncStatus.wrap
    async def stage(self) -> None:
        """Open a new HDF5 file; fails if already staged."""
        if self._file is not None:
            raise DeviceError(
                f"{self._label}: already staged (writing {self._file.path}); unstage it first"
            )
        directory = _resolve_directory(self.directory)
        self._file = _HDF5Frames(self._label, directory, self.shape)
        self._resources, self._emitted, self._fly_mode = {}, 0, False

    @AsyncStatus.wrap
    async def unstage(self) -> None:
        """Stop any acquisition and close the file (nothing to do if not staged)."""
        await self._stop_task()
        if self._file is not None:
            self._file.close()
            self._file = None

    async def _stop_task(self) -> None:
        task, self._task = self._task, None
        if task is not None and not task.done():
            task.cancel()
            async with asyncio.timeout(5):
                await asyncio.shield(asyncio.wait({task}))
        if task is not None and not task.cancelled():
            task.exception()  # retrieved: complete() reports it

    def stop(self, success: bool = True) -> AsyncStatus:
        """Stop a fly acquisition (the frames written so far stay in the file)."""
        return AsyncStatus(self._stop_task(), name=f"{self._label}.stop")

    @property
    def path(self) -> str | None:
        """The file being written, or ``None`` when not staged."""
        return None if self._file is None else str(self._file.path)

    # ------------------------------------------------------------ step scans
    def trigger(self) -> AsyncStatus:
        """Take one frame and append it to the file (the detector must be staged)."""
        if self._file is None:
            error = DeviceError(
                f"{self._label}: trigger() needs an open file; stage the detector first "
                "(plans such as count and scan stage their detectors)"
            )
            return AsyncStatus.finished(f"{self._label}.trigger", error)
        return super().trigger()

    def _take(self, pos: list[float], current: float | None) -> None:
        frame = self._frame(pos, current)
        total = float(frame.sum(dtype=np.float64))
        self._set_image(frame)
        self._set_total(total)
        if self._file is not None:
            self._file.append(frame, total)
            waiters, self._waiters = self._waiters, []
            for w in waiters:
                if not w.done():
                    w.set_result(None)

    async def read(self) -> dict[str, Reading[Any]]:
        """``<name>-total`` (the frame itself is in the file)."""
        readings = await super().read()
        readings.pop(self.image.name, None)
        return readings

    async def describe(self) -> dict[str, DataKey]:
        """``<name>-total`` inline, ``<name>-image`` external (``"STREAM:"``)."""
        keys = await super().describe()
        keys[self.image.name] = self._external_key(self.image.name, list(self.shape), "<f4")
        return keys

    async def describe_collect(self) -> dict[str, DataKey]:
        """Image and total, both external: a fly scan's events live in the file."""
        return {
            self.image.name: self._external_key(self.image.name, list(self.shape), "<f4"),
            self.total.name: self._external_key(self.total.name, [], "<f8"),
        }

    def _external_key(self, key: str, shape: list[int], dtype_numpy: str) -> DataKey:
        where = self.path or str(_resolve_directory(self.directory))
        dk: dict[str, Any] = {
            "source": f"sim-hdf5://{where}",
            "dtype": "array" if shape else "number",
            "dtype_numpy": dtype_numpy,
            "shape": shape,
            "external": "STREAM:",
        }
        if key == self.total.name:
            dk["units"] = "counts"
        return dk  # type: ignore[return-value]

    # ------------------------------------------------------------ fly scans
    def prepare(self, value: int | Mapping[str, float]) -> AsyncStatus:
        """Set up a fly acquisition: ``n`` or ``{"frames": n, "exposure": t, "period": p}``."""
        return AsyncStatus(self._prepare(value), name=f"{self._label}.prepare")

    async def _prepare(self, value: int | Mapping[str, float]) -> None:
        spec = {"frames": value} if isinstance(value, int) else dict(value)
        unknown = set(spec) - {"frames", "exposure", "period"}
        frames = spec.get("frames")
        if unknown or not isinstance(frames, int) or isinstance(frames, bool) or frames < 1:
            raise DeviceError(
                f"{self._label}.prepare({value!r}): expected a frame count >= 1 or a mapping "
                "with 'frames' (int >= 1) and optional 'exposure' and 'period' (seconds)"
            )
        if "exposure" in spec:
            await self.exposure_time.set(float(spec["exposure"]))
        exposure = await self.exposure_time.get_value()
        period = float(spec.get("period", exposure))
        if period < exposure:
            raise DeviceError(
                f"{self._label}.prepare: period {period} s is shorter than the exposure "
                f"{exposure} s; use a period >= the exposure time"
            )
        self._fly = _FlyPlan(frames, period)

    def kickoff(self) -> AsyncStatus:
        """Start taking the prepared frames in the background; done once started."""
        name = f"{self._label}.kickoff"
        error = None
        if self._fly is None:
            error = "kickoff() before prepare(); call prepare(number_of_frames) first"
        elif self._file is None:
            error = "kickoff() needs an open file; stage the detector first"
        elif self._task is not None and not self._task.done():
            error = "kickoff() while an acquisition is running; complete() it first"
        if error is not None or self._fly is None or self._file is None:
            return AsyncStatus.finished(name, DeviceError(f"{self._label}: {error}"))
        if not self._fly_mode:  # the fly stream starts at the first kicked-off frame
            self._fly_mode, self._emitted = True, self._file.count
        self._kick_start = self._file.count
        self._task = asyncio.create_task(self._acquire(self._fly), name=name)
        return AsyncStatus.finished(name)

    async def _acquire(self, plan: _FlyPlan) -> None:
        for _ in range(plan.frames):
            if plan.period > 0:
                await self._clock.sleep(plan.period)
            else:
                await asyncio.sleep(0)
            _, pos, current = await self._inputs()
            self._take(pos, current)

    def complete(self) -> WatchableAsyncStatus:
        """Finish when every prepared frame is written; progress counts frames."""
        name = f"{self._label}.complete"
        if self._task is None or self._fly is None or self._file is None:
            error = DeviceError(f"{self._label}: complete() before kickoff(); kick it off first")
            return WatchableAsyncStatus.finished(name, error)
        return WatchableAsyncStatus(self._progress(self._task, self._fly.frames), name=name)

    async def _progress(
        self, task: asyncio.Task[None], target: int
    ) -> AsyncIterator[WatcherUpdate[int]]:
        start = self._kick_start
        while not task.done():
            waiter = asyncio.get_running_loop().create_future()
            self._waiters.append(waiter)
            await asyncio.wait({task, waiter}, return_when=asyncio.FIRST_COMPLETED)
            done = (self._file.count if self._file is not None else start) - start
            yield WatcherUpdate(
                current=done, initial=0, target=target, name=self._label, unit="frames"
            )
        if self._task is task:
            self._task = None
        if task.cancelled():
            done = (self._file.count if self._file is not None else start) - start
            raise DeviceError(f"{self._label}: acquisition stopped after {done} of {target} frames")
        await task

    # ------------------------------------------------------------ assets
    async def get_index(self) -> int:
        """Frames written to the current file."""
        return 0 if self._file is None else self._file.count

    async def collect_asset_docs(self, index: int | None = None) -> AsyncIterator[Any]:
        """StreamResource (once per key and file), then StreamDatum up to ``index``."""
        f = self._file
        if f is None:
            return
        stop = f.count if index is None else min(int(index), f.count)
        if stop <= self._emitted:
            return
        datasets = {self.image.name: (IMAGE_DATASET, [1, *self.shape])}
        if self._fly_mode:
            datasets[self.total.name] = (TOTAL_DATASET, [1024])
        for key, (dataset, chunks) in datasets.items():
            if key not in self._resources:
                uid = str(uuid.uuid4())
                self._resources[key] = uid
                yield (
                    "stream_resource",
                    {
                        "uid": uid,
                        "data_key": key,
                        "mimetype": MIMETYPE,
                        "uri": f.uri,
                        "parameters": {"dataset": dataset, "chunk_shape": chunks},
                    },
                )
        start, self._emitted = self._emitted, stop
        for key in datasets:
            uid = self._resources[key]
            yield (
                "stream_datum",
                {
                    "uid": f"{uid}/{start}",
                    "stream_resource": uid,
                    "descriptor": "",  # the engine fills in the stream's descriptor
                    "indices": {"start": start, "stop": stop},
                    "seq_nums": {"start": 0, "stop": 0},  # numbered by the engine (bluesky rule)
                },
            )

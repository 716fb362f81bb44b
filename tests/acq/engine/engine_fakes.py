"""Small fake devices following the bluesky protocols (async and sync flavours)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any


class Status:
    """An awaitable status with the bluesky Status surface (done, success, add_callback)."""

    def __init__(
        self, awaitable: Any = None, *, done: bool = False, error: Exception | None = None
    ):
        self._callbacks: list[Callable[[Any], None]] = []
        self._error = error
        self.done = done
        self.success = done and error is None
        self._task: asyncio.Task[Any] | None = None
        if awaitable is not None:
            self._task = asyncio.ensure_future(awaitable)
            self._task.add_done_callback(self._finished)

    def _finished(self, task: asyncio.Task[Any]) -> None:
        self.done = True
        if task.cancelled():
            self._error = asyncio.CancelledError()
        elif task.exception() is not None:
            self._error = task.exception()  # type: ignore[assignment]
        self.success = self._error is None
        for cb in self._callbacks:
            cb(self)

    def add_callback(self, cb: Callable[[Any], None]) -> None:
        if self.done:
            cb(self)
        else:
            self._callbacks.append(cb)

    def exception(self) -> Exception | None:
        return self._error  # type: ignore[return-value]

    def __await__(self) -> Any:
        if self._task is not None:
            return self._task.__await__()
        return self._done().__await__()

    async def _done(self) -> None:
        if self._error is not None:
            raise self._error

    def cancel(self) -> None:
        if self._task is not None:
            self._task.cancel()


class CallbackStatus:
    """A bluesky/ophyd-v1 style status: not awaitable, finished via ``finish()``."""

    def __init__(self) -> None:
        self.done = False
        self.success = False
        self._cbs: list[Callable[[Any], None]] = []
        self._exc: Exception | None = None

    def add_callback(self, cb: Callable[[Any], None]) -> None:
        if self.done:
            cb(self)
        else:
            self._cbs.append(cb)

    def finish(self, exc: Exception | None = None) -> None:
        self.done = True
        self.success = exc is None
        self._exc = exc
        for cb in self._cbs:
            cb(self)

    def exception(self) -> Exception | None:
        return self._exc


class Det:
    """An async detector: trigger -> done status, read -> one float reading."""

    def __init__(self, name: str = "det", value: float = 1.0, delay: float = 0.0) -> None:
        self.name = name
        self.parent = None
        self.value = value
        self.delay = delay
        self.triggers = 0
        self.staged = 0
        self.hints = {"fields": [name]}

    def trigger(self) -> Status:
        self.triggers += 1
        if self.delay:
            return Status(asyncio.sleep(self.delay))
        return Status(done=True)

    async def read(self) -> dict[str, Any]:
        if self.delay:
            await asyncio.sleep(self.delay)
        return {self.name: {"value": self.value, "timestamp": time.time()}}

    async def describe(self) -> dict[str, Any]:
        return {self.name: {"source": f"sim://{self.name}", "dtype": "number", "shape": []}}

    async def read_configuration(self) -> dict[str, Any]:
        return {f"{self.name}-gain": {"value": 2, "timestamp": time.time()}}

    async def describe_configuration(self) -> dict[str, Any]:
        return {f"{self.name}-gain": {"source": "sim://gain", "dtype": "integer", "shape": []}}

    def stage(self) -> Status:
        self.staged += 1
        return Status(done=True)

    def unstage(self) -> Status:
        self.staged -= 1
        return Status(done=True)


class SyncDet:
    """An ophyd-v1 style detector: sync read/describe, callback statuses."""

    def __init__(self, name: str = "sdet") -> None:
        self.name = name
        self.parent = None
        self.pending: list[CallbackStatus] = []

    def trigger(self) -> CallbackStatus:
        st = CallbackStatus()
        asyncio.get_running_loop().call_later(0.001, st.finish)
        return st

    def read(self) -> dict[str, Any]:
        return {self.name: {"value": 3, "timestamp": time.time()}}

    def describe(self) -> dict[str, Any]:
        return {self.name: {"source": "sim://sync", "dtype": "integer", "shape": []}}


class Motor:
    """An async motor: set moves over ``delay`` seconds; stop cancels the move."""

    def __init__(self, name: str = "motor", delay: float = 0.0, fail: bool = False) -> None:
        self.name = name
        self.parent = None
        self.position = 0.0
        self.delay = delay
        self.fail = fail
        self.stops = 0
        self.history: list[float] = []
        self.hints = {"fields": [name]}
        self._moves: list[Status] = []

    async def _move(self, value: float) -> None:
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.fail:
            raise RuntimeError(f"{self.name} hit a limit switch")
        self.position = value
        self.history.append(value)

    def set(self, value: float) -> Status:
        st = Status(self._move(value))
        self._moves.append(st)
        return st

    def stop(self, success: bool = True) -> None:
        self.stops += 1
        for st in self._moves:
            st.cancel()
        self._moves.clear()

    async def read(self) -> dict[str, Any]:
        return {self.name: {"value": self.position, "timestamp": time.time()}}

    async def describe(self) -> dict[str, Any]:
        return {self.name: {"source": f"sim://{self.name}", "dtype": "number", "shape": []}}

    async def locate(self) -> dict[str, float]:
        return {"setpoint": self.position, "readback": self.position}


class SoftSignal:
    """A value with subscribers (for monitors and suspenders)."""

    def __init__(self, name: str, value: Any = 0.0) -> None:
        self.name = name
        self.parent = None
        self.value = value
        self._subs: list[Callable[..., None]] = []

    def put(self, value: Any) -> None:
        self.value = value
        for cb in list(self._subs):
            cb(self._reading())

    def _reading(self) -> dict[str, Any]:
        return {self.name: {"value": self.value, "timestamp": time.time()}}

    def subscribe(self, cb: Callable[..., None]) -> None:
        self._subs.append(cb)
        cb(self._reading())

    def clear_sub(self, cb: Callable[..., None]) -> None:
        self._subs.remove(cb)

    async def read(self) -> dict[str, Any]:
        return self._reading()

    async def describe(self) -> dict[str, Any]:
        return {self.name: {"source": f"soft://{self.name}", "dtype": "number", "shape": []}}


class Flyer:
    """Flyable + EventPageCollectable."""

    def __init__(self, name: str = "flyer", n: int = 3) -> None:
        self.name = name
        self.parent = None
        self.n = n

    def kickoff(self) -> Status:
        return Status(done=True)

    def complete(self) -> Status:
        return Status(asyncio.sleep(0))

    async def describe_collect(self) -> dict[str, Any]:
        return {"fly_x": {"source": "sim://fly", "dtype": "number", "shape": []}}

    async def collect_pages(self) -> AsyncIterator[dict[str, Any]]:
        now = time.time()
        yield {
            "time": [now] * self.n,
            "data": {"fly_x": list(range(self.n))},
            "timestamps": {"fly_x": [now] * self.n},
        }


class EventFlyer(Flyer):
    """Flyable + EventCollectable (sync collect of partial events)."""

    collect_pages = None  # type: ignore[assignment]

    def collect(self) -> Iterator[dict[str, Any]]:
        for i in range(self.n):
            now = time.time()
            yield {"data": {"fly_x": i}, "timestamps": {"fly_x": now}, "time": now}


class StreamDet:
    """A detector that writes frames to a file (WritesStreamAssets) and reads a counter."""

    def __init__(self, name: str = "cam") -> None:
        self.name = name
        self.parent = None
        self.index = 0
        self._resource_sent = False

    def trigger(self) -> Status:
        self.index += 1
        return Status(done=True)

    async def read(self) -> dict[str, Any]:
        return {f"{self.name}-sum": {"value": float(self.index), "timestamp": time.time()}}

    async def describe(self) -> dict[str, Any]:
        return {
            f"{self.name}-sum": {"source": "sim://sum", "dtype": "number", "shape": []},
            f"{self.name}-image": {
                "source": "sim://image",
                "dtype": "array",
                "shape": [1, 4, 4],
                "external": "STREAM:",
            },
        }

    async def get_index(self) -> int:
        return self.index

    async def collect_asset_docs(self, index: int | None = None) -> AsyncIterator[Any]:
        if not self._resource_sent:
            self._resource_sent = True
            yield (
                "stream_resource",
                {
                    "uid": "res-1",
                    "data_key": f"{self.name}-image",
                    "mimetype": "application/x-hdf5",
                    "uri": "file://localhost/tmp/cam.h5",
                    "parameters": {"dataset": "/data"},
                },
            )
        yield (
            "stream_datum",
            {
                "uid": f"res-1/{self.index}",
                "stream_resource": "res-1",
                "descriptor": "",
                "indices": {"start": self.index - 1, "stop": self.index},
                "seq_nums": {"start": self.index, "stop": self.index + 1},
            },
        )


class ResourceDet:
    """An ophyd-v1 style detector with resource/datum (sync collect_asset_docs)."""

    def __init__(self, name: str = "adet") -> None:
        self.name = name
        self.parent = None
        self.n = 0

    def trigger(self) -> CallbackStatus:
        st = CallbackStatus()
        st.finish()
        self.n += 1
        return st

    def read(self) -> dict[str, Any]:
        return {f"{self.name}-img": {"value": f"datum-{self.n}", "timestamp": time.time()}}

    def describe(self) -> dict[str, Any]:
        return {
            f"{self.name}-img": {
                "source": "sim://img",
                "dtype": "array",
                "shape": [2, 2],
                "external": "FILESTORE:",
            }
        }

    def collect_asset_docs(self) -> Iterator[Any]:
        if self.n == 1:
            yield (
                "resource",
                {
                    "uid": "r1",
                    "spec": "NPY",
                    "root": "/",
                    "resource_path": "tmp/x.npy",
                    "resource_kwargs": {},
                    "path_semantics": "posix",
                },
            )
        yield ("datum", {"datum_id": f"datum-{self.n}", "resource": "r1", "datum_kwargs": {}})

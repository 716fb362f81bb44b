"""A fake remote backend: like Channel Access, it connects over time and can fail."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from devices import DataKey, DeviceError, Reading, SignalBackend


class FakeRemoteBackend(SignalBackend[float]):
    """Connects after a yield; ``fail`` makes connect raise, ``hang`` never return."""

    def __init__(self, address: str, fail: str | None = None, hang: bool = False) -> None:
        self.datatype = float
        self.address = address
        self.fail = fail
        self.hang = hang
        self.value = 0.0
        self.connected = False
        self._cb: Callable[[Reading[float]], None] | None = None

    def source(self, name: str, read: bool) -> str:
        return f"fake://{self.address}"

    async def connect(self, timeout: float) -> None:
        await asyncio.sleep(0)
        if self.hang:
            await asyncio.Event().wait()
        if self.fail:
            raise DeviceError(self.fail)
        self.connected = True

    async def put(self, value: float | None, wait: bool) -> None:
        await asyncio.sleep(0)
        self.value = float(value or 0.0)
        if self._cb:
            self._cb(self._reading())

    def _reading(self) -> Reading[float]:
        return {"value": self.value, "timestamp": 1.0, "alarm_severity": 0}

    async def get_datakey(self, source: str) -> DataKey:
        return {"source": source, "dtype": "number", "shape": []}

    async def get_reading(self) -> Reading[float]:
        await asyncio.sleep(0)
        return self._reading()

    async def get_value(self) -> float:
        return self.value

    async def get_setpoint(self) -> float:
        return self.value

    def set_callback(self, callback: Callable[[Reading[float]], None] | None) -> None:
        self._cb = callback
        if callback:
            callback(self._reading())


class FakeSignal:
    """Address-first constructor like ``EpicsSignal(read_pv, *, name="")``."""

    def __new__(cls, address: str, *, name: str = "", **kw: Any) -> Any:
        from devices import SignalRW

        return SignalRW(FakeRemoteBackend(address, **kw), name=name)

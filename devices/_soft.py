"""In-memory backends: ``SoftSignalBackend`` (with units, precision, limits) and the mock."""

from __future__ import annotations

import asyncio
import inspect
import time
from collections.abc import Callable
from typing import Any, Generic, TypeVar

import numpy as np

from devices._backend import DataKey, Limits, Reading, SignalBackend
from devices._datatypes import _Any, _Array, _Converter, _make_converter
from devices._exceptions import LimitError

__all__ = ["MockSignalBackend", "SoftSignalBackend"]

T = TypeVar("T")


class SoftSignalBackend(SignalBackend[T], Generic[T]):
    """A value held in memory; puts are checked against datatype, choices and limits.

    ``limits`` is a ``(low, high)`` pair of control limits (either may be None).
    """

    _scheme = "soft"
    local = True  # get/put never suspend: devices may await them without tasks

    def __init__(
        self,
        datatype: type[T] | None,
        initial_value: T | None = None,
        *,
        address: str = "",
        units: str | None = None,
        precision: int | None = None,
        limits: tuple[float | None, float | None] | None = None,
    ) -> None:
        self.datatype = datatype
        self.address = address
        self.units = units
        self.precision = precision
        self.limits = limits
        self._conv: _Converter = _make_converter(datatype)
        value = self._conv.default if initial_value is None else initial_value
        value = self._conv.check(value)
        self._untyped = isinstance(self._conv, _Any)
        self._array_dtype: Any = value.dtype if isinstance(self._conv, _Array) else None
        self._value: Any = value
        self._reading: Reading[T] = {"value": value, "timestamp": time.time(), "alarm_severity": 0}
        self._datakey: DataKey | None = None
        self._callback: Callable[[Reading[T]], None] | None = None

    def source(self, name: str, read: bool) -> str:
        return f"{self._scheme}://{self.address or name}"

    async def connect(self, timeout: float) -> None:
        return None

    def check(self, value: Any) -> Any:
        """The value as stored, or raise the specific ``InvalidValueError``."""
        conv = self._conv
        if isinstance(conv, _Array):
            return conv.check_against(value, self._array_dtype)
        value = conv.check(value)
        if self.limits is not None and not isinstance(conv, _Any):
            low, high = self.limits
            if (low is not None and value < low) or (high is not None and value > high):
                raise LimitError(
                    f"{value!r} is outside the control limits [{low}, {high}]; "
                    "pass a value within them"
                )
        return value

    def set_value(self, value: Any) -> None:
        """Store an already checked value, timestamp it and notify the subscriber."""
        old = self._value
        self._value = value
        if self._untyped or (isinstance(value, np.ndarray) and old.shape != value.shape):
            self._datakey = None
        reading: Reading[T] = {"value": value, "timestamp": time.time(), "alarm_severity": 0}
        self._reading = reading
        cb = self._callback
        if cb is not None:
            cb(reading)

    async def put(self, value: T | None, wait: bool) -> None:
        self.set_value(self.check(value))

    def put_nowait(self, value: T | None) -> bool:
        """Put without suspending if possible (True); False: use ``put``."""
        self.set_value(self.check(value))
        return True

    async def get_datakey(self, source: str) -> DataKey:
        dk = self._datakey
        if dk is None or dk["source"] != source:
            dk = self._conv.datakey(source, self._value)
            if self.units is not None:
                dk["units"] = self.units
            if self.precision is not None:
                dk["precision"] = self.precision
            if self.limits is not None:
                lim: Limits = {"control": {"low": self.limits[0], "high": self.limits[1]}}
                dk["limits"] = lim
            self._datakey = dk
        return {**dk}  # a copy: callers may add object_name etc.

    async def get_reading(self) -> Reading[T]:
        return self._reading

    def get_reading_nowait(self) -> Reading[T] | None:
        """The current reading, without awaiting (None would mean: use ``get_reading``)."""
        return self._reading

    async def get_value(self) -> T:
        value: T = self._value
        return value

    def get_value_nowait(self) -> T:
        """The current value, without awaiting (in-memory backends only)."""
        value: T = self._value
        return value

    async def get_setpoint(self) -> T:
        value: T = self._value
        return value

    def set_callback(self, callback: Callable[[Reading[T]], None] | None) -> None:
        self._callback = callback
        if callback is not None:
            callback(self._reading)


class MockSignalBackend(SoftSignalBackend[T], Generic[T]):
    """A soft backend for tests: settable from outside, puts recorded, can fail or hang.

    Use the helpers ``set_mock_value``, ``callback_on_mock_put``, ``get_mock_puts``,
    ``fail_mock_put`` and ``set_mock_put_proceeds`` on the signal.
    """

    _scheme = "mock"

    def __init__(self, datatype: type[T] | None, initial_value: T | None = None, **kw: Any) -> None:
        self.real_source: str | None = kw.pop("real_source", None)
        super().__init__(datatype, initial_value, **kw)
        self._init_mock()

    def _init_mock(self) -> None:
        self.puts: list[Any] = []
        self.put_callbacks: list[Callable[[Any, bool], Any]] = []
        self.put_error: BaseException | None = None
        self.hold: asyncio.Event | None = None  # set_mock_put_proceeds(False) installs one

    @classmethod
    def from_backend(cls, backend: SignalBackend[Any]) -> MockSignalBackend[Any]:
        """A mock standing in for ``backend`` (same datatype and, if soft, metadata)."""
        if type(backend) is SoftSignalBackend:  # copy its state: no re-checking needed
            mock: MockSignalBackend[Any] = cls.__new__(cls)
            mock.__dict__.update(backend.__dict__)
            mock.real_source = None
            mock._callback = None
            mock._init_mock()
            return mock
        if isinstance(backend, SoftSignalBackend):
            return cls(
                backend.datatype,
                backend._value,
                address=backend.address,
                units=backend.units,
                precision=backend.precision,
                limits=backend.limits,
            )
        return cls(getattr(backend, "datatype", None), real_source=backend.source("", True))

    def source(self, name: str, read: bool) -> str:
        if self.real_source:
            return f"mock+{self.real_source}"
        return super().source(name, read)

    def put_nowait(self, value: T | None) -> bool:
        if self.put_callbacks or self.put_error is not None or self.hold is not None:
            return False
        checked = self.check(value) if value is not None else None
        self.puts.append(checked)
        if checked is not None:
            self.set_value(checked)
        return True

    async def put(self, value: T | None, wait: bool) -> None:
        checked = self.check(value) if value is not None else None
        self.puts.append(checked)
        for cb in list(self.put_callbacks):
            out = cb(checked, wait)
            if inspect.isawaitable(out):
                await out
        if self.put_error is not None:
            raise self.put_error
        hold = self.hold
        if wait and hold is not None:
            await hold.wait()
        if checked is not None:
            self.set_value(checked)

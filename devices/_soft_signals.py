"""Soft and mock signals: convenience constructors, address-style classes, mock helpers."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any, TypeVar

from devices._device import DEFAULT_TIMEOUT
from devices._exceptions import DeviceError
from devices._signal import Signal, SignalR, SignalRW
from devices._soft import MockSignalBackend, SoftSignalBackend

__all__ = [
    "MockSignal",
    "SoftSignal",
    "SoftSignalRO",
    "callback_on_mock_put",
    "fail_mock_put",
    "get_mock_puts",
    "set_mock_put_proceeds",
    "set_mock_value",
    "soft_signal_r_and_setter",
    "soft_signal_rw",
]

T = TypeVar("T")
Lims = tuple[float | None, float | None] | None


def soft_signal_rw(
    datatype: type[T],
    initial_value: T | None = None,
    name: str = "",
    *,
    units: str | None = None,
    precision: int | None = None,
    limits: Lims = None,
    timeout: float | None = DEFAULT_TIMEOUT,
) -> SignalRW[T]:
    """An in-memory read/write signal: ``soft_signal_rw(float, 1.0, units="mm")``."""
    backend = SoftSignalBackend(
        datatype, initial_value, units=units, precision=precision, limits=limits
    )
    return SignalRW(backend, timeout=timeout, name=name)


def soft_signal_r_and_setter(
    datatype: type[T],
    initial_value: T | None = None,
    name: str = "",
    *,
    units: str | None = None,
    precision: int | None = None,
    limits: Lims = None,
) -> tuple[SignalR[T], Callable[[T], None]]:
    """A read-only soft signal and the function that sets it (checked like a put)."""
    backend = SoftSignalBackend(
        datatype, initial_value, units=units, precision=precision, limits=limits
    )
    signal = SignalR(backend, name=name)

    def setter(value: T) -> None:
        try:
            checked = signal._backend.check(value)  # type: ignore[attr-defined]
        except DeviceError as exc:
            raise signal._named(exc) from exc
        signal._backend.set_value(checked)  # type: ignore[attr-defined]

    return signal, setter


class SoftSignal(SignalRW[Any]):
    """A soft read/write signal named by an address, for ``Component``.

    ``SoftSignal("Mtr-X", datatype=float, initial_value=0.0, units="mm")`` has
    source ``soft://Mtr-X``.
    """

    _backend_class: type[SoftSignalBackend[Any]] = SoftSignalBackend

    def __init__(
        self,
        address: str = "",
        *,
        datatype: type[Any] | None = float,
        initial_value: Any = None,
        units: str | None = None,
        precision: int | None = None,
        limits: Lims = None,
        timeout: float | None = DEFAULT_TIMEOUT,
        name: str = "",
    ) -> None:
        backend = self._backend_class(
            datatype,
            initial_value,
            address=address,
            units=units,
            precision=precision,
            limits=limits,
        )
        super().__init__(backend, timeout=timeout, name=name)


class SoftSignalRO(SignalR[Any]):
    """A read-only soft signal named by an address (``soft://<address>``), for ``Component``."""

    def __init__(
        self,
        address: str = "",
        *,
        datatype: type[Any] | None = float,
        initial_value: Any = None,
        units: str | None = None,
        precision: int | None = None,
        limits: Lims = None,
        name: str = "",
    ) -> None:
        backend = SoftSignalBackend(
            datatype,
            initial_value,
            address=address,
            units=units,
            precision=precision,
            limits=limits,
        )
        super().__init__(backend, name=name)


class MockSignal(SoftSignal):
    """A mock read/write signal named by an address (``mock://<address>``), for ``Component``."""

    _backend_class = MockSignalBackend


def _mock(signal: Signal[Any]) -> MockSignalBackend[Any]:
    backend = signal._backend
    if not isinstance(backend, MockSignalBackend):
        raise DeviceError(
            f"{signal.name or signal!r} ({signal.source}) has no mock backend; connect its "
            "device with connect(mock=True) (or init_devices(mock=True)) first"
        )
    return backend


def set_mock_value(signal: Signal[T], value: T) -> None:
    """Set a mocked signal's value as if the hardware changed (subscribers are told)."""
    backend = _mock(signal)
    try:
        checked = backend.check(value)
    except DeviceError as exc:
        raise signal._named(exc) from exc
    backend.set_value(checked)


def callback_on_mock_put(signal: Signal[T], callback: Callable[[T, bool], Any]) -> None:
    """Call ``callback(value, wait)`` (sync or async) on every put to a mocked signal."""
    _mock(signal).put_callbacks.append(callback)


def get_mock_puts(signal: Signal[T]) -> list[T]:
    """Every value put to a mocked signal, oldest first (the list itself: clear it freely)."""
    return _mock(signal).puts


def fail_mock_put(signal: Signal[Any], error: BaseException | None) -> None:
    """Make every following put raise ``error`` (``None``: succeed again)."""
    _mock(signal).put_error = error


def set_mock_put_proceeds(signal: Signal[Any], proceeds: bool) -> None:
    """``False``: puts with ``wait=True`` hang (until their timeout); ``True``: release them."""
    backend = _mock(signal)
    if proceeds:
        if backend.hold is not None:
            backend.hold.set()
        backend.hold = None
    elif backend.hold is None:
        backend.hold = asyncio.Event()

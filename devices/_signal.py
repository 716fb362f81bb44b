"""Typed signals over a ``SignalBackend``: ``SignalR``, ``SignalW``, ``SignalRW``, ``SignalX``."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncGenerator, Callable, Coroutine
from typing import Any, Generic, NoReturn, TypeVar

import numpy as np

from devices._backend import DataKey, Reading, SignalBackend
from devices._device import DEFAULT_TIMEOUT, Device
from devices._exceptions import (
    BackendMismatchError,
    DeviceError,
    DeviceTimeoutError,
    ReadOnlyError,
)
from devices._soft import MockSignalBackend
from devices._status import AsyncStatus

__all__ = ["Signal", "SignalR", "SignalRW", "SignalW", "SignalX"]

T = TypeVar("T")


class _UseDefault:
    def __repr__(self) -> str:
        return "USE_DEFAULT"


_USE_DEFAULT: Any = _UseDefault()


class Signal(Device, Generic[T]):
    """One value behind a backend: ``SignalRW(backend, name="", timeout=10.0)``.

    ``timeout`` is the default for puts (``set``/``trigger``); None waits forever.
    """

    __setattr__ = object.__setattr__  # type: ignore[assignment]  # no children: skip child registration

    def __init__(
        self, backend: SignalBackend[T], name: str = "", timeout: float | None = DEFAULT_TIMEOUT
    ) -> None:
        self._backend: SignalBackend[T] = backend
        self._timeout = timeout
        self._mode: str | None = None  # "real" or "mock" once connected
        self._subs: list[tuple[Callable[[Any], None], bool]] = []
        self._last: Reading[T] | None = None
        self._name = name
        self._source = ""

    def set_name(self, name: str) -> None:
        self._name = name
        self._source = ""

    def children(self) -> Any:
        return iter(())

    @property
    def source(self) -> str:
        """Where the value comes from, e.g. ``soft://Mtr-X`` or ``ca://Left-Mtr-X``."""
        if not self._source:
            self._source = self._backend.source(self._name, True)
        return self._source

    @property
    def backend(self) -> SignalBackend[T]:
        """The backend in use (a ``MockSignalBackend`` after ``connect(mock=True)``)."""
        return self._backend

    def _connect_now(self, mock: bool, force_reconnect: bool) -> bool:
        """Connect without suspending if possible; False if ``connect()`` must run."""
        mode = "mock" if mock else "real"
        if self._mode is not None and not force_reconnect:
            if self._mode != mode:
                raise BackendMismatchError(
                    f"{self._name or repr(self)} ({self.source}) is already connected with the "
                    f"{self._mode} backend; connect(mock={mock}) would swap it. Build a new "
                    "device to switch between mock and real"
                )
            return True
        if mock:
            if not isinstance(self._backend, MockSignalBackend):
                self._swap(MockSignalBackend.from_backend(self._backend))
            self._mode = mode
            return True
        if getattr(self._backend, "local", False):  # in-memory: connect cannot suspend
            _run_now(self._backend.connect(DEFAULT_TIMEOUT))
            self._mode = mode
            return True
        return False

    def _swap(self, backend: SignalBackend[T]) -> None:
        if self._subs:
            self._backend.set_callback(None)
        self._backend = backend
        self._source = ""
        if self._subs:
            backend.set_callback(self._on_reading)

    async def connect(
        self, mock: bool = False, timeout: float = DEFAULT_TIMEOUT, force_reconnect: bool = False
    ) -> None:
        """Connect the backend (``mock=True``: replace it with a mock)."""
        if self._connect_now(mock, force_reconnect):
            return
        await self._backend.connect(timeout)
        self._mode = "real"

    def _on_reading(self, reading: Reading[T]) -> None:
        self._last = reading
        for cb, want_value in list(self._subs):
            cb(reading["value"] if want_value else {self._name: reading})

    def _subscribe(self, cb: Callable[[Any], None], want_value: bool) -> None:
        self._subs.append((cb, want_value))
        if len(self._subs) == 1:
            self._backend.set_callback(self._on_reading)  # calls back with the current value
        elif self._last is not None:
            cb(self._last["value"] if want_value else {self._name: self._last})

    def clear_sub(self, cb: Callable[[Any], None]) -> None:
        """Remove a callback given to ``subscribe`` or ``subscribe_value``."""
        self._subs = [(c, v) for c, v in self._subs if c != cb]
        if not self._subs:
            self._backend.set_callback(None)
            self._last = None

    def _named(self, exc: DeviceError) -> DeviceError:
        return type(exc)(f"{self._name or 'signal'} ({self.source}): {exc}")

    def _raise_named(self, exc: Exception, what: str) -> NoReturn:
        """Raise ``exc`` again, its message prefixed with the signal's name (and source, if
        the message lacks it) and followed by the action.

        Same class, original as ``__cause__``; a class that cannot be rebuilt from one
        message is re-raised itself with the name as a note.
        """
        text, name = str(exc), self._name or "signal"
        if text.startswith(name):
            raise exc
        label = name if self.source in text else f"{name} ({self.source})"
        msg = f"{label}: {text} (in {what})"
        try:
            new = type(exc)(msg)
        except Exception:
            exc.add_note(msg)
            raise exc from exc.__cause__
        if hasattr(exc, "__dict__"):
            new.__dict__.update(exc.__dict__)
        raise new from exc


def _run_now(coro: Coroutine[Any, Any, None]) -> None:
    """Run a coroutine that must not suspend to its end, without a task."""
    try:
        coro.send(None)
    except StopIteration:
        return
    coro.close()
    raise DeviceError("a local backend suspended in connect(); mark it local = False")


class SignalR(Signal[T]):
    """A readable signal: ``read``, ``describe``, ``get_value``, subscriptions, waits."""

    async def read(self) -> dict[str, Reading[T]]:
        """``{name: reading}`` with value, timestamp and alarm severity."""
        try:
            return {self._name: await self._backend.get_reading()}
        except Exception as exc:
            self._raise_named(exc, "read")

    async def describe(self) -> dict[str, DataKey]:
        """``{name: data key}`` with source, dtype, shape, units, limits, choices."""
        try:
            return {self._name: await self._backend.get_datakey(self.source)}
        except Exception as exc:
            self._raise_named(exc, "describe")

    async def read_configuration(self) -> dict[str, Reading[Any]]:
        return {}

    async def describe_configuration(self) -> dict[str, DataKey]:
        return {}

    async def get_value(self) -> T:
        """The current value."""
        try:
            return await self._backend.get_value()
        except Exception as exc:
            self._raise_named(exc, "get_value")

    async def get_reading(self) -> Reading[T]:
        """The current reading (value, timestamp, alarm severity)."""
        try:
            return await self._backend.get_reading()
        except Exception as exc:
            self._raise_named(exc, "get_reading")

    def subscribe(self, function: Callable[[dict[str, Reading[T]]], None]) -> None:
        """Call ``function({name: reading})`` now and on every change."""
        self._subscribe(function, False)

    def subscribe_value(self, function: Callable[[T], None]) -> None:
        """Call ``function(value)`` now and on every change."""
        self._subscribe(function, True)

    async def observe_value(self, timeout: float | None = None) -> AsyncGenerator[T, None]:
        """Yield the current value, then every new one (``timeout`` s at most between)."""
        queue: asyncio.Queue[T] = asyncio.Queue()
        self.subscribe_value(queue.put_nowait)
        try:
            while True:
                if timeout is None:
                    yield await queue.get()
                    continue
                try:
                    async with asyncio.timeout(timeout):
                        value = await queue.get()
                except TimeoutError as exc:
                    raise DeviceTimeoutError(
                        f"{self._name} ({self.source}): no new value within {timeout} s"
                    ) from exc
                yield value
        finally:
            self.clear_sub(queue.put_nowait)

    async def wait_for_value(
        self, match: T | Callable[[T], bool], timeout: float | None = DEFAULT_TIMEOUT
    ) -> T:
        """Wait until the value equals ``match`` (or ``match(value)`` is true); return it."""
        pred: Callable[[Any], bool] = match if callable(match) else (lambda v: _equal(v, match))
        last: list[Any] = []
        try:
            async with asyncio.timeout(timeout), contextlib.aclosing(self.observe_value()) as it:
                async for value in it:
                    last[:] = [value]
                    if pred(value):
                        return value
        except TimeoutError as exc:
            if isinstance(exc, DeviceError):
                raise
            what = getattr(match, "__name__", "predicate") if callable(match) else repr(match)
            seen = repr(last[0]) if last else "nothing"
            raise DeviceTimeoutError(
                f"{self._name} ({self.source}): waited {timeout} s for {what}, last value "
                f"{seen}; raise the timeout or check the device"
            ) from exc
        raise AssertionError("unreachable")  # pragma: no cover

    def __getattr__(self, attr: str) -> Any:
        if attr in ("set", "put") and not isinstance(self, SignalW):
            raise ReadOnlyError(
                f"{self.__dict__.get('_name') or 'signal'} is read-only ({type(self).__name__}); "
                "declare it SignalRW (or use the setter of soft_signal_r_and_setter)"
            )
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {attr!r}")


def _equal(a: Any, b: Any) -> bool:
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return bool(np.array_equal(a, b))
    return bool(a == b)


class SignalW(Signal[T]):
    """A writable signal: ``set(value, wait=True, timeout=...)`` returns an ``AsyncStatus``."""

    def set(self, value: T, wait: bool = True, timeout: float | None = _USE_DEFAULT) -> AsyncStatus:
        """Write ``value``; the status fails with the specific error on bad input."""
        t = self._timeout if timeout is _USE_DEFAULT else timeout
        return _start_put(self, value, wait, t)


def _start_put(sig: Signal[Any], value: Any, wait: bool, timeout: float | None) -> AsyncStatus:
    """A status for the put: already done if the backend could put without waiting."""
    put_nowait = getattr(sig._backend, "put_nowait", None)
    if put_nowait is not None:
        try:
            if put_nowait(value):
                return AsyncStatus.finished(sig._name)
        except DeviceError as exc:
            return AsyncStatus.finished(sig._name, sig._named(exc))
    return AsyncStatus(_put(sig, value, wait, timeout), name=sig._name)


async def _put(sig: Signal[Any], value: Any, wait: bool, timeout: float | None) -> None:
    try:
        if timeout is None:
            await sig._backend.put(value, wait)
        else:
            async with asyncio.timeout(timeout):
                await sig._backend.put(value, wait)
    except TimeoutError as exc:
        if isinstance(exc, DeviceError):
            raise
        raise DeviceTimeoutError(
            f"{sig.name} ({sig.source}): put of {value!r} did not complete within "
            f"{timeout} s; raise the timeout or check the device"
        ) from exc
    except DeviceError as exc:
        raise sig._named(exc) from exc


class SignalRW(SignalR[T], SignalW[T]):
    """A readable and writable signal; also ``locate()``."""

    async def locate(self) -> dict[str, T]:
        """``{"setpoint": last written, "readback": current}``."""
        try:
            return {
                "setpoint": await self._backend.get_setpoint(),
                "readback": await self._backend.get_value(),
            }
        except Exception as exc:
            self._raise_named(exc, "locate")


class SignalX(Signal[None]):
    """A trigger-only signal (a PROC field, a button): ``trigger()`` returns a status."""

    def trigger(self, wait: bool = True, timeout: float | None = _USE_DEFAULT) -> AsyncStatus:
        """Write nothing, trigger; waits for completion if ``wait``."""
        t = self._timeout if timeout is _USE_DEFAULT else timeout
        return _start_put(self, None, wait, t)

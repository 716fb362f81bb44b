"""A result that a callback computes at the end of a run and a plan can await."""

from __future__ import annotations

import asyncio
import threading
from typing import Generic, TypeVar

T = TypeVar("T")


class _ResultSlot(Generic[T]):
    """Holds the latest run's result; ``await wait()`` returns it once it is set.

    Thread-safe: a callback running off the hot path (in a worker thread) may set
    the result, and waiters on the event loop wake up through
    ``call_soon_threadsafe``. ``reset()`` (a new run started) makes later waiters
    wait for the new run's result.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._value: T | None = None
        self._ready = False
        self._waiters: list[asyncio.Future[T]] = []

    @property
    def ready(self) -> bool:
        return self._ready

    @property
    def value(self) -> T | None:
        return self._value

    def reset(self) -> None:
        with self._lock:
            self._ready = False
            self._value = None

    def set(self, value: T) -> None:
        with self._lock:
            self._value = value
            self._ready = True
            waiters, self._waiters = self._waiters, []
        for fut in waiters:
            loop = fut.get_loop()
            if loop.is_closed():
                continue
            loop.call_soon_threadsafe(_resolve, fut, value)

    async def wait(self, timeout: float | None = None) -> T:
        loop = asyncio.get_running_loop()
        with self._lock:
            if self._ready:
                return self._value  # type: ignore[return-value]
            fut: asyncio.Future[T] = loop.create_future()
            self._waiters.append(fut)
        try:
            async with asyncio.timeout(timeout):
                return await fut
        finally:
            with self._lock:
                if fut in self._waiters:
                    self._waiters.remove(fut)


def _resolve(fut: asyncio.Future[T], value: T) -> None:
    if not fut.done():
        fut.set_result(value)

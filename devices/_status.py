"""Status objects returned by device actions: awaitable, with callbacks and progress."""

from __future__ import annotations

import asyncio
import functools
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine, Generator
from dataclasses import dataclass
from typing import Any, Concatenate, Generic, ParamSpec, TypeVar

from devices._exceptions import DeviceError, DeviceTimeoutError, StatusFailedError

__all__ = ["AsyncStatus", "WatchableAsyncStatus", "WatcherUpdate"]

P = ParamSpec("P")
T = TypeVar("T")
S = TypeVar("S", bound="AsyncStatus")


class AsyncStatus:
    """The status of one action: ``await status`` waits for it and re-raises its error.

    Also the bluesky Status protocol: ``done``, ``success``, ``exception()`` and
    ``add_callback(cb)`` (``cb(status)`` runs once, when it finishes). A failure that
    is not a ``DeviceError`` is wrapped in ``StatusFailedError`` naming ``name``.
    """

    def __init__(self, awaitable: Awaitable[None], name: str = "", timeout: float | None = None):
        self.name = name
        self.timeout = timeout
        self._callbacks: list[Callable[[AsyncStatus], None]] = []
        self.task: asyncio.Future[None] = asyncio.ensure_future(self._run(awaitable))
        self.task.add_done_callback(self._finished)

    @classmethod
    def finished(cls, name: str = "", error: BaseException | None = None) -> AsyncStatus:
        """A status that is already done (failed with ``error`` if given): no task."""
        status = cls.__new__(cls)
        status.name = name
        status.timeout = None
        status._callbacks = []
        fut: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        if error is None:
            fut.set_result(None)
        else:
            fut.set_exception(error)
            fut.exception()  # retrieved: awaiting the status still raises it
        status.task = fut
        return status

    async def _run(self, awaitable: Awaitable[None]) -> None:
        try:
            if self.timeout is None:
                await awaitable
                return
            async with asyncio.timeout(self.timeout):
                await awaitable
        except TimeoutError as exc:
            if isinstance(exc, DeviceError):
                raise
            raise DeviceTimeoutError(
                f"{self.name or 'action'} did not finish within {self.timeout} s; "
                "raise the timeout or check why the device is not reaching its target"
            ) from exc
        except DeviceError:
            raise
        except Exception as exc:
            raise StatusFailedError(f"{self.name or 'action'} failed: {exc!r}") from exc

    def _finished(self, task: asyncio.Future[None]) -> None:
        if not task.cancelled():
            task.exception()  # mark retrieved: a failed status is not a loop warning
        for cb in self._callbacks:
            cb(self)
        self._callbacks.clear()

    def __await__(self) -> Generator[Any, None, None]:
        return self.task.__await__()

    @property
    def done(self) -> bool:
        """True once the action finished (successfully or not)."""
        return self.task.done()

    @property
    def success(self) -> bool:
        """True if the action finished without error."""
        return self.task.done() and not self.task.cancelled() and self.task.exception() is None

    def exception(self, timeout: float | None = 0.0) -> BaseException | None:
        """The error the action failed with, or None (also None while running)."""
        if not self.task.done():
            return None
        if self.task.cancelled():
            return asyncio.CancelledError(f"{self.name or 'action'} was cancelled")
        return self.task.exception()

    def add_callback(self, callback: Callable[[AsyncStatus], None]) -> None:
        """Call ``callback(self)`` when done (at once if already done)."""
        if self.done:
            callback(self)
        else:
            self._callbacks.append(callback)

    def cancel(self) -> bool:
        """Cancel the action; ``await`` then raises ``CancelledError``."""
        return self.task.cancel()

    async def wait(self, timeout: float | None = None) -> None:
        """Wait for the action, at most ``timeout`` s (``DeviceTimeoutError`` after)."""
        if timeout is None:
            await self
            return
        try:
            async with asyncio.timeout(timeout):
                await asyncio.shield(self.task)
        except TimeoutError as exc:
            if isinstance(exc, DeviceError):
                raise
            raise DeviceTimeoutError(
                f"{self.name or 'action'} still running after {timeout} s"
            ) from exc

    def __repr__(self) -> str:
        state = "running" if not self.done else ("done" if self.success else "failed")
        return f"<{type(self).__name__} {self.name!r} {state}>"

    @classmethod
    def wrap(
        cls, fn: Callable[Concatenate[Any, P], Coroutine[Any, Any, None]]
    ) -> Callable[Concatenate[Any, P], AsyncStatus]:
        """Decorate an ``async def`` device method so calling it returns a status.

        The status is named ``<device name>.<method>``; a ``timeout=`` keyword
        argument, if the method takes one, is left to the method.
        """

        def wrapped(self: Any, /, *args: P.args, **kwargs: P.kwargs) -> AsyncStatus:
            name = f"{getattr(self, 'name', '') or type(self).__name__}.{fn.__name__}"
            return cls(fn(self, *args, **kwargs), name=name)

        functools.update_wrapper(wrapped, fn)
        return wrapped


@dataclass(frozen=True, slots=True)
class WatcherUpdate(Generic[T]):
    """One progress update of a watchable action (bluesky ``Watcher`` arguments)."""

    current: T
    initial: T
    target: T
    name: str | None = None
    unit: str | None = None
    precision: int | None = None
    fraction: float | None = None
    time_elapsed: float | None = None
    time_remaining: float | None = None


Watcher = Callable[..., None]


class WatchableAsyncStatus(AsyncStatus):
    """A status whose action yields ``WatcherUpdate`` progress; ``watch(cb)`` follows it.

    ``cb`` is called with the update's fields as keyword arguments (the bluesky
    Watcher signature), once with the latest update on registration.
    """

    def __init__(
        self,
        updates: AsyncIterator[WatcherUpdate[Any]],
        name: str = "",
        timeout: float | None = None,
    ) -> None:
        self._watchers: list[Watcher] = []
        self.last_update: WatcherUpdate[Any] | None = None
        self._start = time.monotonic()
        super().__init__(self._consume(updates), name=name, timeout=timeout)

    async def _consume(self, updates: AsyncIterator[WatcherUpdate[Any]]) -> None:
        async for update in updates:
            if update.time_elapsed is None:
                update = _with_elapsed(update, time.monotonic() - self._start)
            self.last_update = update
            for w in list(self._watchers):
                _call_watcher(w, update)

    @classmethod
    def finished(
        cls,
        name: str = "",
        error: BaseException | None = None,
        update: WatcherUpdate[Any] | None = None,
    ) -> WatchableAsyncStatus:
        """A status already done, whose watchers get ``update`` (if given) at once."""
        status = super().finished(name, error)
        assert isinstance(status, WatchableAsyncStatus)
        status._watchers = []
        status.last_update = update
        status._start = 0.0
        return status

    def watch(self, watcher: Watcher) -> None:
        """Call ``watcher(current=..., initial=..., target=..., ...)`` on each update."""
        self._watchers.append(watcher)
        if self.last_update is not None:
            _call_watcher(watcher, self.last_update)

    @classmethod
    def wrap_watchable(
        cls, fn: Callable[Concatenate[Any, P], AsyncIterator[WatcherUpdate[Any]]]
    ) -> Callable[Concatenate[Any, P], WatchableAsyncStatus]:
        """Decorate an async generator method yielding updates to return this status."""

        def wrapped(self: Any, /, *args: P.args, **kwargs: P.kwargs) -> WatchableAsyncStatus:
            name = f"{getattr(self, 'name', '') or type(self).__name__}.{fn.__name__}"
            return cls(fn(self, *args, **kwargs), name=name)

        functools.update_wrapper(wrapped, fn)
        return wrapped


def _with_elapsed(update: WatcherUpdate[Any], elapsed: float) -> WatcherUpdate[Any]:
    return WatcherUpdate(
        current=update.current,
        initial=update.initial,
        target=update.target,
        name=update.name,
        unit=update.unit,
        precision=update.precision,
        fraction=update.fraction,
        time_elapsed=elapsed,
        time_remaining=update.time_remaining,
    )


def _call_watcher(watcher: Watcher, u: WatcherUpdate[Any]) -> None:
    watcher(
        current=u.current,
        initial=u.initial,
        target=u.target,
        name=u.name,
        unit=u.unit,
        precision=u.precision,
        fraction=u.fraction,
        time_elapsed=u.time_elapsed,
        time_remaining=u.time_remaining,
    )

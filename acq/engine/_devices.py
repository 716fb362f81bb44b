"""Duck-typed device verbs: async or sync methods, awaitable or bluesky-style statuses."""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Callable
from typing import Any

from acq._exceptions import PlanError

__all__: list[str] = []


async def _maybe_await(value: Any) -> Any:
    """Await ``value`` if it is awaitable (async device method), else return it."""
    if inspect.isawaitable(value):
        return await value
    return value


def _name(obj: Any) -> str:
    name = getattr(obj, "name", None)
    return name if isinstance(name, str) and name else repr(obj)


def _require(obj: Any, method: str, protocol: str, msg: Any) -> Callable[..., Any]:
    """Return ``obj.method`` or raise a PlanError naming the step and the object."""
    fn = getattr(obj, method, None)
    if fn is None or not callable(fn):
        raise PlanError(
            f"plan step {msg.command!r} needs a {protocol} object (one with .{method}()), "
            f"but got {_name(obj)} ({type(obj).__name__}). Pass a device that implements "
            f"{protocol}."
        )
    return fn  # type: ignore[no-any-return]


def _status_failed(status: Any) -> BaseException | None:
    """The error of a finished, failed status (None when it succeeded)."""
    if getattr(status, "success", True):
        return None
    exc_fn = getattr(status, "exception", None)
    exc = exc_fn() if callable(exc_fn) else None
    if isinstance(exc, BaseException):
        return exc
    return PlanError(f"status {status!r} finished without success and without an exception.")


async def _await_status(status: Any) -> None:
    """Wait for an awaitable or a callback-style (bluesky/ophyd) status; raise if it failed.

    Cancelling the waiter (a pause, a stop, a ``wait`` timeout) never cancels the
    device's action: the status is watched through its callback, or shielded.
    """
    if status is None:
        return
    if getattr(status, "done", False):
        exc = _status_failed(status)
        if exc is not None:
            raise exc
        return
    add_callback = getattr(status, "add_callback", None)
    if add_callback is None:
        if inspect.isawaitable(status):
            fut = asyncio.ensure_future(status)
            fut.add_done_callback(_retrieve)
            await asyncio.shield(fut)
            return
        raise PlanError(
            f"{status!r} is not a status: expected an awaitable or an object with "
            ".done and .add_callback(cb)."
        )
    loop = asyncio.get_running_loop()
    waiter: asyncio.Future[None] = loop.create_future()

    def _set() -> None:
        if not waiter.done():
            waiter.set_result(None)

    def _done(_st: Any = None) -> None:
        if _running_loop() is loop:
            _set()
        else:  # a thread-based (ophyd) status
            loop.call_soon_threadsafe(_set)

    add_callback(_done)
    await waiter
    exc = _status_failed(status)
    if exc is not None:
        raise exc


def _running_loop() -> asyncio.AbstractEventLoop | None:
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


def _retrieve(fut: asyncio.Future[Any]) -> None:
    """Mark a shielded action's error as seen (the waiter may be gone)."""
    if not fut.cancelled():
        fut.exception()


async def _stop_device(obj: Any) -> None:
    """Ask ``obj`` to stop (``stop(success=False)`` if it takes it); errors are the caller's."""
    stop = getattr(obj, "stop", None)
    if stop is None:
        return
    try:
        out = stop(success=False)
    except TypeError:
        out = stop()
    await _maybe_await(out)

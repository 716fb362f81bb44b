"""Calling the engine: ``await RE(plan)`` on a running loop, blocking ``RE(plan)`` in scripts.

In a script there is no running loop, so the engine owns one persistent loop and
runs every blocking call on it: devices connected in an earlier call keep their
connections. Ctrl-C there asks for a deferred pause, a second Ctrl-C for an
immediate one. Inside a running loop, ``RE(plan)`` returns an awaitable that
must be awaited; if it never is, a RuntimeWarning says so and the plan is
closed without running (see decision 0004).
"""

from __future__ import annotations

import asyncio
import signal
import sys
import threading
import warnings
from collections.abc import Coroutine, Generator, Mapping
from contextlib import contextmanager
from typing import Any

from acq._exceptions import RunInterrupted
from acq.engine._consumers import Callback
from acq.engine._core import _EngineCore
from acq.engine._result import RunResult
from acq.engine._state import RunEngineState

__all__: list[str] = []

_S = RunEngineState


class _PendingRun(Coroutine[Any, Any, RunResult]):
    """What ``RE(plan)`` returns inside a running loop: await it (or make it a task)."""

    __slots__ = ("_awaited", "_coro", "_plan", "_prepared")

    def __init__(self, coro: Coroutine[Any, Any, RunResult], plan: Any, prepared: Any) -> None:
        self._coro = coro
        self._plan = plan
        self._prepared = prepared  # the plan after preprocessors, as a coroutine
        self._awaited = False

    def __await__(self) -> Generator[Any, None, RunResult]:
        self._awaited = True
        return self._coro.__await__()

    def send(self, value: Any) -> Any:
        self._awaited = True
        return self._coro.send(value)

    def throw(self, typ: Any, val: Any = None, tb: Any = None) -> Any:
        self._awaited = True
        return self._coro.throw(typ, val, tb) if val is not None else self._coro.throw(typ)

    def close(self) -> None:
        self._awaited = True
        self._coro.close()

    def __del__(self) -> None:
        if self._awaited:
            return
        self._coro.close()
        for plan in (self._prepared, self._plan):
            close = getattr(plan, "close", None)
            if close is not None:
                close()
        warnings.warn(
            "RE(plan) was called inside a running event loop but never awaited, so the plan "
            "did not run. Write `await RE(plan)` (or `await RE.run(plan)`).",
            RuntimeWarning,
            stacklevel=2,
        )


class _BlockingMixin(_EngineCore):
    _state: RunEngineState

    def _init_blocking(self) -> None:
        self._loop: asyncio.AbstractEventLoop | None = None
        self._blocking_task: asyncio.Task[RunResult] | None = None
        self._draining: set[Any] = set()

    # -- provided by the engine
    def _prepare(self, plan: Any) -> Any:
        raise NotImplementedError

    async def _execute(self, coro: Any, plan: Any, subs: Any, md: Mapping[str, Any]) -> RunResult:
        raise NotImplementedError

    def request_pause(self, defer: bool = False) -> None:
        raise NotImplementedError

    _paused_waiters: list[asyncio.Future[None]]
    _wake_event: asyncio.Event | None

    def _wake_pending(self) -> bool:
        return self._wake_event is not None and self._wake_event.is_set()

    @property
    def loop(self) -> asyncio.AbstractEventLoop:
        """The engine's own loop for blocking calls (made on first use, kept)."""
        if self._loop is None or self._loop.is_closed():
            self._loop = asyncio.new_event_loop()
        return self._loop

    def __call__(
        self, plan: Any, subs: Mapping[str, Callback] | Callback | None = None, /, **md: Any
    ) -> Any:
        """Run ``plan``: awaitable on a running loop, blocking (returns RunResult) otherwise."""
        coro = self._prepare(plan)
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            pass
        else:
            return _PendingRun(self._execute(coro, plan, subs, md), plan, coro)
        self._blocking_task = self.loop.create_task(self._execute(coro, plan, subs, md))
        return self._drive()

    def _drive(self) -> RunResult:
        loop = self.loop
        task = self._blocking_task
        assert task is not None
        with self._sigint_handler(loop):
            loop.run_until_complete(self._until_done_or_paused(task))
        if task.done():
            self._blocking_task = None
            return task.result()
        raise RunInterrupted(
            "The plan is paused. Continue with RE.resume(), or end it with RE.stop() "
            "(exit_status 'success'), RE.abort(reason) or RE.halt()."
        )

    async def _until_done_or_paused(self, task: asyncio.Task[RunResult]) -> None:
        if self._state is _S.PAUSED and not self._wake_pending():
            return
        fut: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._paused_waiters.append(fut)
        try:
            waitables: list[asyncio.Future[Any]] = [task, fut]
            await asyncio.wait(waitables, return_when=asyncio.FIRST_COMPLETED)
        finally:
            self._paused_waiters.remove(fut)
            fut.cancel()

    def _maybe_drive(self) -> RunResult | None:
        if self._blocking_task is None:
            return None
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return self._drive()
        return None

    @contextmanager
    def _sigint_handler(self, loop: asyncio.AbstractEventLoop) -> Generator[None, None, None]:
        if threading.current_thread() is not threading.main_thread():
            yield
            return
        loop.add_signal_handler(signal.SIGINT, self._on_sigint)
        try:
            yield
        finally:
            loop.remove_signal_handler(signal.SIGINT)

    def _on_sigint(self) -> None:
        if self._state is _S.RUNNING:
            print(
                "Ctrl-C: the plan will pause at its next checkpoint. "
                "Press Ctrl-C again to pause now.",
                file=sys.stderr,
            )
            self.request_pause(defer=True)
        elif self._state in (_S.PAUSING, _S.SUSPENDING):
            print("Ctrl-C again: pausing now.", file=sys.stderr)
            self.request_pause(defer=False)

    def close(self) -> None:
        """Close the engine's own loop (blocking mode); a later blocking call makes a new one."""
        if self._loop is not None and not self._loop.is_running() and not self._loop.is_closed():
            self._loop.close()

    def __del__(self) -> None:
        loop = getattr(self, "_loop", None)
        if loop is not None and not loop.is_running() and not loop.is_closed():
            loop.close()

"""One plan's life in the engine: set up, await it, clean up, close runs, report.

``_execute`` owns the queued consumers' drainer tasks (a TaskGroup) for the
plan, turns how the plan ended into an exit status, stops and unstages what
the plan left behind, closes every run still open and builds the RunResult.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Mapping
from typing import Any, cast

from acq.engine._consumers import Callback
from acq.engine._core import _EngineCore
from acq.engine._devices import _await_status, _name, _stop_device
from acq.engine._errors import _END_EXCEPTIONS, _end_exception, _RequestEnd
from acq.engine._plans import _plan_identity
from acq.engine._preprocess import _plan_kind
from acq.engine._result import RunResult
from acq.engine._run import _Run
from acq.engine._state import RunEngineState, _transition
from acq.messages import MessageHandler, Msg, bind_handler, unbind_handler

__all__: list[str] = []

log = logging.getLogger("acq.engine")


class _LifecycleMixin(_EngineCore):
    # provided by the engine and the other mixins (annotations only: no stubs that
    # would shadow them in the MRO)
    _state: RunEngineState
    _cleanup_timeout: float
    _draining: set[Any]
    _requested: str | None
    _reason: str
    _was_interrupted: bool
    message_preprocessors: list[Callable[[Msg], Any]]
    msg_hook: Callable[[Msg], None] | None
    last_result: RunResult | None
    _prepare: Callable[[Any], Any]
    _reset_plan_state: Callable[[], None]
    _check_tripped: Callable[[], None]
    _close: Callable[[_Run, str, str], None]

    async def _execute(
        self,
        coro: Any,
        plan: Any,
        subs: Mapping[str, Callback] | Callback | None,
        md: Mapping[str, Any],
    ) -> RunResult:
        if self._state is not RunEngineState.IDLE:
            coro.close()
            self._prepare(plan)
        self._reset_plan_state()
        self._state = _transition(self._state, RunEngineState.RUNNING, "start a plan")
        self._plan_name, self._plan_args = _plan_identity(plan)
        self._plan_type = _plan_kind(plan)
        self._hooked = bool(self.message_preprocessors) or self.msg_hook is not None
        self._pending = None
        self._call_md = dict(md)
        self._check_tripped()
        tokens = self._subscribe_call(subs)
        bind = bind_handler(cast(MessageHandler, self))
        ret: Any = None
        error: BaseException | None = None
        for q in self._subs.queues:
            q.closing, q.failure, q.on_failure = False, None, self._consumer_failed
        try:
            async with asyncio.TaskGroup() as tg:
                drainers = [tg.create_task(q.drain_forever()) for q in self._subs.queues]
                self._draining = set(self._subs.queues)
                try:
                    ret = await coro
                except BaseException as exc:
                    error = exc
                exit_status, reason = self._outcome(error)
                await self._cleanup(exit_status, reason)
                await self._finish_drainers(drainers)
            late = self._subs.take_failure()  # a strict consumer failed on the last documents
            if late is not None and error is None:
                error = late
                exit_status, reason = self._outcome(error)
        finally:
            try:
                unbind_handler(bind)
            except ValueError:  # pragma: no cover - coroutine finalized in another context
                pass
            for token in [*tokens, *self._plan_tokens]:
                if token in self._subs.tokens:
                    self._subs.unsubscribe(token)
            self._draining = set()
            self._state = RunEngineState.IDLE
        return self._result(ret, error, exit_status, reason)

    def _subscribe_call(self, subs: Mapping[str, Callback] | Callback | None) -> list[int]:
        if subs is None:
            return []
        if callable(subs):
            return [self._subs.subscribe(subs)]
        out: list[int] = []
        for name, funcs in subs.items():
            for f in funcs if isinstance(funcs, list | tuple) else [funcs]:
                out.append(self._subs.subscribe(f, name))
        return out

    def _outcome(self, error: BaseException | None) -> tuple[str, str]:
        kind = self._requested
        if kind is None and isinstance(error, _RequestEnd):
            kind = error.kind
        if kind is not None:
            return ("success" if kind == "stop" else "abort"), self._reason or f"{kind} requested"
        if isinstance(error, asyncio.CancelledError):
            return "abort", "the task running the plan was cancelled"
        if isinstance(error, KeyboardInterrupt):
            return "abort", "KeyboardInterrupt"
        if error is not None:
            return "fail", f"{type(error).__name__}: {error}"
        return "success", ""

    def _result(
        self, ret: Any, error: BaseException | None, exit_status: str, reason: str
    ) -> RunResult:
        ended = self._requested is not None or isinstance(error, _RequestEnd)
        failed = error is not None and not ended
        result = RunResult(
            run_start_uids=tuple(self._run_uids),
            plan_result=None if ended else ret,
            exit_status=exit_status,  # type: ignore[arg-type]
            interrupted=ended or self._was_interrupted,
            reason=reason,
            exception=error if failed else None,
        )
        self.last_result = result
        if failed:
            assert error is not None
            raise error
        return result

    async def _cleanup(self, exit_status: str, reason: str) -> None:
        """Bounded cleanup after the plan: stop movers, unstage, close every open run."""
        if exit_status != "success" or self._requested is not None:
            await self._stop_movers()
        for obj in reversed(list(self._staged.values())):
            try:
                async with asyncio.timeout(self._cleanup_timeout):
                    out = obj.unstage()
                    if hasattr(out, "add_callback") or asyncio.iscoroutine(out):
                        await _await_status(out)
            except Exception:
                log.exception("unstage of %s failed during cleanup", _name(obj))
        self._staged.clear()
        for run in list(self._runs.values()):
            self._close(run, exit_status, reason)

    async def _finish_drainers(self, drainers: list[asyncio.Task[None]]) -> None:
        """Let queued consumers deliver what is left (bounded by ``cleanup_timeout``)."""
        for q in self._draining:
            q.closing = True
            q.wakeup.set()
        if not drainers:
            return
        _, late = await asyncio.wait(drainers, timeout=self._cleanup_timeout)
        for task in late:
            log.error("a document consumer did not finish within %s s", self._cleanup_timeout)
            task.cancel()

    def _consumer_failed(self) -> None:
        """A strict queued consumer failed: check for it before the next message."""
        self._hooked = self._slow = True

    async def _settle(self) -> None:
        """Strict mode, before a run closes: let queued consumers take every document
        so far, so that a failure among them fails the run."""
        for q in self._subs.queues:
            while q.items and q.failure is None:
                if q in self._draining:
                    q.space.clear()
                    q.wakeup.set()
                    await q.space.wait()
                else:
                    await q.drain_now()

    async def _relieve(self) -> None:
        """Back-pressure: wait until every queued consumer has room again."""
        for q in self._subs.queues:
            while q.full:
                q.backpressure_waits += 1
                if q in self._draining:
                    q.space.clear()
                    q.wakeup.set()
                    await q.space.wait()
                else:
                    await q.drain_now()

    async def _stop_movers(self) -> None:
        for obj in list(self._movers.values()):
            try:
                async with asyncio.timeout(self._cleanup_timeout):
                    await _stop_device(obj)
            except Exception:
                log.exception("stopping %s failed", _name(obj))

    def _raise_end(self) -> None:
        kind = self._pending
        assert kind in _END_EXCEPTIONS
        if kind != "halt":
            self._pending = None
        raise _end_exception(kind, self._reason or f"{kind} requested by the user")

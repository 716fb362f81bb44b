"""Pause, resume, stop, abort, halt and suspension: the interruption paths.

An immediate interruption cancels the step the plan is blocked in (only steps
that wait: ``wait``, ``sleep``, ``wait_for``...), drops a half-made event, stops
the devices the plan moved and pauses Pausable devices. On resume the engine
re-processes the messages recorded since the last checkpoint, then retries
the interrupted step, whose result the plan's pending ``await`` receives.

What a resume re-sends (:func:`_to_replay`): everything since the checkpoint
that puts devices back where the plan had them (``set``, ``trigger``, ``wait``,
``kickoff``, ``sleep``, a half-made event's ``create`` and ``read``...), but not
what already went out as documents or still holds: an event that was saved (or
dropped) is not made again, so seq_nums stay contiguous and no point is
duplicated; ``open_run``/``close_run``, ``declare_stream``, ``stage``/``unstage``,
``monitor``/``unmonitor``, ``subscribe``/``unsubscribe``, suspender changes,
``input`` and ``pause`` itself are not repeated either.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Hashable, Sequence
from typing import Any

from acq._exceptions import IllegalStateError
from acq.engine._core import _EngineCore
from acq.engine._devices import _maybe_await, _name
from acq.engine._result import RunResult
from acq.engine._run import _Descriptor, _uid
from acq.engine._state import RunEngineState, _transition
from acq.messages import Msg

__all__: list[str] = []

log = logging.getLogger("acq.engine")
_S = RunEngineState
_END_STATES = {"stop": _S.STOPPING, "abort": _S.ABORTING, "halt": _S.HALTING}
# done once and still in effect (or already emitted): a resume does not repeat them
_NOT_REPLAYED = frozenset(
    [
        "open_run",
        "close_run",
        "declare_stream",
        "stage",
        "unstage",
        "monitor",
        "unmonitor",
        "subscribe",
        "unsubscribe",
        "install_suspender",
        "remove_suspender",
        "input",
        "pause",
    ]
)

_INTERRUPTIONS = "interruptions"
_INTERRUPTION_KEYS = {"interruption": {"dtype": "string", "shape": [], "source": "RunEngine"}}


def _to_replay(msgs: Sequence[Msg]) -> list[Msg]:
    """The recorded messages a resume re-sends: all but finished events and ``_NOT_REPLAYED``.

    An event whose ``create`` ... ``save`` (or ``drop``) is in the record already
    went out (or was discarded on purpose); re-sending it would emit that point
    twice. A ``create`` with no ``save`` yet is a half-made event: it is re-made.
    """
    keep = [m.command not in _NOT_REPLAYED for m in msgs]
    bundles: dict[Hashable, list[int]] = {}
    for i, m in enumerate(msgs):
        cmd = m.command
        if cmd == "create":
            bundles[m.run] = [i]
        elif cmd == "read" and m.run in bundles:
            bundles[m.run].append(i)
        elif cmd in ("save", "drop") and m.run in bundles:
            for j in (*bundles.pop(m.run), i):
                keep[j] = False
    return [m for m, k in zip(msgs, keep, strict=True) if k]


class _InterruptMixin(_EngineCore):
    _state: RunEngineState
    _requested: str | None
    _reason: str
    _was_interrupted: bool
    record_interruptions: bool

    def _init_interrupts(self) -> None:
        self._interrupting: set[asyncio.Task[Any]] = set()
        self._wake_event: asyncio.Event | None = None
        self._paused_waiters: list[asyncio.Future[None]] = []
        self._suspenders: list[Any] = []
        self._tripped: dict[Any, None] = {}

    # -- stubs the engine provides
    async def _stop_movers(self) -> None:
        raise NotImplementedError

    def _raise_end(self) -> None:
        raise NotImplementedError

    async def process(self, msg: Any) -> Any:
        raise NotImplementedError

    # ------------------------------------------------------------------ requests
    def request_pause(self, defer: bool = False) -> None:
        """Pause now (``defer=False``) or at the next checkpoint (``defer=True``)."""
        if self._state in (_S.IDLE, _S.PAUSED) or self._state in _END_STATES.values():
            if self._state is _S.PAUSED:
                return
            raise IllegalStateError(
                f"RE.request_pause(): the RunEngine is {self._state.value!r}; "
                "only a running plan can be paused."
            )
        if defer:
            self._deferred_pause = True
        elif self._pending is None or self._pending == "suspend":
            self._pending = "pause"
            self._interrupt_blocked()
        if self._state is _S.RUNNING:
            self._state = _transition(self._state, _S.PAUSING, "pause")

    def _request_pause_from_plan(self, defer: bool) -> None:
        self.request_pause(defer)

    def resume(self) -> RunResult | None:
        """Continue a paused plan (rewinding to its last checkpoint).

        In a script (no running loop) this blocks until the plan ends and returns
        its :class:`RunResult`; on a running loop it returns None at once.
        """
        if self._state is not _S.PAUSED:
            raise IllegalStateError(
                f"RE.resume(): the RunEngine is {self._state.value!r}, not 'paused'."
            )
        self._wake()
        return self._maybe_drive()

    def stop(self) -> RunResult | None:
        """End the plan; its runs close with exit_status 'success'."""
        return self._end("stop", "")

    def abort(self, reason: str = "") -> RunResult | None:
        """End the plan; its runs close with exit_status 'abort' and ``reason``."""
        return self._end("abort", reason)

    def halt(self) -> RunResult | None:
        """End the plan at once, without letting it clean up (exit_status 'abort')."""
        return self._end("halt", "")

    def _end(self, kind: str, reason: str) -> RunResult | None:
        if self._state is _S.IDLE:
            raise IllegalStateError(f"RE.{kind}(): no plan is running.")
        self._state = _transition(self._state, _END_STATES[kind], kind)
        self._requested = kind
        self._reason = reason or f"{kind} requested by the user"
        self._pending = kind
        self._deferred_pause = False
        self._wake()
        self._interrupt_blocked()
        return self._maybe_drive()

    def _wake(self) -> None:
        if self._wake_event is not None:
            self._wake_event.set()

    def _interrupt_blocked(self) -> None:
        for task in list(self._blocked):
            if task not in self._interrupting:
                self._interrupting.add(task)
                task.cancel()

    # ------------------------------------------------------------------ servicing
    async def _service_pending(self) -> None:
        kind = self._pending
        if kind == "pause":
            self._pending = None
            await self._pause_now()
        elif kind == "suspend":
            self._pending = None
            await self._suspend_now()
        else:
            self._raise_end()

    async def _interrupt_cleanup(self) -> None:
        for run in self._runs.values():
            run.bundle = None
        self._groups.clear()
        await self._stop_movers()
        for obj in self._pausable.values():
            try:
                await _maybe_await(obj.pause())
            except Exception:
                log.exception("pausing %s failed", _name(obj))

    async def _pause_now(self) -> None:
        self._deferred_pause = False
        if self._state is _S.RUNNING:
            self._state = _transition(self._state, _S.PAUSING, "pause")
        await self._interrupt_cleanup()
        self._state = _transition(self._state, _S.PAUSED, "pause")
        self._interruption("pause")
        log.info("RunEngine paused in plan %r", self._plan_name)
        for fut in self._paused_waiters:
            if not fut.done():
                fut.set_result(None)
        self._wake_event = asyncio.Event()
        try:
            await self._wake_event.wait()
        finally:
            self._wake_event = None
        if self._pending in _END_STATES:
            self._raise_end()
        self._state = _transition(self._state, _S.RUNNING, "resume")
        self._interruption("resume")
        await self._continue()

    def _interruption(self, value: str) -> None:
        """Note a pause/suspend/resume; with ``record_interruptions``, emit it per open run."""
        self._was_interrupted = True
        if not self.record_interruptions:
            return
        for run in list(self._runs.values()):
            desc = run.by_name.get(_INTERRUPTIONS)
            if desc is None or desc.doc["data_keys"] != _INTERRUPTION_KEYS:
                doc = run.descriptor_doc(_INTERRUPTIONS, [], _INTERRUPTION_KEYS, {}, {}, {})
                desc = _Descriptor(doc, frozenset())
                run.by_name[_INTERRUPTIONS] = desc
                self._subs.emit("descriptor", doc)
            now = time.time()
            desc.seq += 1
            event = {
                "uid": _uid(),
                "time": now,
                "descriptor": desc.uid,
                "seq_num": desc.seq,
                "data": {"interruption": value},
                "timestamps": {"interruption": now},
                "filled": {},
            }
            self._subs.emit("event", event)

    async def _continue(self) -> None:
        for obj in self._pausable.values():
            try:
                await _maybe_await(obj.resume())
            except Exception:
                log.exception("resuming %s failed", _name(obj))
        await self._replay()

    async def _replay(self) -> None:
        if not self._rewindable:
            msgs: list[Any] = []
        elif self._record_overflow:
            log.warning(
                "cannot rewind plan %r: more than record_limit=%d messages since the last "
                "checkpoint (or a clear_checkpoint); continuing from where it stopped without "
                "replay. Add checkpoints to the plan or raise RunEngine(record_limit=...).",
                self._plan_name,
                self._record_limit,
            )
            msgs = []
        else:
            msgs = _to_replay(self._record)
        self._record.clear()
        self._record_overflow = False
        for m in msgs:
            await self.process(m)

    # ------------------------------------------------------------------ suspenders
    def install_suspender(self, suspender: Any) -> None:
        """Watch ``suspender``'s signal; when it trips, the running plan suspends."""
        self._install_suspender(suspender)

    def remove_suspender(self, suspender: Any) -> None:
        """Stop watching ``suspender``."""
        self._remove_suspender(suspender)

    def clear_suspenders(self) -> None:
        """Remove every installed suspender."""
        for s in list(self._suspenders):
            self._remove_suspender(s)

    @property
    def suspenders(self) -> tuple[Any, ...]:
        """The installed suspenders."""
        return tuple(self._suspenders)

    def _install_suspender(self, suspender: Any) -> None:
        if suspender not in self._suspenders:
            self._suspenders.append(suspender)
            suspender.install(self)

    def _remove_suspender(self, suspender: Any) -> None:
        if suspender in self._suspenders:
            self._suspenders.remove(suspender)
            suspender.remove()
            self._release_from(suspender)

    def _suspend_from(self, suspender: Any) -> None:
        self._tripped[suspender] = None
        if self._state in (_S.RUNNING, _S.PAUSING) and self._pending is None:
            self._pending = "suspend"
            self._interrupt_blocked()

    def _release_from(self, suspender: Any) -> None:
        self._tripped.pop(suspender, None)
        if not self._tripped:
            self._wake()

    def _check_tripped(self) -> None:
        if self._tripped:
            self._pending = "suspend"

    async def _suspend_now(self) -> None:
        if not self._tripped:
            return
        self._state = _transition(self._state, _S.SUSPENDING, "suspend")
        await self._interrupt_cleanup()
        self._interruption("suspend")
        tripped = list(self._tripped)
        saved = (list(self._record), self._record_overflow)
        log.warning(
            "suspending plan %r: %s", self._plan_name, "; ".join(s.justify() for s in tripped)
        )
        for s in tripped:
            await self._run_inner(s.pre_plan)
        while True:
            while self._tripped and self._pending not in _END_STATES:
                self._wake_event = asyncio.Event()
                try:
                    await self._wake_event.wait()
                finally:
                    self._wake_event = None
            if self._pending in _END_STATES:
                self._raise_end()
            await asyncio.sleep(max(s.sleep for s in tripped))
            if not self._tripped:
                break
        for s in tripped:
            await self._run_inner(s.post_plan)
        self._record.clear()
        self._record.extend(saved[0])
        self._record_overflow = saved[1]
        target = _S.PAUSING if self._deferred_pause else _S.RUNNING
        self._state = _transition(self._state, target, "resume after suspension")
        self._interruption("resume")
        await self._continue()

    async def _run_inner(self, plan: Any) -> None:
        if plan is None:
            return
        from acq.engine._plans import _as_coroutine

        if callable(plan):
            plan = plan()
        await _as_coroutine(plan, self)

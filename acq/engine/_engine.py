"""The RunEngine: awaits plan coroutines, routes each Msg through one dispatch table."""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Awaitable, Callable, Mapping
from pathlib import Path
from typing import Any

from acq._exceptions import AcqError, EngineError, IllegalStateError, PlanError
from acq.engine._blocking import _BlockingMixin
from acq.engine._cmd_action import _ActionCommands
from acq.engine._cmd_data import _DataCommands
from acq.engine._consumers import Callback, _Subscriptions
from acq.engine._core import Handler
from acq.engine._devices import _name
from acq.engine._errors import _Interrupted
from acq.engine._interrupts import _InterruptMixin
from acq.engine._lifecycle import _LifecycleMixin
from acq.engine._metadata import _open_metadata, _PersistentMetadata
from acq.engine._plans import _as_coroutine
from acq.engine._preprocess import PlanPreprocessor, _apply_preprocessors
from acq.engine._result import RunResult
from acq.engine._state import RunEngineState
from acq.messages import Msg

__all__ = ["RunEngine"]


# handlers that never wait: called without making a coroutine (the hot path)
_SYNC_COMMANDS = frozenset(
    [
        "set",
        "trigger",
        "kickoff",
        "prepare",
        "checkpoint",
        "clear_checkpoint",
        "rewindable",
        "null",
        "create",
        "drop",
    ]
)
_COMMANDS = [
    "open_run",
    "close_run",
    "declare_stream",
    "create",
    "read",
    "save",
    "drop",
    "set",
    "trigger",
    "wait",
    "sleep",
    "checkpoint",
    "clear_checkpoint",
    "rewindable",
    "pause",
    "kickoff",
    "complete",
    "collect",
    "prepare",
    "configure",
    "stage",
    "unstage",
    "monitor",
    "unmonitor",
    "subscribe",
    "unsubscribe",
    "wait_for",
    "locate",
    "stop",
    "input",
    "install_suspender",
    "remove_suspender",
    "null",
]

MessagePreprocessor = Callable[[Msg], Any]


class RunEngine(_LifecycleMixin, _InterruptMixin, _BlockingMixin, _DataCommands, _ActionCommands):
    """Runs plans: ``await RE(plan)`` on a running loop, ``RE(plan)`` in a script.

    Parameters: ``md`` (merged into ``RE.md``, which persists in
    ``$ACQ_DATA_DIR/runengine-md.json``; ``md_path=""`` keeps it in memory),
    ``strict`` (a failing callback fails the plan instead of being logged),
    ``record_limit`` (messages kept since the last checkpoint for rewinding on
    resume), ``cleanup_timeout`` (seconds each stop/unstage may take when a run
    ends early), ``input_func`` (async replacement for ``input`` in the
    ``input`` command), ``record_interruptions`` (off by default, as in
    bluesky: when on, every open run gets an ``interruptions`` stream with one
    event per pause/suspension and per resume, data key ``interruption`` with
    the value ``"pause"``, ``"suspend"`` or ``"resume"``).
    """

    def __init__(
        self,
        md: Mapping[str, Any] | None = None,
        *,
        md_path: str | Path | None = None,
        strict: bool = False,
        record_limit: int = 10_000,
        cleanup_timeout: float = 5.0,
        input_func: Callable[[str], Awaitable[str]] | None = None,
        record_interruptions: bool = False,
    ) -> None:
        self._md = _open_metadata(md, md_path)
        self.record_interruptions = record_interruptions
        """Record each pause, suspension and resume of an open run as an event in its
        ``interruptions`` stream (like bluesky's ``RE.record_interruptions``)."""
        self._subs = _Subscriptions(strict)
        self._state = RunEngineState.IDLE
        self._record: deque[Msg] = deque()
        self._record_limit = record_limit
        self._record_overflow = False
        self._cleanup_timeout = cleanup_timeout
        self._input_func = input_func
        self._table: dict[str, Handler] = {
            c: getattr(self, f"_cmd_{c}") for c in _COMMANDS if c not in _SYNC_COMMANDS
        }
        self._sync_table: dict[str, Callable[[Msg], Any]] = {
            c: getattr(self, f"_cmd_{c}") for c in _SYNC_COMMANDS
        }
        self.preprocessors: list[PlanPreprocessor] = []
        """Plan -> plan functions applied to each plan when it is called, like bluesky's:
        ``plans.wrappers`` wrappers (e.g. ``plans.wrappers.SupplementalData``) for any
        plan, bluesky's (``bluesky.preprocessors.SupplementalData``) for generator plans."""
        self.message_preprocessors: list[MessagePreprocessor] = []
        """Functions ``f(msg) -> msg | None`` (sync or async) applied to each message;
        ``None`` drops the message (the plan gets ``None``)."""
        self.msg_hook: Callable[[Msg], None] | None = None
        """Called with every message before it is processed (for logging/inspection)."""
        self._n_msgs = 0
        self.last_result: RunResult | None = None
        """The :class:`RunResult` of the last plan (also set when it failed)."""
        self._init_interrupts()
        self._init_blocking()
        self._reset_plan_state()

    def _reset_plan_state(self) -> None:
        self._runs = {}
        self._run_uids = []
        self._groups = {}
        self._movers = {}
        self._staged = {}
        self._pausable = {}
        self._record.clear()
        self._record_overflow = False
        self._rewindable = True
        self._pending = None
        self._deferred_pause = False
        self._blocked = {}
        self._call_md: dict[str, Any] = {}
        self._plan_tokens = []
        self._plan_name = ""
        self._plan_args = {}
        self._plan_type = "coroutine"
        self._requested: str | None = None
        self._reason = ""
        self._was_interrupted = False

    # ------------------------------------------------------------------ public API
    @property
    def state(self) -> RunEngineState:
        """The current lifecycle state."""
        return self._state

    @property
    def md(self) -> _PersistentMetadata:
        """Metadata merged into every start document (persisted, validated)."""
        return self._md

    @property
    def commands(self) -> list[str]:
        """The message commands this engine understands."""
        return sorted({*self._table, *self._sync_table})

    def register_command(self, name: str, func: Callable[[Msg], Awaitable[Any]]) -> None:
        """Teach the engine a new command: ``await func(msg)`` handles ``Msg(name, ...)``."""
        if not callable(func):
            raise TypeError(f"register_command({name!r}, ...) needs an async callable func(msg).")
        self._sync_table.pop(name, None)
        self._table[name] = func

    def unregister_command(self, name: str) -> None:
        """Forget a command added with :meth:`register_command`."""
        if name in _COMMANDS:
            raise EngineError(f"{name!r} is a built-in command and cannot be unregistered.")
        self._table.pop(name, None)
        self._sync_table.pop(name, None)

    def subscribe(self, func: Callback, name: str = "all", *, queue_size: int | None = None) -> int:
        """Send documents ``name`` (or all) to ``func(name, doc)``; returns a token.

        ``async def`` consumers, and any consumer given ``queue_size``, sit behind a
        bounded queue (back-pressure, see :meth:`statistics`).
        """
        return self._subs.subscribe(func, name, queue_size)

    def unsubscribe(self, token: int) -> None:
        """Remove the subscription ``token`` returned by :meth:`subscribe`."""
        self._subs.unsubscribe(token)

    def statistics(self) -> dict[str, Any]:
        """Counters: messages processed, documents emitted, callback errors, queues."""
        return {
            "state": self._state.value,
            "messages": self._n_msgs,
            "documents": dict(self._subs.emitted),
            "callback_errors": self._subs.errors + sum(q.errors for q in self._subs.queues),
            "record": {"length": len(self._record), "limit": self._record_limit},
            "queues": [q.statistics() for q in self._subs.queues],
        }

    async def run(
        self, plan: Any, subs: Mapping[str, Callback] | Callback | None = None, **md: Any
    ) -> RunResult:
        """Run ``plan`` on the running loop (same as ``await RE(plan)``)."""
        return await self._execute(self._prepare(plan), plan, subs, md)

    # ------------------------------------------------------------------ the pipeline
    async def process(self, msg: Msg) -> Any:
        """Handle one message (plans reach this through ``acq.messages.send``)."""
        while True:
            if self._slow:
                if self._pending is not None:
                    await self._service_pending()
                if self._hooked:
                    hooked = await self._apply_hooks(msg)
                    if hooked is None:
                        return None
                    msg = hooked
            self._n_msgs += 1
            record = self._record
            if len(record) < self._record_limit:
                record.append(msg)
            else:
                self._record_overflow = True
            try:
                sync = self._sync_table.get(msg.command)
                if sync is not None:
                    return sync(msg)
                handler = self._table.get(msg.command)
                if handler is None:
                    raise PlanError(
                        f"plan step {msg.command!r} is not a command this RunEngine knows. "
                        f"Known: {', '.join(self.commands)}. Add one with RE.register_command()."
                    )
                return await handler(msg)
            except _Interrupted:
                if record and record[-1] is msg:
                    record.pop()
                continue
            except (AcqError, asyncio.CancelledError):
                raise
            except Exception as exc:
                exc.add_note(
                    f"acq: raised by plan step {msg.command!r} on {_name(msg.obj)} "
                    f"in plan {self._plan_name!r}"
                )
                raise

    async def _apply_hooks(self, msg: Msg) -> Any:
        failure = self._subs.take_failure()
        if failure is not None:  # a strict queued consumer failed: the plan fails here
            raise failure
        if self.msg_hook is not None:
            self.msg_hook(msg)
        for pre in self.message_preprocessors:
            out = pre(msg)
            if asyncio.iscoroutine(out):
                out = await out
            if out is None:
                return None
            msg = out
        return msg

    async def _await_blocking(self, msg: Msg, aw: Awaitable[Any]) -> Any:
        task = asyncio.current_task()
        assert task is not None
        self._blocked[task] = msg
        try:
            return await aw
        except asyncio.CancelledError:
            if task in self._interrupting:
                self._interrupting.discard(task)
                task.uncancel()
                raise _Interrupted from None
            raise
        finally:
            self._blocked.pop(task, None)

    # ------------------------------------------------------------------ running a plan
    def _prepare(self, plan: Any) -> Any:
        if self._state is not RunEngineState.IDLE:
            raise IllegalStateError(
                f"RE was called while it is {self._state.value!r} with plan "
                f"{self._plan_name!r}; one plan at a time. Wait for it, or end it with "
                "RE.stop() / RE.abort() / RE.halt()."
            )
        if self.preprocessors:
            plan = _apply_preprocessors(plan, self.preprocessors)
        return _as_coroutine(plan, self)

    def __repr__(self) -> str:
        return f"<RunEngine state={self._state.value!r} md={self._md.path}>"

"""Attributes shared by the RunEngine and its command mixins (declared once for typing)."""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Awaitable, Callable, Hashable
from typing import Any

from acq._exceptions import PlanError
from acq.engine._consumers import _Subscriptions
from acq.engine._metadata import _PersistentMetadata
from acq.engine._result import RunResult
from acq.engine._run import _Run
from acq.messages import Msg

__all__: list[str] = []

Handler = Callable[[Msg], Awaitable[Any]]


class _EngineCore:
    """Typed state of one RunEngine; the mixins read and write it."""

    _subs: _Subscriptions
    _runs: dict[Hashable, _Run]
    _run_uids: list[str]
    _groups: dict[Hashable, list[Any]]
    _movers: dict[int, Any]
    _staged: dict[int, Any]
    _pausable: dict[int, Any]
    _record: deque[Msg]
    _record_limit: int
    _record_overflow: bool
    _rewindable: bool
    _pending_kind: str | None = None
    _hooked: bool = False
    _slow: bool = False

    @property
    def _pending(self) -> str | None:
        """An interruption waiting to be serviced before the next message."""
        return self._pending_kind

    @_pending.setter
    def _pending(self, kind: str | None) -> None:
        self._pending_kind = kind
        self._slow = kind is not None or self._hooked

    _deferred_pause: bool
    _requested: str | None
    _reason: str
    _blocked: dict[asyncio.Task[Any], Msg]
    _md: _PersistentMetadata
    _call_md: dict[str, Any]
    _plan_tokens: list[int]
    _plan_name: str
    _plan_args: dict[str, Any]
    _plan_type: str
    _input_func: Callable[[str], Awaitable[str]] | None
    _monitor_buffers: dict[int, list[Any]]

    def _maybe_drive(self) -> RunResult | None:
        raise NotImplementedError

    async def _await_blocking(self, msg: Msg, aw: Awaitable[Any]) -> Any:
        raise NotImplementedError

    def _install_suspender(self, suspender: Any) -> None:
        raise NotImplementedError

    def _remove_suspender(self, suspender: Any) -> None:
        raise NotImplementedError

    def _request_pause_from_plan(self, defer: bool) -> None:
        raise NotImplementedError

    async def _relieve(self) -> None:
        raise NotImplementedError

    async def _settle(self) -> None:
        raise NotImplementedError

    def _run_for(self, msg: Msg) -> _Run:
        run = self._runs.get(msg.run)
        if run is None:
            open_keys = ", ".join(repr(k) for k in self._runs) or "none"
            raise _plan_error(
                msg,
                f"needs an open run with key {msg.run!r}; open runs: {open_keys}. "
                "Send Msg('open_run') first (with the same run= key).",
            )
        return run


def _plan_error(msg: Any, text: str) -> Exception:
    obj = msg.obj
    what = f" on {getattr(obj, 'name', None) or obj!r}" if obj is not None else ""
    return PlanError(f"plan step {msg.command!r}{what} {text}")

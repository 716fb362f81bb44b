"""Commands that act on devices, time and the engine itself."""

from __future__ import annotations

import asyncio
from collections.abc import Hashable
from typing import Any

from acq.engine._core import _EngineCore, _plan_error
from acq.engine._devices import _await_status, _maybe_await, _require, _status_failed
from acq.messages import Msg

__all__: list[str] = []


class _ActionCommands(_EngineCore):
    def _track(self, msg: Msg, status: Any) -> Any:
        group = msg.kwargs.get("group")
        if group is not None:
            statuses = self._groups.get(group)
            if statuses is None:
                self._groups[group] = [status]
            else:
                statuses.append(status)
        return status

    def _cmd_set(self, msg: Msg) -> Any:
        obj = msg.obj
        fn = _require(obj, "set", "Movable", msg)
        kwargs = {k: v for k, v in msg.kwargs.items() if k != "group"} if msg.kwargs else {}
        self._movers[id(obj)] = obj
        return self._track(msg, fn(*msg.args, **kwargs))

    def _cmd_trigger(self, msg: Msg) -> Any:
        fn = getattr(msg.obj, "trigger", None)
        if fn is None:
            fn = _require(msg.obj, "trigger", "Triggerable", msg)
        status = fn()
        group = msg.kwargs.get("group")
        if group is not None:
            statuses = self._groups.get(group)
            if statuses is None:
                self._groups[group] = [status]
            else:
                statuses.append(status)
        return status

    def _cmd_kickoff(self, msg: Msg) -> Any:
        fn = _require(msg.obj, "kickoff", "Flyable", msg)
        return self._track(msg, fn())

    async def _cmd_complete(self, msg: Msg) -> Any:
        fn = _require(msg.obj, "complete", "Flyable", msg)
        status = self._track(msg, fn())
        if msg.kwargs.get("wait", False):
            await self._await_blocking(msg, _await_status(status))
        return status

    def _cmd_prepare(self, msg: Msg) -> Any:
        fn = _require(msg.obj, "prepare", "Preparable", msg)
        return self._track(msg, fn(*msg.args))

    async def _cmd_wait(self, msg: Msg) -> bool:
        """Wait for ``group``; True when all its statuses are done. On ``timeout``:
        raise, or return False keeping the group (``error_on_timeout=False``, bluesky's
        name; ``move_on=True`` is an alias)."""
        group: Hashable = msg.kwargs.get("group", msg.args[0] if msg.args else None)
        statuses = self._groups.get(group)
        if not statuses:
            self._groups.pop(group, None)
            return True
        for st in statuses:
            if not getattr(st, "done", False):
                break
        else:  # everything finished already: no await, no task switch
            del self._groups[group]
            for st in statuses:
                if not getattr(st, "success", True):
                    raise _status_failed(st)  # type: ignore[misc]
            return True
        timeout = msg.kwargs.get("timeout")
        try:
            await self._await_blocking(msg, self._wait_all(statuses, timeout))
        except TimeoutError:
            pending = [repr(s) for s in statuses if not getattr(s, "done", False)]
            if not msg.kwargs.get("error_on_timeout", True) or msg.kwargs.get("move_on", False):
                return False
            raise _plan_error(
                msg,
                f"(group {group!r}) timed out after {timeout} s; still running: "
                f"{', '.join(pending)}. Raise the timeout, or pass error_on_timeout=False "
                "to go on without them.",
            ) from None
        self._groups.pop(group, None)
        return True

    @staticmethod
    async def _wait_all(statuses: list[Any], timeout: float | None) -> None:
        async with asyncio.timeout(timeout):
            for st in statuses:
                await _await_status(st)

    async def _cmd_sleep(self, msg: Msg) -> None:
        delay = msg.args[0] if msg.args else msg.kwargs.get("time", 0)
        await self._await_blocking(msg, asyncio.sleep(delay))

    async def _cmd_wait_for(self, msg: Msg) -> Any:
        source = msg.args[0] if msg.args else msg.obj  # bluesky: Msg("wait_for", None, futs)
        items = list(source or [])
        timeout = msg.kwargs.get("timeout")
        awaitables = [it() if callable(it) else it for it in items]

        async def _all() -> list[Any]:
            async with asyncio.timeout(timeout):
                return list(await asyncio.gather(*awaitables))

        return await self._await_blocking(msg, _all())

    def _cmd_checkpoint(self, msg: Msg) -> None:
        for run in self._runs.values():
            if run.bundle is not None:
                raise _plan_error(
                    msg,
                    f"came while the event for stream {run.bundle.name!r} is being made; "
                    "put checkpoints between events (after 'save').",
                )
        self._record.clear()
        self._record_overflow = False
        if self._deferred_pause:  # pause before the next message: nothing to replay
            self._deferred_pause = False
            self._pending = "pause"

    def _cmd_clear_checkpoint(self, msg: Msg) -> None:
        self._record.clear()
        self._record_overflow = True  # nothing to rewind to

    def _cmd_rewindable(self, msg: Msg) -> bool:
        previous = self._rewindable
        if msg.args and msg.args[0] is not None:
            self._rewindable = bool(msg.args[0])
        return previous

    async def _cmd_pause(self, msg: Msg) -> None:
        self._request_pause_from_plan(bool(msg.kwargs.get("defer", False)))

    async def _cmd_stage(self, msg: Msg) -> Any:
        obj = msg.obj
        fn = getattr(obj, "stage", None)
        if fn is None:  # like bluesky: staging a device that has no stage() is a no-op
            return None
        out = fn()
        out = await (_await_status(out) if hasattr(out, "add_callback") else _maybe_await(out))
        self._staged[id(obj)] = obj
        if hasattr(obj, "pause") and hasattr(obj, "resume"):
            self._pausable[id(obj)] = obj
        return out

    async def _cmd_unstage(self, msg: Msg) -> Any:
        obj = msg.obj
        fn = getattr(obj, "unstage", None)
        if fn is None:
            return None
        self._staged.pop(id(obj), None)
        self._pausable.pop(id(obj), None)
        out = fn()
        return await (_await_status(out) if hasattr(out, "add_callback") else _maybe_await(out))

    async def _cmd_subscribe(self, msg: Msg) -> int:
        func = msg.args[0] if msg.args else msg.kwargs.get("func")
        name = msg.args[1] if len(msg.args) > 1 else msg.kwargs.get("name", "all")
        token = self._subs.subscribe(func, name)  # type: ignore[arg-type]
        self._plan_tokens.append(token)
        return token

    async def _cmd_unsubscribe(self, msg: Msg) -> None:
        token = msg.args[0] if msg.args else msg.kwargs.get("token")
        self._subs.unsubscribe(token)  # type: ignore[arg-type]
        if token in self._plan_tokens:
            self._plan_tokens.remove(token)

    async def _cmd_locate(self, msg: Msg) -> Any:
        objs = list(((msg.obj,) if msg.obj is not None else ()) + msg.args)
        locs = [await _maybe_await(_require(o, "locate", "Locatable", msg)()) for o in objs]
        if msg.kwargs.get("squeeze", True) and len(locs) == 1:
            return locs[0]
        return locs

    async def _cmd_stop(self, msg: Msg) -> Any:
        fn = _require(msg.obj, "stop", "Stoppable", msg)
        self._movers.pop(id(msg.obj), None)
        return await _maybe_await(fn())

    async def _cmd_input(self, msg: Msg) -> str:
        prompt = str(msg.args[0]) if msg.args else str(msg.obj or "")
        if self._input_func is not None:
            return await self._input_func(prompt)
        return str(await self._await_blocking(msg, asyncio.to_thread(input, prompt)))

    async def _cmd_install_suspender(self, msg: Msg) -> None:
        self._install_suspender(msg.obj if msg.obj is not None else msg.args[0])

    async def _cmd_remove_suspender(self, msg: Msg) -> None:
        self._remove_suspender(msg.obj if msg.obj is not None else msg.args[0])

    def _cmd_null(self, msg: Msg) -> None:
        return None

"""trigger_and_read's reads: no task for reads that finish at once, concurrent otherwise."""

from __future__ import annotations

import asyncio
import contextvars
from typing import Any

import pytest

import acq
import plans.stubs as ps
from acq.messages import Msg, bind_handler, unbind_handler
from plans._reads import _read_concurrently
from plans.wrappers import msg_mutator


class Dev:
    """A readable whose read() is sync, async-immediate or waits on ``gate``."""

    def __init__(
        self, name: str, mode: str = "now", gate: asyncio.Event | None = None, fail: bool = False
    ) -> None:
        self.name = name
        self.parent = None
        self.mode = mode
        self.gate = gate
        self.fail = fail
        self.started = False
        self.cancelled = False

    def __repr__(self) -> str:
        return f"Dev({self.name!r})"

    def _reading(self) -> dict[str, Any]:
        if self.fail:
            raise OSError(f"{self.name} unplugged")
        return {self.name: {"value": 1.0, "timestamp": 0.0}}

    def read(self) -> Any:
        self.started = True
        if self.mode == "sync":
            return self._reading()
        return self._aread()

    async def _aread(self) -> dict[str, Any]:
        if self.mode == "wait":
            assert self.gate is not None
            try:
                await self.gate.wait()
            except asyncio.CancelledError:
                self.cancelled = True
                raise
        elif self.mode == "yield":
            await asyncio.sleep(0)
        return self._reading()

    async def describe(self) -> dict[str, Any]:
        return {self.name: {"source": "test", "dtype": "number", "shape": []}}


class Handler:
    """Answers every message; reads call the device; records tasks seen by reads."""

    concurrent_reads = True

    def __init__(self) -> None:
        self.commands: list[str] = []
        self.reads: list[str] = []
        self.tasks: set[asyncio.Task[Any] | None] = set()

    async def process(self, msg: Msg) -> Any:
        self.commands.append(msg.command)
        if msg.command != "read":
            return None
        self.reads.append(msg.obj.name)
        self.tasks.add(asyncio.current_task())
        out = msg.obj.read()
        return await out if asyncio.iscoroutine(out) else out


async def run_with(handler: Any, coro: Any) -> Any:
    token = bind_handler(handler)
    try:
        async with asyncio.timeout(5):  # a read that was not concurrent would hang
            return await coro
    finally:
        unbind_handler(token)


async def test_reads_finishing_at_once_run_in_the_plan_task_in_order() -> None:
    h = Handler()
    devs = [Dev("a", "sync"), Dev("b"), Dev("c", "sync"), Dev("d")]
    out = await run_with(h, ps.trigger_and_read(devs))
    assert list(out) == ["a", "b", "c", "d"]
    assert h.reads == ["a", "b", "c", "d"]
    assert h.tasks == {asyncio.current_task()}  # no task was created
    assert h.commands == ["create", "read", "read", "read", "read", "save"]


async def test_mixed_devices_wait_concurrently_and_keep_device_order() -> None:
    gate = asyncio.Event()

    class Opener(Dev):
        async def _aread(self) -> dict[str, Any]:
            gate.set()  # the waiting reads before it only finish once this one ran
            return self._reading()

    h = Handler()
    devs = [
        Dev("a", "sync"),
        Dev("w1", "wait", gate),
        Dev("b"),
        Dev("y", "yield"),
        Dev("w2", "wait", gate),
        Opener("o"),
    ]
    out = await run_with(h, ps.trigger_and_read(devs))
    assert list(out) == ["a", "w1", "b", "y", "w2", "o"]
    assert h.reads == ["a", "w1", "b", "y", "w2", "o"]
    assert asyncio.current_task() in h.tasks  # a, w1 (carried on by the plan's task)
    assert len(h.tasks) == 5  # b, y, w2, o each in a task of the plan's task group


async def test_last_read_suspending_is_carried_on_by_the_plan_task() -> None:
    h = Handler()
    out = await run_with(h, ps.trigger_and_read([Dev("a"), Dev("y", "yield")]))
    assert list(out) == ["a", "y"]
    assert h.tasks == {asyncio.current_task()}


@pytest.mark.parametrize("mode", ["sync", "now", "yield"])
async def test_a_failing_read_raises_itself_and_drops_the_event(mode: str) -> None:
    h = Handler()
    gate = asyncio.Event()
    waiting = Dev("w", "wait", gate)
    devs = [Dev("a"), waiting, Dev("bad", mode, fail=True)]
    with pytest.raises(OSError, match="bad unplugged"):
        await run_with(h, ps.trigger_and_read(devs))
    assert waiting.cancelled  # the pending read was cancelled, not left running
    assert h.commands[-1] == "drop"


async def test_a_failing_first_waiting_read_cancels_the_reads_after_it() -> None:
    h = Handler()
    gate = asyncio.Event()
    gate2 = asyncio.Event()

    class FailsAfterWait(Dev):
        async def _aread(self) -> dict[str, Any]:
            await asyncio.sleep(0)
            raise OSError("first failed")

    later = Dev("later", "wait", gate2)
    with pytest.raises(OSError, match="first failed"):
        await run_with(h, ps.trigger_and_read([FailsAfterWait("f"), later, Dev("n", "wait", gate)]))
    assert later.cancelled


async def test_reads_failing_together_raise_a_group() -> None:
    gate = asyncio.Event()
    devs = [Dev("x", "wait", gate)] + [Dev(n, "wait", gate, fail=True) for n in "yz"]
    task = asyncio.create_task(run_with(Handler(), ps.trigger_and_read(devs)))
    while not devs[-1].started:
        await asyncio.sleep(0)
    gate.set()
    with pytest.raises(ExceptionGroup) as info:
        await task
    assert sorted(str(e) for e in info.value.exceptions) == ["y unplugged", "z unplugged"]


async def test_cancelling_the_plan_cancels_every_pending_read() -> None:
    h = Handler()
    gate = asyncio.Event()
    first, second = Dev("w1", "wait", gate), Dev("w2", "wait", gate)
    token = bind_handler(h)
    try:
        task = asyncio.create_task(ps.trigger_and_read([Dev("a"), first, second]))
        while not second.started:
            await asyncio.sleep(0)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
    finally:
        unbind_handler(token)
    assert first.cancelled
    assert second.cancelled
    assert h.commands[-1] == "read"  # neither save nor drop: the plan was cancelled


async def test_a_device_timeout_inside_a_waiting_read_is_a_timeout_error() -> None:
    """The carried-on read runs in the plan's task, so asyncio.timeout cancels the right one."""

    class Slow(Dev):
        async def _aread(self) -> dict[str, Any]:
            async with asyncio.timeout(0.01):
                await asyncio.Event().wait()
            return self._reading()  # pragma: no cover

    with pytest.raises(TimeoutError):
        await run_with(Handler(), ps.trigger_and_read([Slow("s"), Dev("w", "yield")]))
    task = asyncio.current_task()
    assert task is not None
    assert task.cancelling() == 0


async def test_a_cancellation_swallowed_by_a_read_is_seen_by_the_read() -> None:
    """If the plan is cancelled just as the awaited future finishes, the read still hears."""
    seen: list[str] = []

    async def coro() -> str:
        fut = asyncio.get_running_loop().create_future()
        asyncio.get_running_loop().call_soon(fut.set_result, "x")
        try:
            await fut
            await asyncio.sleep(10)
        except asyncio.CancelledError:
            seen.append("cancelled")
            raise
        return "never"  # pragma: no cover

    class Custom(Dev):
        def read(self) -> Any:
            return coro()

    task = asyncio.create_task(run_with(Handler(), _read_concurrently([Custom("c")])))
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert seen == ["cancelled"]


async def test_a_read_yielding_a_non_future_fails_like_in_a_task() -> None:
    class Bad:
        def __await__(self) -> Any:
            yield 42

    class Weird(Dev):
        async def _aread(self) -> dict[str, Any]:
            await Bad()
            return self._reading()  # pragma: no cover

    with pytest.raises(RuntimeError, match="not an asyncio future"):
        await run_with(Handler(), _read_concurrently([Weird("w"), Dev("a")]))


async def test_each_read_runs_in_its_own_context() -> None:
    var: contextvars.ContextVar[str] = contextvars.ContextVar("var", default="plan")
    seen: list[str] = []

    class Sets(Dev):
        async def _aread(self) -> dict[str, Any]:
            seen.append(var.get())
            var.set(self.name)
            await asyncio.sleep(0)
            seen.append(var.get())
            return self._reading()

    await run_with(Handler(), _read_concurrently([Sets("x"), Sets("y"), Sets("z")]))
    assert sorted(seen) == ["plan", "plan", "plan", "x", "y", "z"]
    assert var.get() == "plan"


async def test_wrapped_plan_sees_every_read_when_reads_wait() -> None:
    gate = asyncio.Event()
    seen: list[str] = []

    def note(msg: Msg) -> Msg:
        if msg.command == "read":
            seen.append(msg.obj.name)
        return msg

    class Opener(Dev):
        async def _aread(self) -> dict[str, Any]:
            await asyncio.sleep(0)
            gate.set()
            return self._reading()

    devs = [Dev("w", "wait", gate), Dev("y", "yield"), Opener("o")]
    await run_with(Handler(), msg_mutator(ps.trigger_and_read(devs), note))
    assert seen == ["w", "y", "o"]


async def test_on_the_run_engine_with_waiting_and_immediate_devices() -> None:
    RE = acq.RunEngine(md_path="")
    docs: list[tuple[str, dict[str, Any]]] = []
    RE.subscribe(lambda name, doc: docs.append((name, doc)))
    gate = asyncio.Event()

    class Opener(Dev):
        async def _aread(self) -> dict[str, Any]:
            await asyncio.sleep(0)
            gate.set()
            return self._reading()

    async def plan() -> None:
        await ps.open_run()
        await ps.trigger_and_read([Dev("w", "wait", gate), Dev("a", "sync"), Opener("o")])
        await ps.close_run()

    result = await RE(plan())
    assert result.exit_status == "success"
    (event,) = [d for n, d in docs if n == "event"]
    assert set(event["data"]) == {"w", "a", "o"}

"""Stubs send bluesky's messages; trigger_and_read reads concurrently."""

from __future__ import annotations

import asyncio
import collections
from types import ModuleType
from typing import Any

import bluesky.plan_stubs as bps
import pytest
from _plan_fakes import (
    FakeDetector,
    FakeFlyer,
    FakeMotor,
    normalized_stream,
    run_bluesky,
    run_ours,
)

import plans.stubs as ps
from acq import PlanError
from acq.messages import Msg, bind_handler, unbind_handler
from plans.sim import Simulator

det, det2 = FakeDetector("det"), FakeDetector("det2")
m1, m2 = FakeMotor("m1", 1.0), FakeMotor("m2", 2.0)
flyer = FakeFlyer("flyer")


def cb(name: str, doc: dict[str, Any]) -> None:
    pass


SUSP = object()


def _cache(d: dict[Any, Any]) -> Any:
    return collections.defaultdict(lambda: None, d)


CASES: dict[str, Any] = {
    "open_run": lambda P: P.open_run(md={"a": 1}),
    "close_run": lambda P: P.close_run("success", "done"),
    "declare_stream": lambda P: P.declare_stream(det, m1, name="primary"),
    "create": lambda P: P.create("other"),
    "save": lambda P: P.save(),
    "drop": lambda P: P.drop(),
    "read": lambda P: P.read(det),
    "locate": lambda P: P.locate(m1, m2, squeeze=False),
    "monitor": lambda P: P.monitor(det, name="mon"),
    "unmonitor": lambda P: P.unmonitor(det),
    "null": lambda P: P.null(),
    "abs_set": lambda P: P.abs_set(m1, 3, wait=True),
    "abs_set_group": lambda P: P.abs_set(m1, 3, group="A"),
    "rel_set": lambda P: P.rel_set(m1, 3, wait=True),
    "mv": lambda P: P.mv(m1, 1, m2, 2),
    "mvr": lambda P: P.mvr(m1, 1, m2, 2),
    "rd_locatable": lambda P: P.rd(m1),
    "rd_readable": lambda P: P.rd(det),
    "stop": lambda P: P.stop(m1),
    "trigger": lambda P: P.trigger(det, wait=True),
    "sleep": lambda P: P.sleep(1.5),
    "wait": lambda P: P.wait("A", timeout=2),
    "checkpoint": lambda P: P.checkpoint(),
    "clear_checkpoint": lambda P: P.clear_checkpoint(),
    "pause": lambda P: P.pause(),
    "deferred_pause": lambda P: P.deferred_pause(),
    "input_plan": lambda P: P.input_plan("?"),
    "prepare": lambda P: P.prepare(flyer, 1, wait=True, group="p"),
    "kickoff": lambda P: P.kickoff(flyer, wait=True, group="k"),
    "complete": lambda P: P.complete(flyer, wait=True, group="c"),
    "kickoff_all": lambda P: P.kickoff_all(flyer, FakeFlyer("f2")),
    "complete_all": lambda P: P.complete_all(flyer, wait=True),
    "collect": lambda P: P.collect(flyer, name="s"),
    "collect_while_completing": lambda P: P.collect_while_completing([flyer], [flyer], 0.1),
    "configure": lambda P: P.configure(det, {"a": 1}),
    "stage": lambda P: P.stage(det, wait=True),
    "unstage": lambda P: P.unstage(det, wait=True),
    "stage_all": lambda P: P.stage_all(det, m1),
    "unstage_all": lambda P: P.unstage_all(det, m1),
    "subscribe": lambda P: P.subscribe("all", cb),
    "unsubscribe": lambda P: P.unsubscribe(3),
    "install_suspender": lambda P: P.install_suspender(SUSP),
    "remove_suspender": lambda P: P.remove_suspender(SUSP),
    "wait_for": lambda P: P.wait_for([cb]),
    "trigger_and_read": lambda P: P.trigger_and_read([det, m1, det2]),
    "trigger_and_read_empty": lambda P: P.trigger_and_read([]),
    "one_shot": lambda P: P.one_shot([det]),
    "one_1d_step": lambda P: P.one_1d_step([det], m1, 2.0),
    "one_nd_step": lambda P: P.one_nd_step([det], {m1: 1.0, m2: 2.0}, _cache({m1: 1.0})),
    "move_per_step": lambda P: P.move_per_step({m1: 1.0, m2: 5.0}, _cache({})),
    "repeat_list_delay": lambda P: P.repeat(lambda: P.null(), num=3, delay=[0.5, 0.5]),
    "repeater": lambda P: P.repeater(2, P.null),
    "broadcast_msg": lambda P: P.broadcast_msg("stage", [det, m1]),
}


@pytest.mark.parametrize("name", list(CASES))
async def test_stub_sends_bluesky_messages(name: str) -> None:
    theirs = run_bluesky(CASES[name](bps))
    ours = await run_ours(CASES[name](ps))
    assert normalized_stream(ours.msgs) == normalized_stream(theirs.msgs)


async def test_stub_return_values() -> None:
    ours = await run_ours(ps.trigger_and_read([det, m1]))
    assert ours.ret == {
        "det": {"value": 0.0, "timestamp": 0.0},
        "m1": {"value": 1.0, "timestamp": 0.0},
    }
    assert (await run_ours(ps.rd(m1))).ret == 1.0
    assert (await run_ours(ps.rd(det))).ret == 0.0
    assert (await run_ours(ps.mv(m1, 1))).ret[0].done


async def test_run_context_manager_closes_on_success_and_failure() -> None:
    async def good() -> Any:
        async with ps.run(md={"x": 1}) as uid:
            await ps.trigger_and_read([det])
        return uid

    rec = await run_ours(good())
    assert rec.ret == "sim-run-1"
    assert rec.commands[0] == "open_run"
    assert rec.commands[-1] == "close_run"
    assert rec.msgs[-1].kwargs == {"exit_status": None, "reason": None}

    class Aborted(Exception):
        exit_status = "abort"

    for exc, expected in [(ValueError("boom"), ("fail", "boom")), (Aborted(), ("abort", None))]:

        async def bad(exc: Exception = exc) -> None:
            async with ps.run():
                raise exc

        sim = Simulator()
        token = bind_handler(sim)
        try:
            with pytest.raises(type(exc)):
                await bad()
        finally:
            unbind_handler(token)
        last = sim.result.messages[-1]
        assert (last.command, last.kwargs["exit_status"], last.kwargs.get("reason")) == (
            "close_run",
            *expected,
        )


async def test_repeat_scalar_delay_sleeps_between_shots_only() -> None:
    rec = await run_ours(ps.repeat(lambda: ps.null(), num=3, delay=10.0))
    assert rec.commands == ["checkpoint", "null", "sleep"] * 2 + ["checkpoint", "null"]


async def test_repeat_bad_delays() -> None:
    with pytest.raises(PlanError, match="delays"):
        await run_ours(ps.repeat(lambda: ps.null(), num=3, delay=[1.0]))

    def short() -> Any:
        yield 1.0

    with pytest.raises(PlanError, match="ran out"):
        await run_ours(ps.repeat(lambda: ps.null(), num=3, delay=short()))
    rec = await run_ours(ps.repeat(lambda: ps.null(), num=None, delay=short()))
    assert rec.commands.count("null") == 2


async def test_stage_old_style_cannot_be_told_not_to_wait() -> None:
    class OldStyle:
        async def process(self, msg: Msg) -> Any:
            return [msg.obj]

    token = bind_handler(OldStyle())
    try:
        assert await ps.stage(det) == [det]
        with pytest.raises(RuntimeError, match="old-style"):
            await ps.stage(det, wait=False)
    finally:
        unbind_handler(token)


async def test_mv_bad_arguments() -> None:
    with pytest.raises(PlanError, match="pairs"):
        await ps.mv(m1)
    with pytest.raises(PlanError, match="movable"):
        await ps.mv(det, 1)


async def test_rd_ambiguous_objects() -> None:
    class Multi:
        name = "multi"
        hints = {"fields": ["a", "b"]}

        async def read(self) -> dict[str, Any]:
            return {}

    class TwoValues:
        name = "two"

        async def read(self) -> dict[str, Any]:
            return {}

    with pytest.raises(PlanError, match="2 fields"):
        await run_ours(ps.rd(Multi()))

    class Answers:
        async def process(self, msg: Msg) -> Any:
            return {"a": {"value": 1}, "b": {"value": 2}}

    token = bind_handler(Answers())
    try:
        with pytest.raises(PlanError, match="2 values"):
            await ps.rd(TwoValues())
    finally:
        unbind_handler(token)


class _ConcurrentProbe:
    """A handler whose reads only finish once every read has started."""

    concurrent_reads = True

    def __init__(self, n: int, fail: str | None = None) -> None:
        self.n = n
        self.started: list[str] = []
        self.all_started = asyncio.Event()
        self.fail = fail
        self.commands: list[str] = []

    async def process(self, msg: Msg) -> Any:
        self.commands.append(msg.command)
        if msg.command != "read":
            return None
        self.started.append(msg.obj.name)
        if len(self.started) == self.n:
            self.all_started.set()
        await self.all_started.wait()
        if msg.obj.name == self.fail:
            raise OSError(f"{self.fail} unplugged")
        return {msg.obj.name: {"value": 1, "timestamp": 0}}


async def test_trigger_and_read_reads_concurrently_in_device_order() -> None:
    probe = _ConcurrentProbe(3)
    token = bind_handler(probe)
    try:
        async with asyncio.timeout(5):  # would deadlock if the reads were sequential
            out = await ps.trigger_and_read([det, m1, det2])
    finally:
        unbind_handler(token)
    assert probe.started == ["det", "m1", "det2"]
    assert list(out) == ["det", "m1", "det2"]


async def test_trigger_and_read_failing_read_drops_the_event() -> None:
    probe = _ConcurrentProbe(2, fail="det2")
    token = bind_handler(probe)
    try:
        with pytest.raises(OSError, match="det2 unplugged"):
            async with asyncio.timeout(5):
                await ps.trigger_and_read([det, det2])
    finally:
        unbind_handler(token)
    assert probe.commands[-1] == "drop"


def test_stub_outside_an_engine_says_how_to_run_it() -> None:
    with pytest.raises(PlanError, match="outside a RunEngine"):
        asyncio.run(ps.null())


def _unused(module: ModuleType) -> None:
    """Keep ModuleType imported for the annotations above."""

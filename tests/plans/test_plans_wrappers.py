"""Wrappers: same message streams as bluesky's preprocessors; handler-chain semantics."""

from __future__ import annotations

import asyncio
from typing import Any

import bluesky.plan_stubs as bps
import bluesky.plans as bp
import bluesky.preprocessors as bpp
import pytest
from _plan_fakes import (
    FakeDetector,
    FakeFlyer,
    FakeMotor,
    jsonable,
    normalized_stream,
    run_bluesky,
    run_ours,
)

import plans
import plans.stubs as ps
import plans.wrappers as pw
from acq import PlanError
from acq.messages import Msg, bind_handler, unbind_handler
from plans.sim import Simulator

det, det2 = FakeDetector("det"), FakeDetector("det2")
m1, m2 = FakeMotor("m1", 1.0), FakeMotor("m2", 2.0)
flyer = FakeFlyer("flyer")
SUSP = object()


def cb(name: str, doc: dict[str, Any]) -> None:
    pass


# (W, P, S) = wrappers module, plans module, stubs module (bluesky's or ours)
CASES: dict[str, Any] = {
    "run_wrapper": lambda W, P, S: W.run_wrapper(S.trigger_and_read([det]), md={"a": 1}),
    "stage_wrapper": lambda W, P, S: W.stage_wrapper(S.trigger_and_read([det, m1]), [det, m1]),
    "subs_wrapper": lambda W, P, S: W.subs_wrapper(P.count([det]), cb),
    "subs_wrapper_dict": lambda W, P, S: W.subs_wrapper(P.count([det]), {"event": [cb]}),
    "suspend_wrapper": lambda W, P, S: W.suspend_wrapper(P.count([det]), SUSP),
    "inject_md_wrapper": lambda W, P, S: W.inject_md_wrapper(P.count([det]), {"x": 1}),
    "baseline_wrapper": lambda W, P, S: W.baseline_wrapper(P.count([det], 2), [m1, m2]),
    "monitor_during_wrapper": lambda W, P, S: W.monitor_during_wrapper(P.count([det]), [det2]),
    "fly_during_wrapper": lambda W, P, S: W.fly_during_wrapper(P.count([det]), [flyer]),
    "supplemental_data": lambda W, P, S: W.SupplementalData(
        baseline=[m1], monitors=[det2], flyers=[flyer]
    )(P.count([det], 2)),
    "relative_set_wrapper": lambda W, P, S: W.relative_set_wrapper(S.mv(m1, 1, m2, 2), [m1]),
    "relative_set_wrapper_all": lambda W, P, S: W.relative_set_wrapper(S.mv(m1, 1, m2, 2)),
    "reset_positions_wrapper": lambda W, P, S: W.reset_positions_wrapper(S.mv(m1, 5, m2, 6)),
    "stub_wrapper": lambda W, P, S: W.stub_wrapper(P.count([det], md={"k": 2})),
    "set_run_key_wrapper": lambda W, P, S: W.set_run_key_wrapper(P.count([det]), "r1"),
    "rewindable_wrapper": lambda W, P, S: W.rewindable_wrapper(S.trigger_and_read([det]), False),
    "finalize_wrapper": lambda W, P, S: W.finalize_wrapper(P.count([det]), S.null()),
    "contingency_wrapper": lambda W, P, S: W.contingency_wrapper(
        P.count([det]), else_plan=S.null, final_plan=S.checkpoint
    ),
}


@pytest.mark.parametrize("name", list(CASES))
async def test_wrapper_stream_matches_bluesky(name: str) -> None:
    theirs = run_bluesky(CASES[name](bpp, bp, bps))
    ours = await run_ours(CASES[name](pw, plans, ps))
    assert normalized_stream(ours.msgs) == normalized_stream(theirs.msgs)
    assert ours.starts == jsonable(theirs.starts)  # ours JSON-shaped: lists, not tuples
    if name == "stub_wrapper":
        assert ours.ret == jsonable(theirs.ret)


async def test_decorators_wrap_every_call() -> None:
    @pw.run_decorator(md={"purpose": "test"})
    @pw.stage_decorator([det])
    async def inner(n: int) -> None:
        for _ in range(n):
            await ps.trigger_and_read([det])

    rec = await run_ours(inner(2))
    assert rec.ret == "sim-run-1"
    assert rec.starts == [{"purpose": "test"}]
    assert rec.commands.count("save") == 2
    assert rec.commands.index("open_run") < rec.commands.index("stage")


class Boom(Exception):
    pass


async def _failing() -> None:
    await ps.null()
    raise Boom("bad thing")


async def test_run_wrapper_closes_failed_run_with_reason() -> None:
    sim = Simulator()
    token = bind_handler(sim)
    try:
        with pytest.raises(Boom):
            await pw.run_wrapper(_failing())
    finally:
        unbind_handler(token)
    last = sim.result.messages[-1]
    assert last.command == "close_run"
    assert last.kwargs == {"exit_status": "fail", "reason": "bad thing"}


async def test_finalize_and_contingency_paths() -> None:
    calls: list[str] = []

    async def note(what: str) -> None:
        calls.append(what)
        await ps.null()

    async def on_error(exc: Exception) -> str:
        calls.append(f"except {exc}")
        return "recovered"

    sim = Simulator()
    token = bind_handler(sim)
    try:
        with pytest.raises(Boom):
            await pw.finalize_wrapper(_failing(), lambda: note("final"), pause_for_debug=True)
        assert await pw.finalize_wrapper(ps.null(), note("final-coroutine")) is None
        out = await pw.contingency_wrapper(
            _failing(), except_plan=on_error, final_plan=lambda: note("finally"), auto_raise=False
        )
        with pytest.raises(Boom):
            await pw.contingency_wrapper(_failing(), pause_for_debug=True)
        with pytest.raises(Boom):
            await pw.contingency_wrapper(_failing(), except_plan=on_error)
    finally:
        unbind_handler(token)
    assert out == "recovered"
    assert calls == [
        "final",
        "final-coroutine",
        "except bad thing",
        "finally",
        "except bad thing",
    ]
    assert "pause" in [m.command for m in sim.result.messages]


async def test_cancellation_skips_cleanup_plans() -> None:
    class Hangs:
        concurrent_reads = True

        def __init__(self) -> None:
            self.seen: list[str] = []

        async def process(self, msg: Msg) -> Any:
            self.seen.append(msg.command)
            if msg.command == "sleep":
                await asyncio.Event().wait()
            return None

    handler = Hangs()

    async def cleanup() -> None:
        await ps.null()

    async def runner() -> None:
        token = bind_handler(handler)
        try:
            await pw.finalize_wrapper(ps.sleep(10), cleanup())
        finally:
            unbind_handler(token)

    async def runner2() -> None:
        token = bind_handler(handler)
        try:
            await pw.contingency_wrapper(ps.sleep(10), final_plan=cleanup)
        finally:
            unbind_handler(token)

    for fn in (runner, runner2):
        task = asyncio.create_task(fn())
        await asyncio.sleep(0.01)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
    assert handler.seen == ["sleep", "sleep"]


async def test_msg_mutator_can_change_and_drop_messages() -> None:
    def fn(msg: Msg) -> Msg | None:
        if msg.command == "checkpoint":
            return None
        if msg.command == "set":
            return Msg("set", msg.obj, msg.args[0] * 10, **msg.kwargs)
        return msg

    async def plan() -> Any:
        assert await ps.checkpoint() is None
        return await ps.mv(m1, 1)

    rec = await run_ours(pw.msg_mutator(plan(), fn))
    assert rec.commands == ["set", "wait"]
    assert rec.sets == [("m1", 10)]


async def test_plan_mutator_inserts_sub_plans_and_answers_messages() -> None:
    async def intercept(msg: Msg, forward: Any) -> Any:
        if msg.command == "read" and msg.obj is det:
            await ps.mv(m2, 7)  # a sub-plan before the read; goes to the outer handler
            reading = await forward(msg)
            return {"det": {"value": 42, "timestamp": 0}} | {"extra": reading["det"]}
        if msg.command == "null":
            return "answered without forwarding"
        return await forward(msg)

    async def plan() -> Any:
        out = await ps.rd(det)
        return out, await ps.null()

    rec = await run_ours(pw.plan_mutator(plan(), intercept))
    assert rec.ret == (42, "answered without forwarding")
    assert rec.commands == ["set", "wait", "read"]


async def test_nested_wrappers_chain_in_order() -> None:
    seen: list[str] = []

    def tag(label: str) -> Any:
        def fn(msg: Msg) -> Msg:
            seen.append(f"{label}:{msg.command}")
            return msg

        return fn

    await run_ours(pw.msg_mutator(pw.msg_mutator(ps.null(), tag("inner")), tag("outer")))
    assert seen == ["inner:null", "outer:null"]


async def test_configure_count_time_wrapper_sets_and_restores() -> None:
    class Counter:
        def __init__(self) -> None:
            self.name = "ct"
            self.parent = None
            self.position = 1.0

        def set(self, value: float) -> Any:
            raise AssertionError("the simulator never touches devices")

    class Det(FakeDetector):
        def __init__(self) -> None:
            super().__init__("cdet")
            self.count_time = Counter()

    d = Det()
    rec = await run_ours(pw.configure_count_time_wrapper(ps.trigger_and_read([d]), 0.25))
    assert rec.sets == [("ct", 0.25), ("ct", 1.0)]
    rec = await run_ours(pw.configure_count_time_wrapper(ps.trigger_and_read([d]), None))
    assert rec.sets == []


async def test_wrapper_outside_engine_raises_plan_error() -> None:
    coro = ps.null()
    with pytest.raises(PlanError, match="outside a RunEngine"):
        await pw.msg_mutator(coro, lambda m: m)
    coro.close()


async def test_set_run_key_requires_a_key() -> None:
    coro = ps.null()
    with pytest.raises(ValueError, match="must not be None"):
        await pw.set_run_key_wrapper(coro, None)
    coro.close()


async def test_baseline_with_run_key_and_no_devices() -> None:
    async def keyed() -> None:
        await ps.open_run()
        await ps.close_run()

    rec = await run_ours(pw.baseline_wrapper(pw.set_run_key_wrapper(keyed(), "k"), [m1]))
    assert {m.run for m in rec.msgs} == {"k"}
    rec = await run_ours(pw.baseline_wrapper(plans.count([det]), []))
    assert "baseline" not in str([m.kwargs for m in rec.msgs])
    assert repr(pw.SupplementalData(baseline=[m1])).startswith("SupplementalData(baseline=[")


async def test_lazily_stage_wrapper_stages_on_first_use() -> None:
    rec = await run_ours(pw.lazily_stage_wrapper(ps.trigger_and_read([det, m1])))
    stream = [(m.command, getattr(m.obj, "name", None)) for m in rec.msgs]
    assert stream[:2] == [("stage", "det"), ("trigger", "det")]
    assert stream.index(("stage", "m1")) < stream.index(("read", "m1"))
    assert stream[-3:] == [("unstage", "m1"), ("unstage", "det"), ("wait", None)]


async def test_relative_wrappers_find_start_positions_like_bluesky() -> None:
    class PositionOnly:
        """No locate(): bluesky (and we) use the ``position`` attribute."""

        def __init__(self) -> None:
            self.name, self.parent, self.position = "p", None, 10.0

        def set(self, value: float) -> Any:
            raise AssertionError("never moved in a dry run")

    class ReadOnly:
        """Neither locate() nor position: read it (hinted field, else the first key)."""

        def __init__(self, name: str, hints: Any) -> None:
            self.name, self.parent = name, None
            if hints is not None:
                self.hints = hints

        async def read(self) -> Any:
            return {}

        def set(self, value: float) -> Any:
            raise AssertionError("never moved in a dry run")

    p = PositionOnly()
    rec = await run_ours(pw.relative_set_wrapper(ps.mv(p, 1)))
    assert rec.sets == [("p", 11.0)]

    class Reads(Simulator):
        async def process(self, msg: Msg) -> Any:
            if msg.command == "read":
                await super().process(msg)
                return {"other": {"value": 5.0}, "r": {"value": 3.0}}
            return await super().process(msg)

    for hints, start in (({"fields": ["r"]}, 3.0), (None, 5.0)):
        sim = Reads()
        token = bind_handler(sim)
        try:
            await pw.relative_set_wrapper(ps.mv(ReadOnly("r", hints), 1))
        finally:
            unbind_handler(token)
        assert sim.result.sets == {"r": [start + 1]}

    class NoAnswer(Simulator):
        async def process(self, msg: Msg) -> Any:
            out = await super().process(msg)
            return None if msg.command in ("read", "locate") else out

    for obj in (ReadOnly("r", None), m1):
        sim = NoAnswer()
        token = bind_handler(sim)
        try:
            await pw.relative_set_wrapper(ps.mv(obj, 1))
        finally:
            unbind_handler(token)
        assert sim.result.sets == {obj.name: [1]}

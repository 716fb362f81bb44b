"""Pause/resume/rewind, stop/abort/halt, Ctrl-C, suspenders."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
from typing import Any

import pytest
from engine_fakes import Det, Motor, SoftSignal

import acq
from acq.engine import (
    RunEngineState,
    SuspendBoolHigh,
    SuspendBoolLow,
    SuspendCeiling,
    SuspendFloor,
    SuspendInBand,
    SuspendOutBand,
)
from acq.messages import Msg, send


async def until(cond: Any) -> None:
    for _ in range(2000):
        if cond():
            return
        await asyncio.sleep(0.001)
    raise AssertionError("condition never became true")


def blocked_on(RE: Any, command: str) -> bool:
    return any(m.command == command for m in RE._blocked.values())


def step_plan(det: Any, motor: Any, points: list[float], gate: asyncio.Event | None = None) -> Any:
    async def plan() -> str:
        await send(Msg("open_run"))
        for i, x in enumerate(points):
            await send(Msg("checkpoint"))
            await send(Msg("set", motor, x, group="m"))
            await send(Msg("wait", group="m"))
            if gate is not None and i == 1:
                await send(Msg("wait_for", [gate.wait]))
            await send(Msg("create", name="primary"))
            await send(Msg("read", det))
            await send(Msg("read", motor))
            await send(Msg("save"))
        await send(Msg("close_run"))
        return "finished"

    return plan()


async def test_immediate_pause_rewinds_and_resumes(RE: Any, docs: Any) -> None:
    det, motor = Det(), Motor()
    gate = asyncio.Event()
    task = asyncio.create_task(RE(step_plan(det, motor, [1, 2, 3], gate)))
    await until(lambda: motor.history == [1, 2])
    await asyncio.sleep(0.01)
    RE.request_pause()
    await until(lambda: RE.state is RunEngineState.PAUSED)
    assert motor.stops == 1
    gate.set()
    RE.resume()
    result = await task
    assert result.plan_result == "finished"
    # the step after the checkpoint was replayed: motor moved to 2 again
    assert motor.history == [1, 2, 2, 3]
    assert [e["data"]["motor"] for e in docs.of("event")] == [1, 2, 3]
    assert RE.state is RunEngineState.IDLE


async def test_deferred_pause_waits_for_checkpoint(RE: Any, docs: Any) -> None:
    det, motor = Det(), Motor(delay=0.01)
    task = asyncio.create_task(RE(step_plan(det, motor, [1, 2, 3])))
    await until(lambda: motor.history == [1])
    RE.request_pause(defer=True)
    assert RE.state is RunEngineState.PAUSING
    await until(lambda: RE.state is RunEngineState.PAUSED)
    n_events = len(docs.of("event"))
    assert n_events >= 1
    RE.request_pause()  # already paused: no-op
    RE.resume()
    await task
    assert [e["data"]["motor"] for e in docs.of("event")] == [1, 2, 3]


async def test_pause_from_plan_and_stop_while_paused(RE: Any, docs: Any) -> None:
    async def plan() -> None:
        await send(Msg("open_run"))
        await send(Msg("checkpoint"))
        await send(Msg("pause", defer=False))
        await send(Msg("null"))
        await send(Msg("close_run"))

    task = asyncio.create_task(RE(plan()))
    await until(lambda: RE.state is RunEngineState.PAUSED)
    assert RE.stop() is None
    result = await task
    assert result.interrupted
    assert result.exit_status == "success"
    assert docs.of("stop")[0]["exit_status"] == "success"
    assert "stop" in docs.of("stop")[0]["reason"]


@pytest.mark.parametrize(("method", "status"), [("abort", "abort"), ("halt", "abort")])
async def test_abort_and_halt_while_running(RE: Any, docs: Any, method: str, status: str) -> None:
    det, motor = Det(), Motor(delay=10)
    cleaned: list[str] = []

    async def plan() -> None:
        await send(Msg("open_run"))
        await send(Msg("stage", det))
        try:
            await send(Msg("set", motor, 5, group="g"))
            await send(Msg("wait", group="g"))
        finally:
            try:
                await send(Msg("null"))
                cleaned.append("ran")
            except acq.RunInterrupted:
                cleaned.append("refused")

    task = asyncio.create_task(RE(plan()))
    await until(lambda: RE._blocked)
    args = ("beam dump",) if method == "abort" else ()
    getattr(RE, method)(*args)
    result = await task
    assert result.interrupted
    assert result.exit_status == status
    assert motor.stops >= 1
    assert det.staged == 0  # unstaged by the engine
    assert docs.of("stop")[0]["exit_status"] == status
    assert cleaned == (["ran"] if method == "abort" else ["refused"])
    if method == "abort":
        assert result.reason == "beam dump"


async def test_illegal_requests(RE: Any) -> None:
    with pytest.raises(acq.IllegalStateError, match="not 'paused'"):
        RE.resume()
    with pytest.raises(acq.IllegalStateError, match="no plan is running"):
        RE.stop()
    with pytest.raises(acq.IllegalStateError, match="only a running plan"):
        RE.request_pause()


async def test_rewindable_false_and_clear_checkpoint(RE: Any, docs: Any) -> None:
    motor = Motor()
    gate = asyncio.Event()

    async def plan() -> None:
        await send(Msg("open_run"))
        assert await send(Msg("rewindable", None, False)) is True
        await send(Msg("checkpoint"))
        await send(Msg("set", motor, 1, group="a"))
        await send(Msg("wait", group="a"))
        await send(Msg("wait_for", None, [gate.wait]))
        await send(Msg("clear_checkpoint"))
        await send(Msg("close_run"))

    task = asyncio.create_task(RE(plan()))
    await until(lambda: blocked_on(RE, "wait_for"))
    RE.request_pause()
    await until(lambda: RE.state is RunEngineState.PAUSED)
    gate.set()
    RE.resume()
    await task
    assert motor.history == [1]  # not replayed


async def test_record_overflow_skips_rewind(docs: Any, caplog: Any) -> None:
    RE = acq.RunEngine(record_limit=2)
    motor = Motor()
    gate, waiting = asyncio.Event(), asyncio.Event()

    async def gated() -> None:  # runs only once the engine has registered the wait_for
        waiting.set()
        await gate.wait()

    async def plan() -> None:
        for x in (1, 2, 3):
            await send(Msg("set", motor, x, group="a"))
            await send(Msg("wait", group="a"))
        await send(Msg("wait_for", [gated]))

    caplog.set_level(logging.WARNING, logger="acq.engine")
    task = asyncio.create_task(RE(plan()))
    await waiting.wait()
    RE.request_pause()
    await until(lambda: RE.state is RunEngineState.PAUSED)
    gate.set()
    RE.resume()
    await task
    assert motor.history == [1, 2, 3]
    assert any("cannot rewind" in r.getMessage() for r in caplog.records)


def test_ctrl_c_pauses_in_blocking_mode(docs: Any, capsys: Any) -> None:
    RE = acq.RunEngine()
    RE.subscribe(docs)
    motor = Motor()

    async def plan() -> str:
        await send(Msg("open_run"))
        for x in (1, 2, 3):
            await send(Msg("checkpoint"))
            if x == 2:
                os.kill(os.getpid(), signal.SIGINT)
                await send(Msg("sleep", None, 0.05))
                os.kill(os.getpid(), signal.SIGINT)
                await send(Msg("sleep", None, 0.05))
            await send(Msg("set", motor, x, group="a"))
            await send(Msg("wait", group="a"))
        await send(Msg("close_run"))
        return "ok"

    with pytest.raises(acq.RunInterrupted, match="paused"):
        RE(plan())
    assert RE.state is RunEngineState.PAUSED
    err = capsys.readouterr().err
    assert "Ctrl-C" in err
    assert "pausing now" in err
    result = RE.resume()
    assert result.plan_result == "ok"
    assert motor.history == [1, 2, 3]
    RE.close()


def test_blocking_abort_after_pause(docs: Any) -> None:
    RE = acq.RunEngine()
    RE.subscribe(docs)

    async def plan() -> None:
        await send(Msg("open_run"))
        await send(Msg("checkpoint"))
        await send(Msg("pause", defer=True))
        await send(Msg("checkpoint"))
        await send(Msg("close_run"))

    with pytest.raises(acq.RunInterrupted):
        RE(plan())
    result = RE.abort("sample fell")
    assert result.exit_status == "abort"
    assert result.reason == "sample fell"
    assert docs.of("stop")[0]["reason"] == "sample fell"
    RE.close()


async def test_external_cancel_aborts_runs(RE: Any, docs: Any) -> None:
    async def plan() -> None:
        await send(Msg("open_run"))
        await asyncio.sleep(10)

    task = asyncio.create_task(RE(plan()))
    await until(lambda: docs.of("start"))
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert docs.of("stop")[0]["exit_status"] == "abort"


@pytest.mark.parametrize(
    ("make", "bad", "good"),
    [
        (lambda s: SuspendFloor(s, 5, resume_thresh=6), 1, 7),
        (lambda s: SuspendCeiling(s, 5), 9, 4),
        (lambda s: SuspendBoolHigh(s), 1, 0),
        (lambda s: SuspendBoolLow(s), 0, 1),
        (lambda s: SuspendInBand(s, 5, 10), 11, 7),
        (lambda s: SuspendOutBand(s, 0, 4), 2, 7),
    ],
)
async def test_suspenders_suspend_and_resume(
    RE: Any, docs: Any, make: Any, bad: float, good: float
) -> None:
    sig = SoftSignal("beam", good)
    pre: list[str] = []

    async def pre_plan() -> None:
        pre.append("pre")
        await send(Msg("null"))

    def post_plan() -> Any:
        pre.append("post")
        yield Msg("null")

    susp = make(sig)
    susp.pre_plan = pre_plan
    susp.post_plan = post_plan
    susp.sleep = 0.01
    RE.install_suspender(susp)
    assert RE.suspenders == (susp,)
    motor = Motor()
    gate = asyncio.Event()

    async def plan() -> None:
        await send(Msg("open_run"))
        await send(Msg("checkpoint"))
        await send(Msg("set", motor, 1, group="a"))
        await send(Msg("wait", group="a"))
        await send(Msg("wait_for", [gate.wait]))
        await send(Msg("close_run"))

    task = asyncio.create_task(RE(plan()))
    await until(lambda: blocked_on(RE, "wait_for"))
    sig.put(bad)
    await until(lambda: RE.state is RunEngineState.SUSPENDING and pre == ["pre"])
    assert susp.justify().startswith(type(susp).__name__)
    gate.set()
    sig.put(good)
    result = await task
    assert result.exit_status == "success"
    assert pre == ["pre", "post"]
    assert motor.history == [1, 1]  # rewound to the checkpoint
    RE.remove_suspender(susp)
    assert RE.suspenders == ()


async def test_suspender_tripped_before_plan_and_abort_while_suspended(RE: Any, docs: Any) -> None:
    sig = SoftSignal("shutter", 1)
    susp = SuspendBoolHigh(sig, tripped_message="shutter closed")

    async def plan() -> None:
        await send(Msg("install_suspender", susp))
        await send(Msg("open_run"))
        await send(Msg("null"))
        await send(Msg("close_run"))

    task = asyncio.create_task(RE(plan()))
    await until(lambda: RE.state is RunEngineState.SUSPENDING)
    assert "shutter closed" in susp.justify()
    RE.abort("gave up")
    result = await task
    assert result.exit_status == "abort"
    RE.clear_suspenders()
    with pytest.raises(ValueError, match="band_bottom"):
        SuspendInBand(sig, 3, 1)

"""Pauses and suspensions recorded as events in an ``interruptions`` stream."""

from __future__ import annotations

import asyncio
from typing import Any

from engine_fakes import Det, Motor, SoftSignal

from acq.engine import RunEngineState, SuspendFloor
from acq.messages import Msg, send


async def until(cond: Any) -> None:
    for _ in range(2000):
        if cond():
            return
        await asyncio.sleep(0.001)
    raise AssertionError("condition never became true")


def gated_plan(det: Any, motor: Any, gate: asyncio.Event, runs: tuple[Any, ...] = (None,)) -> Any:
    async def plan() -> str:
        for key in runs:
            await send(Msg("open_run", run=key))
        await send(Msg("checkpoint"))
        await send(Msg("set", motor, 1, group="m"))
        await send(Msg("wait", group="m"))
        await send(Msg("wait_for", [gate.wait]))
        for key in runs:
            await send(Msg("create", name="primary", run=key))
            await send(Msg("read", det, run=key))
            await send(Msg("save", run=key))
        for key in runs:
            await send(Msg("close_run", run=key))
        return "done"

    return plan()


def interruptions(docs: Any, start_uid: str) -> list[str]:
    descs = {
        d["uid"]
        for d in docs.of("descriptor")
        if d["name"] == "interruptions" and d["run_start"] == start_uid
    }
    return [e["data"]["interruption"] for e in docs.of("event") if e["descriptor"] in descs]


async def test_pause_resume_recorded_per_open_run(RE: Any, docs: Any) -> None:
    RE.record_interruptions = True
    gate = asyncio.Event()
    task = asyncio.create_task(RE(gated_plan(Det(), Motor(), gate, runs=("a", "b"))))
    await until(lambda: any(m.command == "wait_for" for m in RE._blocked.values()))
    RE.request_pause()
    await until(lambda: RE.state is RunEngineState.PAUSED)
    gate.set()
    RE.resume()
    result = await task
    assert result.exit_status == "success"
    assert result.plan_result == "done"
    assert result.interrupted
    assert len(result.run_start_uids) == 2
    for uid in result.run_start_uids:
        assert interruptions(docs, uid) == ["pause", "resume"]
    desc = next(d for d in docs.of("descriptor") if d["name"] == "interruptions")
    assert desc["data_keys"] == {
        "interruption": {"dtype": "string", "shape": [], "source": "RunEngine"}
    }
    stop = docs.of("stop")[0]
    assert stop["num_events"]["interruptions"] == 2
    assert stop["num_events"]["primary"] == 1


async def test_suspender_on_beam_current_recorded(RE: Any, docs: Any) -> None:
    beam = SoftSignal("beam_current", 500.0)
    susp = SuspendFloor(beam, 100.0, resume_thresh=400.0, sleep=0.01)
    RE.install_suspender(susp)
    RE.record_interruptions = True
    gate = asyncio.Event()
    task = asyncio.create_task(RE(gated_plan(Det(), Motor(), gate)))
    await until(lambda: any(m.command == "wait_for" for m in RE._blocked.values()))
    beam.put(10.0)
    await until(lambda: RE.state is RunEngineState.SUSPENDING)
    gate.set()
    beam.put(450.0)
    result = await task
    assert result.exit_status == "success"
    assert result.interrupted
    (uid,) = result.run_start_uids
    assert interruptions(docs, uid) == ["suspend", "resume"]
    seqs = [e["seq_num"] for e in docs.of("event") if e["data"].get("interruption") is not None]
    assert seqs == [1, 2]


async def test_off_by_default_but_result_still_interrupted(RE: Any, docs: Any) -> None:
    assert RE.record_interruptions is False
    gate = asyncio.Event()
    task = asyncio.create_task(RE(gated_plan(Det(), Motor(), gate)))
    await until(lambda: any(m.command == "wait_for" for m in RE._blocked.values()))
    RE.request_pause()
    await until(lambda: RE.state is RunEngineState.PAUSED)
    gate.set()
    RE.resume()
    result = await task
    assert result.interrupted
    assert result.plan_result == "done"
    assert not [d for d in docs.of("descriptor") if d["name"] == "interruptions"]
    # the next plan starts clean
    result2 = await RE(gated_plan(Det(), Motor(), _set_event()))
    assert not result2.interrupted


def _set_event() -> asyncio.Event:
    ev = asyncio.Event()
    ev.set()
    return ev


async def test_constructor_option(docs: Any) -> None:
    import acq

    RE = acq.RunEngine(record_interruptions=True, md_path="")
    try:
        assert RE.record_interruptions is True
    finally:
        RE.close()

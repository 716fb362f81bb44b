"""Resume after a pause: what is replayed, and that no data point is lost or doubled.

Every document goes through the schema-checking ``docs`` collector (conftest).
"""

from __future__ import annotations

import asyncio
import os
import signal
from typing import Any

import pytest
from engine_fakes import Det, Motor, Status

import acq
import plans
from acq.engine import RunEngineState
from acq.messages import Msg, send
from devices.sim import SimDetector, SimMotor


async def until(cond: Any) -> None:
    for _ in range(2000):
        if cond():
            return
        await asyncio.sleep(0.001)
    raise AssertionError("condition never became true")


def assert_points_once(docs: Any, key: str, expected: list[float]) -> None:
    """One event per point, in order, seq_nums 1..N, and the stop doc counts N."""
    events = docs.of("event")
    assert [e["data"][key] for e in events] == expected
    assert [e["seq_num"] for e in events] == list(range(1, len(expected) + 1))
    assert len({e["uid"] for e in events}) == len(expected)
    (stop,) = docs.of("stop")
    assert stop["exit_status"] == "success"
    assert stop["num_events"] == {"primary": len(expected)}


def pause_after_event(RE: Any, seq_num: int, *, defer: bool, twice: bool = False) -> Any:
    """A callback that asks for a pause once, when event ``seq_num`` goes out."""
    asked: list[bool] = []

    def cb(name: str, doc: dict[str, Any]) -> None:
        if name == "event" and doc["seq_num"] == seq_num and not asked:
            asked.append(True)
            RE.request_pause(defer=defer)
            if twice:  # like a second Ctrl-C: now, not at the next checkpoint
                RE.request_pause()

    return cb


async def run_paused_scan(RE: Any, docs: Any, cb: Any) -> None:
    motor = SimMotor("m", instant=True)
    det = SimDetector("det", motors=[motor], noise=False)
    RE.subscribe(cb)
    task = asyncio.create_task(RE(plans.scan([det], motor, 0, 9, 10)))
    await until(lambda: RE.state is RunEngineState.PAUSED)
    assert 3 <= len(docs.of("event")) < 10
    RE.resume()
    result = await task
    assert result.exit_status == "success"
    assert_points_once(docs, "m", [float(x) for x in range(10)])


async def test_pause_from_callback_after_event_3_of_scan(RE: Any, docs: Any) -> None:
    await run_paused_scan(RE, docs, pause_after_event(RE, 3, defer=False))


async def test_deferred_pause_from_callback_during_scan(RE: Any, docs: Any) -> None:
    await run_paused_scan(RE, docs, pause_after_event(RE, 3, defer=True))


async def test_deferred_then_immediate_pause_during_scan(RE: Any, docs: Any) -> None:
    await run_paused_scan(RE, docs, pause_after_event(RE, 3, defer=True, twice=True))


def test_ctrl_c_twice_during_count_with_delay(docs: Any) -> None:
    RE = acq.RunEngine()
    RE.subscribe(docs)
    det = Det("det")
    sent: list[bool] = []

    def ctrl_c_twice(name: str, doc: dict[str, Any]) -> None:
        if name == "event" and doc["seq_num"] == 3 and not sent:
            sent.append(True)
            os.kill(os.getpid(), signal.SIGINT)
            os.kill(os.getpid(), signal.SIGINT)

    RE.subscribe(ctrl_c_twice)
    with pytest.raises(acq.RunInterrupted, match="paused"):
        RE(plans.count([det], 10, delay=0.01))
    result = RE.resume()
    RE.close()
    assert result.exit_status == "success"
    assert_points_once(docs, "det", [1.0] * 10)


class GatedDet(Det):
    """Its ``gated``-th trigger waits for ``gate``; each reading is its trigger count."""

    def __init__(self, gated: int) -> None:
        super().__init__("det")
        self.gated = gated
        self.gate = asyncio.Event()
        self.exposing = asyncio.Event()

    def trigger(self) -> Status:
        self.triggers += 1
        self.value = float(self.triggers)
        if self.triggers == self.gated:
            return Status(self._slow_exposure())
        return Status(done=True)

    async def _slow_exposure(self) -> None:
        self.exposing.set()
        await self.gate.wait()


async def test_immediate_pause_in_slow_trigger_remakes_half_made_event(RE: Any, docs: Any) -> None:
    motor, det = Motor("m"), GatedDet(gated=3)

    async def plan() -> None:  # one checkpoint: every point is in the record
        await send(Msg("open_run"))
        await send(Msg("checkpoint"))
        for x in (1.0, 2.0, 3.0, 4.0):
            await send(Msg("set", motor, x, group="m"))
            await send(Msg("wait", group="m"))
            await send(Msg("create", name="primary"))
            await send(Msg("read", motor))
            await send(Msg("trigger", det, group="d"))
            await send(Msg("wait", group="d"))
            await send(Msg("read", det))
            await send(Msg("save"))
        await send(Msg("close_run"))

    task = asyncio.create_task(RE(plan()))
    await det.exposing.wait()  # event 3 is half made: motor read, detector exposing
    RE.request_pause()
    await until(lambda: RE.state is RunEngineState.PAUSED)
    assert len(docs.of("event")) == 2
    det.gate.set()
    RE.resume()
    await task
    assert_points_once(docs, "m", [1.0, 2.0, 3.0, 4.0])
    # the half-made event was discarded and re-taken with a fresh trigger: triggers 4 and 5
    # are the replayed ones of points 1 and 2 (their events are not made again), 6 is new
    assert [e["data"]["det"] for e in docs.of("event")] == [1.0, 2.0, 6.0, 7.0]
    assert motor.history == [1.0, 2.0, 3.0, 1.0, 2.0, 3.0, 4.0]  # the sets were replayed


async def test_pause_before_first_checkpoint_does_not_reopen_the_run(RE: Any, docs: Any) -> None:
    det = Det("det")

    def pause_at_start(name: str, doc: dict[str, Any]) -> None:
        if name == "start":
            RE.request_pause()

    RE.subscribe(pause_at_start)
    task = asyncio.create_task(RE(plans.count([det], 3)))
    await until(lambda: RE.state is RunEngineState.PAUSED)
    RE.resume()
    result = await task
    assert result.exit_status == "success"
    assert len(docs.of("start")) == 1
    assert_points_once(docs, "det", [1.0, 1.0, 1.0])


async def test_pause_message_is_not_replayed(RE: Any) -> None:
    reached: list[str] = []

    async def plan() -> str:
        await send(Msg("checkpoint"))
        await send(Msg("pause"))
        await send(Msg("null"))
        reached.append("after pause")
        await send(Msg("null"))
        return "done"

    task = asyncio.create_task(RE(plan()))
    await until(lambda: RE.state is RunEngineState.PAUSED)
    RE.resume()
    await until(lambda: task.done() or (reached and RE.state is RunEngineState.PAUSED))
    if not task.done():  # paused again by the replayed 'pause': the bug
        RE.stop()
        await task
        pytest.fail("resume replayed Msg('pause') and paused the plan again")
    assert task.result().plan_result == "done"

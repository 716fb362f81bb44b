"""The RunEngine driving CA devices: on the caller's loop, in blocking mode, and pausing."""

from __future__ import annotations

import asyncio
from typing import Any

from aioca import _catools

import acq
from devices.epics import EpicsMotor, EpicsScaler, EpicsSignalRO
from devices.epics.sim_ioc import SimBeamline
from plans import count, scan


class Docs:
    def __init__(self) -> None:
        self.docs: list[tuple[str, dict[str, Any]]] = []

    def __call__(self, name: str, doc: dict[str, Any]) -> None:
        self.docs.append((name, doc))

    def of(self, name: str) -> list[dict[str, Any]]:
        return [d for n, d in self.docs if n == name]


async def test_scan_on_the_callers_loop(sim: SimBeamline) -> None:
    m1 = EpicsMotor("ACQSIM:m1", name="m1")
    det1 = EpicsSignalRO("ACQSIM:det1", name="det1", datatype=float)
    await m1.connect()
    await det1.connect()
    await m1.velocity.set(50.0)
    RE = acq.RunEngine()
    docs = Docs()
    RE.subscribe(docs)
    await RE(scan([det1], m1, 0.0, 2.0, 5))
    events = docs.of("event")
    assert [round(e["data"]["m1"], 3) for e in events] == [0.0, 0.5, 1.0, 1.5, 2.0]
    peak = max(events, key=lambda e: e["data"]["det1"])
    assert round(peak["data"]["m1"], 3) == 1.0
    (descriptor,) = docs.of("descriptor")
    assert descriptor["data_keys"]["det1"]["source"] == "ca://ACQSIM:det1"


async def _purge_this_loop() -> None:
    cache = _catools._Context._channel_caches.pop(asyncio.get_running_loop(), None)
    if cache is not None:
        cache.purge()


def test_count_in_blocking_mode(sim: SimBeamline) -> None:
    """Blocking RE(plan) runs on the engine's own loop: the channels follow it."""
    RE = acq.RunEngine()
    scaler = EpicsScaler("ACQSIM:scaler1:", name="scaler")
    try:

        async def setup() -> None:
            await scaler.connect()
            await scaler.preset_time.set(0.02)

        RE.loop.run_until_complete(setup())
        docs = Docs()
        result = RE(count([scaler], 3), docs)
        assert result.exit_status == "success"
        events = docs.of("event")
        assert len(events) == 3
        assert all(e["data"]["scaler-s1"] == 2e5 for e in events)
    finally:
        RE.loop.run_until_complete(_purge_this_loop())
        RE.loop.close()


async def test_pause_stops_a_moving_motor(sim: SimBeamline) -> None:
    m3 = EpicsMotor("ACQSIM:m3", name="m3")
    await m3.connect()
    await m3.velocity.set(50.0)
    await m3.set(0.0)
    await m3.velocity.set(2.0)
    RE = acq.RunEngine()
    task = asyncio.create_task(RE(scan([], m3, 0.0, 10.0, 2)))
    try:
        await m3.user_readback.wait_for_value(lambda v: v > 0.2, timeout=10)
        RE.request_pause()
        async with asyncio.timeout(10):
            while RE.state.value != "paused":
                await asyncio.sleep(0.02)
        await m3.motor_done_move.wait_for_value(1, timeout=5)
        stopped_at = await m3.user_readback.get_value()
        await asyncio.sleep(0.2)
        assert await m3.user_readback.get_value() == stopped_at < 10.0
        RE.abort("test over")
        result = await task
        assert result.exit_status == "abort"
    finally:
        if not task.done():
            task.cancel()
        await m3.velocity.set(50.0)

"""The engine with real `devices` signals (soft backends)."""

from __future__ import annotations

import asyncio
from typing import Any

from acq.engine import RunEngineState, SuspendFloor
from acq.messages import Msg, send
from devices import soft_signal_rw


async def test_soft_signals_set_read_monitor(RE: Any, docs: Any) -> None:
    x = soft_signal_rw(float, 0.0, name="x", units="mm")
    temp = soft_signal_rw(float, 20.0, name="temp")

    async def plan() -> None:
        await send(Msg("open_run"))
        await send(Msg("monitor", temp))
        for v in (1.0, 2.0):
            await send(Msg("set", x, v, group="a"))
            await send(Msg("wait", group="a"))
            await send(Msg("set", temp, 20.0 + v, group="t"))
            await send(Msg("wait", group="t"))
            await send(Msg("create", name="primary"))
            await send(Msg("read", x))
            await send(Msg("save"))
        await send(Msg("unmonitor", temp))
        await send(Msg("close_run"))

    await RE(plan())
    assert [e["data"]["x"] for e in docs.of("event")] == [1.0, 2.0]
    assert docs.of("descriptor")[1]["data_keys"]["x"]["units"] == "mm"
    values = [v for p in docs.of("event_page") for v in p["data"]["temp"]]
    assert values == [20.0, 21.0, 22.0]


async def test_suspender_on_soft_signal(RE: Any) -> None:
    beam = soft_signal_rw(float, 100.0, name="beam")
    susp = SuspendFloor(beam, 50.0)
    RE.install_suspender(susp)
    gate = asyncio.Event()

    async def plan() -> None:
        await send(Msg("checkpoint"))
        await send(Msg("wait_for", None, [gate.wait]))

    task = asyncio.create_task(RE(plan()))
    await asyncio.sleep(0.01)
    await beam.set(10.0)
    for _ in range(100):
        if RE.state is RunEngineState.SUSPENDING:
            break
        await asyncio.sleep(0.001)
    assert RE.state is RunEngineState.SUSPENDING
    gate.set()
    await beam.set(80.0)
    assert (await task).exit_status == "success"
    RE.remove_suspender(susp)

"""The ``wait`` command: bluesky's ``error_on_timeout`` and its return value."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from engine_fakes import Flyer, Status

import acq
from acq.messages import Msg, send
from plans import stubs


class SlowFlyer(Flyer):
    """complete() finishes once collect has been called ``flushes`` times."""

    def __init__(self, flushes: int) -> None:
        super().__init__("slowfly", n=1)
        self.flushes = flushes
        self.collects = 0
        self.finished = asyncio.Event()

    def complete(self) -> Status:
        return Status(self.finished.wait())

    async def collect_pages(self) -> Any:
        self.collects += 1
        if self.collects >= self.flushes:
            self.finished.set()
        async for page in super().collect_pages():
            yield page


async def test_collect_while_completing_flushes_until_done(RE: Any, docs: Any) -> None:
    flyer = SlowFlyer(flushes=3)

    async def plan() -> None:
        await stubs.open_run()
        await stubs.kickoff(flyer, wait=True)
        await stubs.collect_while_completing([flyer], [flyer], flush_period=0.001)
        await stubs.close_run()

    result = await RE(plan())
    assert result.exit_status == "success"
    assert flyer.collects >= 3
    assert len(docs.of("event_page")) == flyer.collects


@pytest.mark.parametrize("key", ["error_on_timeout", "move_on"])
async def test_wait_returns_false_on_timeout_then_true(RE: Any, key: str) -> None:
    gate = asyncio.Event()
    results: list[Any] = []
    flag = key == "move_on"

    async def plan() -> None:
        await send(Msg("open_run"))
        st = Status(gate.wait())
        results.append(await send(Msg("wait", group="none")))
        RE._groups["g"] = [st]
        results.append(await send(Msg("wait", group="g", timeout=0.001, **{key: flag})))
        gate.set()
        results.append(await send(Msg("wait", group="g", timeout=5, **{key: flag})))
        await send(Msg("close_run"))

    await RE(plan())
    assert results == [True, False, True]


async def test_wait_timeout_error_names_the_running_statuses(RE: Any) -> None:
    gate = asyncio.Event()

    async def plan() -> None:
        await send(Msg("open_run"))
        RE._groups["g"] = [Status(gate.wait())]
        await send(Msg("wait", group="g", timeout=0.001))

    with pytest.raises(acq.PlanError, match=r"still running: <engine_fakes.Status") as info:
        await RE(plan())
    assert "still running: ." not in str(info.value)
    gate.set()
    await asyncio.sleep(0)

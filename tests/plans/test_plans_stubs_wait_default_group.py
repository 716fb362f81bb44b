"""kickoff/complete/prepare(wait=True) with no group wait for that action's status."""

from __future__ import annotations

import asyncio
from typing import Any

import acq
import plans.stubs as ps
from devices import AsyncStatus


class SlowFlyer:
    """Each action finishes after a few loop turns; records what finished."""

    name = "slow"
    parent = None

    def __init__(self) -> None:
        self.finished: list[str] = []

    def _later(self, what: str) -> AsyncStatus:
        async def act() -> None:
            for _ in range(5):
                await asyncio.sleep(0)
            self.finished.append(what)

        return AsyncStatus(act(), name=f"slow.{what}")

    def prepare(self, value: Any) -> AsyncStatus:
        return self._later("prepare")

    def kickoff(self) -> AsyncStatus:
        return self._later("kickoff")

    def complete(self) -> AsyncStatus:
        return self._later("complete")


async def test_wait_true_without_group_waits() -> None:
    flyer = SlowFlyer()
    seen: list[list[str]] = []

    async def plan() -> None:
        await ps.prepare(flyer, 1, wait=True)
        seen.append(list(flyer.finished))
        await ps.kickoff(flyer, wait=True)
        seen.append(list(flyer.finished))
        await ps.complete(flyer, wait=True)
        seen.append(list(flyer.finished))

    RE = acq.RunEngine()
    try:
        await RE(plan())
    finally:
        RE.close()
    assert seen == [["prepare"], ["prepare", "kickoff"], ["prepare", "kickoff", "complete"]]

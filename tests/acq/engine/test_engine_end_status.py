"""Stop/abort of plans that use a run wrapper: the stop document agrees with RunResult."""

from __future__ import annotations

import asyncio
from typing import Any

import bluesky.plans as bp
import pytest

import plans
from acq.engine import RunEngineState
from acq.messages import Msg, send
from devices import AsyncStatus
from devices.sim import SimDetector, SimMotor


async def until(cond: Any) -> None:
    for _ in range(5000):
        if cond():
            return
        await asyncio.sleep(0.001)
    raise AssertionError("condition never became true")


def _plan(kind: str, det: Any, motor: Any) -> Any:
    if kind == "acq":
        return plans.scan([det], motor, 0, 100, 3)
    return bp.scan([det], motor, 0, 100, 3)


@pytest.mark.parametrize("kind", ["acq", "bluesky"])
@pytest.mark.parametrize(("method", "status"), [("stop", "success"), ("abort", "abort")])
@pytest.mark.parametrize("paused", [False, True])
async def test_stop_doc_matches_result(
    RE: Any, docs: Any, kind: str, method: str, status: str, paused: bool
) -> None:
    motor = SimMotor("m", instant=False, velocity=1.0, acceleration_time=0.0)
    det = SimDetector("det", motors=[motor], noise=False)
    task = asyncio.create_task(RE(_plan(kind, det, motor)))
    await until(lambda: any(m.command == "wait" for m in RE._blocked.values()))
    if paused:
        RE.request_pause()
        await until(lambda: RE.state is RunEngineState.PAUSED)
    getattr(RE, method)()
    result = await task
    assert result.interrupted
    assert result.exit_status == status
    (stop,) = docs.of("stop")
    assert stop["exit_status"] == result.exit_status
    assert stop["reason"] == f"{method} requested by the user"


class _Awaitable:
    """An awaitable status without add_callback."""

    def __init__(self, fut: asyncio.Future[None]) -> None:
        self.fut = fut
        self.done = False

    def __await__(self) -> Any:
        return self.fut.__await__()


class _SlowTrigger:
    """trigger() returns an action that runs until ``release`` is set."""

    name = "slow"

    def __init__(self, plain_future: bool) -> None:
        self.release = asyncio.Event()
        self.plain_future = plain_future
        self.actions: list[Any] = []

    def trigger(self) -> Any:
        if self.plain_future:
            fut = asyncio.get_running_loop().create_future()
            self.actions.append(fut)
            return _Awaitable(fut)
        action = AsyncStatus(self.release.wait(), name="slow.trigger")
        self.actions.append(action.task)
        return action


@pytest.mark.parametrize("plain_future", [False, True])
async def test_interrupting_a_wait_leaves_the_action_running(RE: Any, plain_future: bool) -> None:
    dev = _SlowTrigger(plain_future)

    async def plan() -> None:
        await send(Msg("open_run"))
        await send(Msg("trigger", dev, group="t"))
        await send(Msg("wait", group="t"))
        await send(Msg("close_run"))

    task = asyncio.create_task(RE(plan()))
    await until(lambda: bool(RE._blocked))
    RE.abort()
    await task
    (action,) = dev.actions
    assert not action.cancelled()
    if plain_future:
        action.set_result(None)
    dev.release.set()
    await action

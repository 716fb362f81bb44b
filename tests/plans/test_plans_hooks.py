"""per_step / per_shot hooks, Trajectory, count forever, ramp_plan, fly."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pytest
from _plan_fakes import FakeDetector, FakeFlyer, FakeMotor, run_ours
from cycler import cycler

import plans
import plans.stubs as ps
from acq.messages import Msg, bind_handler, unbind_handler
from plans.sim import Simulator, simulate

det = FakeDetector("det")
m1, m2 = FakeMotor("m1"), FakeMotor("m2")


async def test_per_step_nd_hook_replaces_the_default() -> None:
    seen: list[dict[str, Any]] = []

    async def per_step(detectors: Sequence[Any], step: Mapping[Any, Any], pos_cache: Any) -> None:
        seen.append({m.name: v for m, v in step.items()})
        await ps.move_per_step(step, pos_cache)
        await ps.trigger_and_read(list(detectors), name="custom")

    res = await simulate(plans.grid_scan([det], m1, 0, 1, 2, m2, 0, 1, 2, per_step=per_step))
    assert seen == [
        {"m1": 0.0, "m2": 0.0},
        {"m1": 0.0, "m2": 1.0},
        {"m1": 1.0, "m2": 0.0},
        {"m1": 1.0, "m2": 1.0},
    ]
    assert res.starts[0]["plan_args"]["per_step"] == repr(per_step)
    assert [m.kwargs["name"] for m in res.messages if m.command == "create"] == ["custom"] * 4


async def test_per_step_1d_hook_is_adapted() -> None:
    calls: list[float] = []

    async def per_step(detectors: Sequence[Any], motor: Any, step: Any) -> None:
        calls.append(step)
        await ps.one_1d_step(detectors, motor, step)

    await simulate(plans.scan([det], m1, 0, 1, 3, per_step=per_step))
    assert calls == [0.0, 0.5, 1.0]


async def test_per_shot_hook_and_take_reading() -> None:
    async def take(devices: Sequence[Any]) -> Any:
        return await ps.trigger_and_read(devices, name="shots")

    async def per_shot(detectors: Sequence[Any]) -> None:
        await ps.one_shot(detectors, take_reading=take)

    res = await simulate(plans.count([det], 2, per_shot=per_shot))
    assert [m.kwargs["name"] for m in res.messages if m.command == "create"] == ["shots"] * 2


async def test_count_forever_until_the_engine_stops_it() -> None:
    class StopAfter(Simulator):
        async def process(self, msg: Msg) -> Any:
            if msg.command == "save" and self.result.events == 4:
                raise KeyboardInterrupt
            return await super().process(msg)

    sim = StopAfter()
    token = bind_handler(sim)
    try:
        with pytest.raises(KeyboardInterrupt):
            await plans.count([det], num=None)
    finally:
        unbind_handler(token)
    assert sim.result.starts[0]["num_points"] is None
    assert sim.result.events == 4


def test_trajectory_behaves_like_a_cycler() -> None:
    t = plans.Trajectory.axis(m1, [1, 2]) * plans.Trajectory.axis(m2, [3, 4, 5])
    c = cycler(m1, [1, 2]) * cycler(m2, [3, 4, 5])
    assert list(t) == list(c)
    assert len(t) == 6
    assert t.keys == [m1, m2]
    assert t.by_key() == {m1: [1, 1, 1, 2, 2, 2], m2: [3, 4, 5, 3, 4, 5]}
    z = plans.Trajectory.axis(m1, [1, 2]) + plans.Trajectory.axis(m2, [3, 4])
    assert list(z) == list(cycler(m1, [1, 2]) + cycler(m2, [3, 4]))
    assert repr(z) == "Trajectory(m1[2], m2[2])"
    assert list(plans.Trajectory.from_steps([])) == []
    assert len(plans.Trajectory([])) == 0


async def test_scan_nd_with_a_trajectory() -> None:
    t = plans.Trajectory.axis(m1, [1, 2]) + plans.Trajectory.axis(m2, [3, 4])
    rec = await run_ours(plans.scan_nd([det], t))
    assert rec.sets == [("m1", 1), ("m2", 3), ("m1", 2), ("m2", 4)]
    assert rec.starts[0]["motors"] == ["m1", "m2"]


async def test_ramp_plan_reads_until_the_ramp_is_done() -> None:
    class Ramp:
        def __init__(self, steps: int) -> None:
            self.left = steps

        @property
        def done(self) -> bool:
            self.left -= 1
            return self.left < 0

    async def go() -> Any:
        await ps.null()
        return Ramp(3)

    async def inner() -> None:
        await ps.trigger_and_read([det])

    res = await simulate(plans.ramp_plan(go(), det, inner, period=0.5))
    assert res.events == 1 + 3 + 1  # pre, three while ramping, post
    assert res.starts[0]["plan_name"] == "ramp_plan"
    cmds = [m.command for m in res.messages]
    assert cmds.index("monitor") < cmds.index("null")
    assert "sleep" in cmds

    with pytest.raises(plans.RampFail, match="timeout"):
        await simulate(plans.ramp_plan(go(), det, inner, timeout=-1))


async def test_fly_plan_returns_the_uid() -> None:
    rec = await run_ours(plans.fly([FakeFlyer("f")]))
    assert rec.ret == "sim-run-1"
    assert rec.commands.count("kickoff") == 1

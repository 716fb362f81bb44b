"""plans.sim: summaries, limit checks, duration estimates, trajectory plots, doc feedback."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import bluesky.plans as bp
import pytest
from _plan_fakes import FakeDetector, FakeMotor

import plans
import plans.stubs as ps
from acq import PlanError
from acq.messages import Msg, bind_handler, unbind_handler
from plans.sim import (
    SimResult,
    Simulator,
    check_limits,
    estimate_duration,
    plot_trajectory,
    simulate,
    summarize_plan,
)


class Untouchable(FakeMotor):
    """A motor whose hardware must never be touched by a dry run."""

    def set(self, value: float) -> Any:
        raise AssertionError("dry run touched the device")

    async def read(self) -> Any:
        raise AssertionError("dry run touched the device")


async def test_summarize_plan_lists_moves_and_reads() -> None:
    m = Untouchable("m")
    out = io.StringIO()
    text = await summarize_plan(plans.scan([FakeDetector("det")], m, 0, 1, 2), file=out)
    assert out.getvalue() == text + "\n"
    assert text.splitlines() == [
        f"{' Open Run ':=^80}",
        "m -> 0.0",
        "  Read ['det', 'm']",
        "m -> 1.0",
        "  Read ['det', 'm']",
        f"{' Close Run ':=^80}",
    ]


async def test_simulate_runs_bluesky_generator_plans_too() -> None:
    m = FakeMotor("m")
    res = await simulate(bp.scan([FakeDetector("det")], m, 0, 1, 3))
    assert res.sets == {"m": [0.0, 0.5, 1.0]}
    assert res.events == 3
    assert res.return_value == "sim-run-1"
    assert res.starts[0]["plan_name"] == "scan"


async def test_check_limits_names_device_value_and_limits() -> None:
    m = Untouchable("m", limits=(-1.0, 1.0))
    await check_limits(plans.scan([FakeDetector("det")], m, -1, 1, 5))
    with pytest.raises(PlanError, match=r"'m' to 2\.0 is outside its limits \[-1\.0, 1\.0\]"):
        await check_limits(plans.scan([FakeDetector("det")], m, 0, 2, 3))
    free = FakeMotor("free")
    with pytest.raises(PlanError, match="outside"):
        await check_limits(plans.rel_scan([], free, 0, 6, 2), limits={free: (5, -5)})
    ophyd_style_unset = FakeMotor("u", limits=(0, 0))
    await check_limits(plans.scan([], ophyd_style_unset, 100, 200, 2))


async def test_violations_are_collected_when_not_strict() -> None:
    m = FakeMotor("m", limits=(0.0, 1.0))
    res = await simulate(plans.grid_scan([], m, 0, 2, 3, FakeMotor("n"), 0, 1, 2))
    assert len(res.violations) == 1  # the slow axis moves to 2.0 once
    assert "2.0" in res.violations[-1]


async def test_estimate_duration_from_velocities_exposures_and_sleeps() -> None:
    m = FakeMotor("m", 0.0, velocity=2.0)
    det = FakeDetector("det", exposure_time=0.5)
    # moves 0 -> 0 (0 s), -> 1 (0.5 s), -> 2 (0.5 s); 3 exposures of 0.5 s
    assert await estimate_duration(plans.scan([det], m, 0, 2, 3)) == pytest.approx(2.5)
    assert await estimate_duration(plans.count([det], 3, delay=2.0)) == pytest.approx(5.5, abs=0.05)
    fast = await estimate_duration(
        plans.scan([det], m, 0, 2, 3), velocities={m: 100.0}, exposures={det: 0.0}
    )
    assert fast == pytest.approx(0.02)
    # moves in one group overlap: the slowest decides
    slow = FakeMotor("slow", velocity=0.5)
    assert await estimate_duration(ps.mv(m, 1, slow, 1)) == pytest.approx(2.0)


async def test_plot_trajectory_writes_a_png(tmp_path: Path) -> None:
    x, y = FakeMotor("x"), FakeMotor("y")
    out = await plot_trajectory(
        plans.spiral([FakeDetector("det")], x, y, 0, 0, 1, 1, 0.1, 6), tmp_path / "s.png"
    )
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    res = await simulate(plans.grid_scan([], x, 0, 1, 3, y, 0, 1, 3, snake_axes=True))
    out2 = await plot_trajectory(res, tmp_path / "g.png", x="y", y="x")
    assert out2.stat().st_size > 1000
    with pytest.raises(PlanError, match="two moving motors"):
        await plot_trajectory(plans.count([FakeDetector("d")]), tmp_path / "c.png")


async def test_message_cap_and_counts() -> None:
    res = await simulate(
        plans.scan([FakeDetector("d")], FakeMotor("m"), 0, 1, 100), max_messages=10
    )
    assert len(res.messages) == 10
    assert res.num_messages == 10 + res.messages_dropped
    assert res.counts["set"] == 100
    assert res.points[-1] == {"m": 1.0}
    assert isinstance(res, SimResult)


async def test_read_devices_mode_reads_detectors_but_never_moves() -> None:
    m = FakeMotor("m", 3.0)

    class Det(FakeDetector):
        def read(self) -> Any:  # a sync read() is accepted too
            return {"det": {"value": 7, "timestamp": 0}}

    res = await simulate(ps.trigger_and_read([FakeDetector("a"), Det("det"), m]), read_devices=True)
    assert res.return_value == {
        "a": {"value": 1.0, "timestamp": 0.0},
        "det": {"value": 7, "timestamp": 0},
        "m": {"value": 3.0, "timestamp": 0.0},
    }
    assert m.position == 3.0


async def test_simulator_answers_the_whole_vocabulary() -> None:
    sim = Simulator(inputs=["yes"])
    token = bind_handler(sim)
    try:
        m = FakeMotor("m", 4.0)
        assert await ps.locate(m) == {"setpoint": 4.0, "readback": 4.0}
        assert await ps.locate(m, m) == [{"setpoint": 4.0, "readback": 4.0}] * 2
        assert await ps.configure(m, {}) == ({}, {})
        assert await ps.collect(m) == []
        assert await ps.input_plan("?") == "yes"
        assert await ps.input_plan("?") == ""
        assert (await ps.kickoff(m)).done
        assert await ps.wait_for([]) is None
        assert await ps.unsubscribe(99) is None
        assert await sim.process(Msg("custom-command")) is None
    finally:
        unbind_handler(token)


async def test_callbacks_get_documents_and_can_feed_the_plan() -> None:
    """A plan awaits a result computed by a callback during the run (PeakStats-like)."""
    m = FakeMotor("m")
    det = FakeDetector("det")

    class Peak:
        def __init__(self) -> None:
            self.best: tuple[float, float] | None = None
            self.names: list[str] = []

        def __call__(self, name: str, doc: dict[str, Any]) -> None:
            self.names.append(name)
            if name == "event":
                x, y = doc["data"]["m"], doc["data"]["det"]
                if self.best is None or y > self.best[1]:
                    self.best = (x, y)

    peak = Peak()

    async def find_and_go() -> float:
        token = await ps.subscribe("all", peak)
        await plans.scan([det], m, -2, 2, 41)
        await ps.unsubscribe(token)
        assert peak.best is not None
        await ps.mv(m, peak.best[0])
        return peak.best[0]

    res = await simulate(
        find_and_go(), responses={det: lambda pos: -((pos.get("m", 0) - 0.6) ** 2)}
    )
    assert res.return_value == pytest.approx(0.6)
    assert res.sets["m"][-1] == pytest.approx(0.6)
    assert peak.names[:3] == ["start", "descriptor", "event"]
    assert peak.names[-1] == "stop"
    assert peak.names.count("event") == 41

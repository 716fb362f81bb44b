"""The plan library (`plans`) runs on the engine; every document is schema-checked."""

from __future__ import annotations

from typing import Any

from engine_fakes import Det, Motor

import plans


async def test_plans_count_and_scan(RE: Any, docs: Any) -> None:
    det, motor = Det(), Motor()
    result = await RE(plans.count([det], num=3))
    assert result.exit_status == "success"
    assert docs.names().count("event") == 3
    start = docs.of("start")[0]
    assert start["plan_name"] == "count"
    assert start["num_points"] == 3
    await RE(plans.scan([det], motor, 0, 1, 3))
    assert motor.history == [0, 0.5, 1.0]
    assert docs.of("stop")[-1]["num_events"] == {"primary": 3}
    start = docs.of("start")[-1]
    assert start["motors"] == ["motor"]  # JSON-shaped: lists, never tuples
    assert start["hints"]["dimensions"] == [[["motor"], "primary"]]


async def test_sim_devices_with_both_plan_libraries(RE: Any, docs: Any) -> None:
    import bluesky.plans as bp

    from devices.sim import SimDetector, SimMotor

    motor = SimMotor("mx")
    det = SimDetector("det", motors=[motor], noise=False)
    await motor.connect()
    await det.connect()
    await RE(plans.scan([det], motor, -1, 1, 5))
    await RE(bp.scan([det], motor, -1, 1, 3))
    assert [s["num_events"] for s in docs.of("stop")] == [{"primary": 5}, {"primary": 3}]
    peak = max(e["data"]["det"] for e in docs.of("event")[:5])
    assert peak == docs.of("event")[2]["data"]["det"]  # the Gaussian peaks at 0

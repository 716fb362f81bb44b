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
    assert list(docs.of("start")[-1]["motors"]) == ["motor"]

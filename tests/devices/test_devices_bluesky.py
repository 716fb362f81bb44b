"""Our sim devices run unchanged under the real bluesky RunEngine."""

from __future__ import annotations

import asyncio

from bluesky import RunEngine
from bluesky.plan_stubs import mv
from bluesky.plans import scan

from devices.sim import sim_beamline


def test_bluesky_run_engine_scans_sim_devices() -> None:
    RE = RunEngine({}, call_returns_result=True)
    bl = sim_beamline(seed=1)
    docs: list[tuple[str, dict]] = []
    RE.subscribe(lambda name, doc: docs.append((name, doc)))
    result = RE(scan([bl.det], bl.x, -1, 1, 3))
    assert result.exit_status == "success"
    assert [n for n, _ in docs] == ["start", "descriptor", "event", "event", "event", "stop"]
    events = [d for n, d in docs if n == "event"]
    assert [e["data"]["x"] for e in events] == [-1.0, 0.0, 1.0]
    assert events[1]["data"]["det"] > events[0]["data"]["det"]
    RE(mv(bl.x, 2.0))
    future = asyncio.run_coroutine_threadsafe(bl.x.locate(), RE.loop)
    assert future.result(timeout=10) == {"setpoint": 2.0, "readback": 2.0}

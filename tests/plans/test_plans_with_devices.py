"""Plans duck-type devices: acq's own soft signals work as motors and detectors."""

from __future__ import annotations

import devices
import plans
from plans.sim import simulate


async def test_dry_run_with_soft_signals_reads_but_never_writes() -> None:
    m = devices.soft_signal_rw(float, initial_value=1.5, name="m")
    d = devices.soft_signal_rw(float, initial_value=7.0, name="d")
    res = await simulate(plans.rel_scan([d], m, -1, 1, 3), read_devices=True)
    assert res.sets == {"m": [0.5, 1.5, 2.5, 1.5]}  # relative to 1.5, then back
    assert [p["m"] for p in res.points] == [0.5, 1.5, 2.5]
    assert await m.get_value() == 1.5
    res = await simulate(plans.count([d], 2), read_devices=True, max_messages=None)
    reads = [m for m in res.messages if m.command == "read"]
    assert len(reads) == 2
    assert res.starts[0]["detectors"] == ["d"]

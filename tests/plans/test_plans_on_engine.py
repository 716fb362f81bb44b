"""The plan library on acq's RunEngine: documents, relative moves, adaptive feedback."""

from __future__ import annotations

import math
from typing import Any

import acq
import devices
import plans
import plans.stubs as ps
import plans.wrappers as pw
from acq.callbacks import PeakStats


class Gauss:
    """A detector reading a Gaussian of a soft motor's value (no devices.sim needed)."""

    def __init__(self, name: str, motor: Any, center: float, width: float) -> None:
        self.name, self.parent = name, None
        self.hints = {"fields": [name]}
        self.motor, self.center, self.width = motor, center, width

    async def read(self) -> dict[str, Any]:
        x = await self.motor.get_value()
        value = 1000 * math.exp(-((x - self.center) ** 2) / (2 * self.width**2))
        return {self.name: {"value": value, "timestamp": 0.0}}

    async def describe(self) -> dict[str, Any]:
        return {self.name: {"source": "test", "dtype": "number", "shape": []}}


def engine() -> tuple[Any, list[tuple[str, dict[str, Any]]]]:
    RE = acq.RunEngine()
    docs: list[tuple[str, dict[str, Any]]] = []
    RE.subscribe(lambda name, doc: docs.append((name, doc)))
    return RE, docs


async def test_rel_scan_on_the_engine_reads_concurrently_and_returns_motor() -> None:
    RE, docs = engine()
    m = devices.soft_signal_rw(float, initial_value=1.5, name="m")
    d = devices.soft_signal_rw(float, initial_value=7.0, name="d")
    d2 = devices.soft_signal_rw(float, initial_value=8.0, name="d2")
    result = await RE(plans.rel_scan([d, d2], m, -1, 1, 3))
    assert result.exit_status == "success"
    assert [n for n, _ in docs] == ["start", "descriptor", "event", "event", "event", "stop"]
    start = docs[0][1]
    assert (start["plan_name"], start["num_points"], start["motors"]) == ("rel_scan", 3, ["m"])
    assert [doc["data"]["m"] for n, doc in docs if n == "event"] == [0.5, 1.5, 2.5]
    assert await m.get_value() == 1.5


async def test_tune_centroid_on_the_engine_finds_the_peak() -> None:
    RE, _ = engine()
    m = devices.soft_signal_rw(float, initial_value=0.0, name="m")
    det = Gauss("det", m, center=0.42, width=0.3)
    result = await RE(plans.tune_centroid([det], "det", m, -2, 2, 0.01, 11))
    assert result.exit_status == "success"
    assert abs(await m.get_value() - 0.42) < 0.02


async def test_plan_awaits_a_callback_result_then_moves() -> None:
    """PeakStats computes the peak at the end of one run; the plan moves there."""
    RE, _ = engine()
    m = devices.soft_signal_rw(float, initial_value=0.0, name="m")
    det = Gauss("det", m, center=-0.3, width=0.2)
    peaks = PeakStats("m", "det")

    async def align() -> float:
        await pw.subs_wrapper(plans.scan([det], m, -1, 1, 41), peaks)
        found = await peaks.wait_result(timeout=5)
        assert found.cen is not None
        await ps.mv(m, found.cen)
        return float(found.cen)

    result = await RE(align())
    assert abs(result.plan_result - (-0.3)) < 0.01
    assert await m.get_value() == result.plan_result


async def test_supplemental_data_on_the_engine() -> None:
    RE, docs = engine()
    d = devices.soft_signal_rw(float, initial_value=1.0, name="d")
    temp = devices.soft_signal_rw(float, initial_value=21.0, name="temp")
    sd = pw.SupplementalData(baseline=[temp])
    await RE(sd(plans.count([d], 2)))
    streams = [doc["name"] for n, doc in docs if n == "descriptor"]
    assert streams == ["baseline", "primary"]
    assert [n for n, _ in docs].count("event") == 4

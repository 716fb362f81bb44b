"""bluesky users' habits on acq.RunEngine: bluesky callbacks, plan -> plan preprocessors."""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

import bluesky.plans as bp
import bluesky.preprocessors as bpp
import pytest
from bluesky.callbacks import LiveTable
from bluesky.callbacks.best_effort import BestEffortCallback

import acq
import plans
from acq.messages import Msg, send
from devices.sim import SimDetector, SimMotor
from plans.wrappers import SupplementalData


@pytest.fixture
def rig() -> tuple[SimMotor, SimMotor, SimDetector]:
    m1, m2 = SimMotor("m1", instant=True), SimMotor("m2", instant=True, initial=3.0)
    det = SimDetector("det", motors=[m1], noise=False)
    return m1, m2, det


def _streams(docs: Any) -> dict[str, int]:
    names = {d["uid"]: d["name"] for d in docs.of("descriptor")}
    counts: dict[str, int] = {}
    for ev in docs.of("event"):
        counts[names[ev["descriptor"]]] = counts.get(names[ev["descriptor"]], 0) + 1
    return counts


async def test_start_has_plan_type(RE: Any, docs: Any, rig: Any) -> None:
    m1, _, det = rig
    await RE(plans.scan([det], m1, 0, 1, 3))
    await RE(bp.count([det], num=1))

    async def bare() -> None:
        await send(Msg("open_run"))
        await send(Msg("close_run"))

    def gen() -> Generator[Msg, Any, None]:
        yield Msg("open_run")
        yield Msg("close_run")

    await RE(bare())
    await RE(gen())
    types = [d["plan_type"] for d in docs.of("start")]
    assert types == ["coroutine", "generator", "coroutine", "generator"]


async def test_bluesky_live_table_and_bec(docs: Any, rig: Any, capsys: Any) -> None:
    m1, _, det = rig
    RE = acq.RunEngine(strict=True)  # a failing bluesky callback fails the plan
    RE.subscribe(docs)
    bec = BestEffortCallback()
    bec.disable_plots()
    RE.subscribe(LiveTable(["m1", "det"]))
    RE.subscribe(bec)
    result = await RE(plans.scan([det], m1, 0, 1, 3))
    assert result.exit_status == "success"
    out = capsys.readouterr().out
    assert "coroutine scan" in out  # LiveTable's footer: plan_type plan_name
    assert "Transient Scan ID" in out  # the BestEffortCallback's table header
    assert out.count("|") > 10


async def test_supplemental_data_on_coroutine_plan(RE: Any, docs: Any, rig: Any) -> None:
    m1, m2, det = rig
    RE.preprocessors.append(SupplementalData(baseline=[m2]))
    result = await RE(plans.scan([det], m1, 0, 1, 3))
    assert result.exit_status == "success"
    assert _streams(docs) == {"primary": 3, "baseline": 2}
    baseline = [d for d in docs.of("descriptor") if d["name"] == "baseline"]
    assert "m2" in baseline[0]["data_keys"]


async def test_bluesky_supplemental_data_on_bluesky_plan(RE: Any, docs: Any, rig: Any) -> None:
    _, m2, det = rig
    RE.preprocessors.append(bpp.SupplementalData(baseline=[m2]))
    result = await RE(bp.count([det], num=2))
    assert result.exit_status == "success"
    assert _streams(docs) == {"primary": 2, "baseline": 2}


async def test_our_supplemental_data_on_bluesky_plan(RE: Any, docs: Any, rig: Any) -> None:
    _, m2, det = rig
    RE.preprocessors.append(SupplementalData(baseline=[m2]))
    await RE(bp.count([det], num=2))
    assert _streams(docs) == {"primary": 2, "baseline": 2}


async def test_generator_preprocessor_on_coroutine_plan_is_refused(RE: Any, rig: Any) -> None:
    _, m2, det = rig
    RE.preprocessors.append(bpp.SupplementalData(baseline=[m2]))
    with pytest.raises(acq.InvalidPlanError) as info:
        RE(plans.count([det]))
    text = str(info.value)
    assert "RE.preprocessors[0]" in text
    assert "bluesky.preprocessors" in text
    assert "plans.wrappers.SupplementalData" in text


async def test_message_function_in_preprocessors_is_refused(RE: Any, rig: Any) -> None:
    RE.preprocessors.append(lambda msg: None)
    with pytest.raises(acq.InvalidPlanError, match=r"RE\.message_preprocessors"):
        RE(plans.count([rig[2]]))

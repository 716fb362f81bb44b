"""The vectorised dry run of step scans gives the same answers as the message-level one."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from _plan_fakes import FakeDetector, FakeMotor

import plans
import plans.stubs as ps
from acq import PlanError
from plans.sim import check_limits, simulate


def devices() -> tuple[Any, ...]:
    det = FakeDetector("det", exposure_time=0.1)
    x = FakeMotor("x", 0.3, limits=(-1.0, 1.0), velocity=2.0)
    y = FakeMotor("y", -0.2, velocity=0.5)
    z = FakeMotor("z", 0.0, limits=(0.0, 10.0))
    return det, x, y, z


CASES: dict[str, Callable[..., Any]] = {
    "scan": lambda det, x, y, z: plans.scan([det], x, -2, 2, 9),
    "scan_2d": lambda det, x, y, z: plans.scan([det], x, -1, 1, y, 3, 4, num=5),
    "grid_snake": lambda det, x, y, z: plans.grid_scan(
        [det], x, -1.5, 1.5, 4, y, 0, 1, 3, z, -1, 1, 2, snake_axes=True
    ),
    "list_scan_repeats": lambda det, x, y, z: plans.list_scan([det], x, [0, 0, 2, 2, -3]),
    "spiral": lambda det, x, y, z: plans.spiral([det], x, y, 0, 0, 3, 3, 0.5, 4),
    "log_scan": lambda det, x, y, z: plans.log_scan([det, z], z, -1, 1.1, 7),
    "no_detectors": lambda det, x, y, z: plans.scan([], y, 0, 1, 3),
}


@pytest.mark.parametrize("name", list(CASES))
async def test_vectorised_dry_run_equals_message_dry_run(name: str) -> None:
    opts = {"max_messages": 0, "keep_points": False}
    slow = await simulate(CASES[name](*devices()), vectorize=False, **opts)
    fast = await simulate(CASES[name](*devices()), **opts)
    assert (slow.method, fast.method) == ("messages", "trajectory")
    assert fast.sets == slow.sets
    assert fast.events == slow.events
    assert fast.starts == slow.starts
    assert fast.violations == slow.violations
    assert fast.return_value == slow.return_value
    assert fast.duration == pytest.approx(slow.duration, rel=1e-12)


@pytest.mark.parametrize("name", list(CASES))
async def test_vectorised_strict_check_reports_the_same_first_violation(name: str) -> None:
    msgs: list[str] = []
    for vectorize in (False, True):
        try:
            await simulate(
                CASES[name](*devices()),
                vectorize=vectorize,
                strict=True,
                max_messages=0,
                keep_points=False,
            )
        except PlanError as exc:
            msgs.append(str(exc))
        else:
            msgs.append("ok")
    assert msgs[0] == msgs[1]


async def _my_step(detectors: Any, step: Any, pos_cache: Any) -> None:
    await ps.one_nd_step(detectors, step, pos_cache)


async def test_other_plans_fall_back_to_messages() -> None:
    det, x, _, _ = devices()
    for plan in (
        plans.rel_scan([det], x, 0, 1, 3),
        plans.scan([det], x, 0, 1, 3, per_step=_my_step),
        plans.list_scan([det], x, ["a", "b"]),
    ):
        res = await simulate(plan, max_messages=0, keep_points=False, limits={x: (0, 0)})
        assert res.method == "messages"
    await check_limits(plans.scan([det], x, -1, 1, 1_000_001))

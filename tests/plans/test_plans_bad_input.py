"""Bad input is refused when the plan is called: before any message, document or move."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from _plan_fakes import FakeDetector, FakeMotor

import plans
from acq import PlanError
from acq.messages import bind_handler, unbind_handler
from plans.sim import Simulator, check_limits, simulate

det = FakeDetector("det")
m1, m2 = FakeMotor("m1"), FakeMotor("m2")

BAD: dict[str, tuple[Callable[[], Any], str]] = {
    "grid_scan wrong count": (lambda: plans.grid_scan([det], m1, 0, 1, 3, m2, 0, 1), "'args'"),
    "grid_scan no args": (lambda: plans.grid_scan([det]), "groups of 4"),
    "grid_scan value where motor": (
        lambda: plans.grid_scan([det], m1, 0, 1, 3, 5, 0, 1, 3),
        "'args\\[4\\]' expects a movable",
    ),
    "grid_scan num 0": (lambda: plans.grid_scan([det], m1, 0, 1, 0), "num of axis 0"),
    "grid_scan same motor twice": (
        lambda: plans.grid_scan([det], m1, 0, 1, 2, m1, 0, 1, 2),
        "motor twice",
    ),
    "grid_scan snake first motor": (
        lambda: plans.grid_scan([det], m1, 0, 1, 2, m2, 0, 1, 2, snake_axes=[m1]),
        "slowest",
    ),
    "grid_scan snake unknown motor": (
        lambda: plans.grid_scan([det], m1, 0, 1, 2, m2, 0, 1, 2, snake_axes=[FakeMotor("x")]),
        "not in the scan",
    ),
    "grid_scan snake repeated": (
        lambda: plans.grid_scan([det], m1, 0, 1, 2, m2, 0, 1, 2, snake_axes=[m2, m2]),
        "twice",
    ),
    "grid_scan snake bad type": (
        lambda: plans.grid_scan([det], m1, 0, 1, 2, m2, 0, 1, 2, snake_axes=3),
        "'snake_axes'",
    ),
    "grid_scan mixed snake forms": (
        lambda: plans.grid_scan([det], m1, 0, 1, 2, m2, 0, 1, 2, True, snake_axes=True),
        "cannot be combined",
    ),
    "scan non-movable": (
        lambda: plans.scan([det], det, 0, 1, 3),
        "'args\\[0\\]' expects a movable",
    ),
    "scan num < 1": (lambda: plans.scan([det], m1, 0, 1, num=0), "'num'"),
    "scan num fractional": (lambda: plans.scan([det], m1, 0, 1, num=2.5), "whole number"),
    "scan num missing": (lambda: plans.scan([det], m1, 0, 1), "num"),
    "scan detectors not a list": (lambda: plans.scan(det, m1, 0, 1, 3), "'detectors'"),
    "scan detector not readable": (lambda: plans.scan([1.0], m1, 0, 1, 3), "readable"),
    "count num 0": (lambda: plans.count([det], 0), "'num'"),
    "count too few delays": (lambda: plans.count([det], 3, delay=[1.0]), "'delay'"),
    "list_scan unequal": (
        lambda: plans.list_scan([det], m1, [1, 2, 3], m2, [1, 2]),
        "equal length.*'m1': 3, 'm2': 2",
    ),
    "list_scan odd args": (lambda: plans.list_scan([det], m1, [1], m2), "groups of 2"),
    "list_grid_scan empty": (lambda: plans.list_grid_scan([det], m1, []), "is empty"),
    "list_grid_scan snake bad": (
        lambda: plans.list_grid_scan([det], m1, [1], m2, [2], snake_axes="m2"),
        "'snake_axes'",
    ),
    "log_scan motor": (lambda: plans.log_scan([det], det, 0, 1, 3), "'motor'"),
    "rel_scan num 0": (lambda: plans.rel_scan([det], m1, 0, 1, 0), "'num'"),
    "spiral y_motor": (
        lambda: plans.spiral([det], m1, det, 0, 0, 1, 1, 0.1, 3),
        "'y_motor'",
    ),
    "spiral_square x_num": (
        lambda: plans.spiral_square([det], m1, m2, 0, 0, 1, 1, 1, 3),
        "'x_num'",
    ),
    "adaptive steps": (
        lambda: plans.adaptive_scan([det], "det", m1, 0, 1, 0.5, 0.1, 1, True),
        "min_step",
    ),
    "tune_centroid min_step": (
        lambda: plans.tune_centroid([det], "det", m1, 0, 1, 0, 5),
        "'min_step'",
    ),
    "tune_centroid step_factor": (
        lambda: plans.tune_centroid([det], "det", m1, 0, 1, 0.1, 5, 0.5),
        "'step_factor'",
    ),
    "tweak motor": (lambda: plans.tweak(det, "det", det, 1), "'motor'"),
    "x2x motor2": (lambda: plans.x2x_scan([det], m1, 3, 0, 1, 3), "'motor2'"),
    "scan_nd not a trajectory": (lambda: plans.scan_nd([det], 5), "'cycler'"),
    "scan_nd per_step signature": (
        lambda: plans.scan_nd([det], plans.Trajectory.axis(m1, [1]), per_step=lambda a, b: None),
        "'per_step'",
    ),
    "1-D per_step on 2 motors": (
        lambda: plans.scan([det], m1, 0, 1, m2, 0, 1, num=2, per_step=_one_d),
        "1-D signature",
    ),
    "trajectory unequal": (
        lambda: plans.Trajectory([(m1, [1, 2]), (m2, [1])]),
        "expected 2",
    ),
    "spiral dr 0": (lambda: plans.spiral([det], m1, m2, 0, 0, 1, 1, 0, 3), "'dr'"),
    "spiral nth 0": (lambda: plans.spiral([det], m1, m2, 0, 0, 1, 1, 0.1, 0), "'nth'"),
    "rel_spiral dr_y 0": (
        lambda: plans.rel_spiral([det], m1, m2, 1, 1, 0.1, 3, dr_y=0),
        "'dr_y'",
    ),
    "spiral_fermat factor 0": (
        lambda: plans.spiral_fermat([det], m1, m2, 0, 0, 1, 1, 0.1, 0),
        "'factor'",
    ),
    "spiral_fermat dr negative": (
        lambda: plans.spiral_fermat([det], m1, m2, 0, 0, 1, 1, -0.1, 2),
        "'dr'",
    ),
    "rel_scan start not a number": (
        lambda: plans.rel_scan([det], m1, "a", 1, 3),
        "'args\\[1\\]'.*start.*'a'",
    ),
    "scan stop not a number": (lambda: plans.scan([det], m1, 0, None, 3), "'args\\[2\\]'"),
    "log_scan start not a number": (lambda: plans.log_scan([det], m1, "0", 1, 3), "'start'"),
    "grid_scan stop not a number": (
        lambda: plans.grid_scan([det], m1, 0, "1", 3),
        "'args\\[2\\]'",
    ),
    "list_scan empty": (lambda: plans.list_scan([det], m1, []), "'args\\[1\\]'.*empty"),
    "rel_list_scan empty": (lambda: plans.rel_list_scan([det], m1, []), "empty"),
    "trajectory motor twice": (lambda: plans.Trajectory([(m1, [1]), (m1, [2])]), "twice"),
    "trajectory zip lengths": (
        lambda: plans.Trajectory.axis(m1, [1, 2]) + plans.Trajectory.axis(m2, [1]),
        "cannot zip",
    ),
}


async def _one_d(detectors: Any, motor: Any, step: Any) -> None:
    pass


@pytest.mark.parametrize("name", list(BAD))
def test_bad_input_raises_plan_error_at_call_time(name: str) -> None:
    make, match = BAD[name]
    # no handler is bound: the error must come from the call itself, before any message
    with pytest.raises(PlanError, match=match):
        make()


async def test_limits_violation_is_found_before_running() -> None:
    m = FakeMotor("m", limits=(-5, 5))
    with pytest.raises(PlanError, match="outside its limits"):
        await check_limits(plans.grid_scan([det], m, -6, 0, 3, m2, 0, 1, 2))
    assert m.position == 0.0


async def _record(plan: Any, sent: list[str]) -> None:
    """Run ``plan`` in the simulator, noting the commands it sends in ``sent``."""

    class Recorder:
        async def process(self, msg: Any) -> Any:
            sent.append(msg.command)
            return await sim.process(msg)

    sim = Simulator(responses={det: lambda pos: 1.0})
    token = bind_handler(Recorder())
    try:
        await plan
    finally:
        unbind_handler(token)


LATE: dict[str, tuple[Callable[[], Any], str]] = {
    "tweak unknown field": (lambda: plans.tweak(det, "nope", m1, 1), "'target_field' 'nope'"),
    "adaptive_scan unknown field": (
        lambda: plans.adaptive_scan([det], "nope", m1, 0, 1, 0.1, 0.5, 1, True),
        "'target_field' 'nope'.*\\['det', 'm1'\\]",
    ),
    "rel_adaptive_scan unknown field": (
        lambda: plans.rel_adaptive_scan([det], "nope", m1, 0, 1, 0.1, 0.5, 1, True),
        "'target_field' 'nope'",
    ),
    "tune_centroid unknown signal": (
        lambda: plans.tune_centroid([det], "nope", m1, 0, 1, 0.1, 5),
        "'signal' 'nope'",
    ),
}


@pytest.mark.parametrize("name", list(LATE))
async def test_fields_are_checked_before_any_message(name: str) -> None:
    make, match = LATE[name]
    sent: list[str] = []
    with pytest.raises(PlanError, match=match):
        await _record(make(), sent)
    assert sent == []


async def test_a_plan_coroutine_is_single_use() -> None:
    import acq

    plan = plans.count([det])
    RE = acq.RunEngine()
    await RE(plan)
    with pytest.raises(acq.AcqError, match=r"single-use.*call the plan function again"):
        await RE(plan)
    spent = plans.count([det])
    await simulate(spent)
    with pytest.raises(acq.AcqError, match="single-use"):
        await simulate(spent)


def test_plan_error_is_an_acq_error() -> None:
    import acq

    assert issubclass(PlanError, acq.AcqError)

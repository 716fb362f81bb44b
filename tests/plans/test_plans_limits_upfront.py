"""Motor limits: plans check their whole trajectory before any document or move, and
plans.sim reads the limits and velocities of acq's own devices (SimMotor, HasLimits)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from _plan_fakes import FakeDetector, FakeMotor

import acq
import devices
import plans
import plans.wrappers as pw
from acq import PlanError, PlanLimitError
from devices.protocols import HasLimits
from devices.sim import SimMotor
from plans.sim import check_limits, estimate_duration, simulate


def _det() -> Any:
    return devices.soft_signal_rw(float, initial_value=1.0, name="det")


def _engine() -> tuple[Any, list[tuple[str, dict[str, Any]]]]:
    RE = acq.RunEngine()
    docs: list[tuple[str, dict[str, Any]]] = []
    RE.subscribe(lambda name, doc: docs.append((name, doc)))
    return RE, docs


async def test_sim_motor_has_limits_from_its_setpoint_signal() -> None:
    m1 = SimMotor(name="m1", limits=(-5, 5), velocity=2.0)
    assert isinstance(m1, HasLimits)
    assert await m1.get_limits() == (-5, 5)
    assert await SimMotor(name="free").get_limits() == (None, None)
    assert await SimMotor(name="half", limits=(None, 3.0)).get_limits() == (None, 3.0)


async def test_check_limits_understands_sim_motors_without_moving_them() -> None:
    m1 = SimMotor(name="m1", limits=(-5, 5), velocity=2.0)
    with pytest.raises(PlanError, match=r"'m1' to 10\.0 is outside its limits \[-5\.0, 5\.0\]"):
        await check_limits(plans.scan([_det()], m1, 0, 10, 3))
    with pytest.raises(PlanError, match="outside its limits"):  # message-by-message path
        await simulate(plans.scan([_det()], m1, 0, 10, 3), strict=True, max_messages=None)
    res = await simulate(plans.list_scan([_det()], m1, [1, 6, -7]))
    assert len(res.violations) == 2
    await check_limits(plans.scan([_det()], m1, -5, 5, 3))
    assert await m1.locate() == {"setpoint": 0.0, "readback": 0.0}


async def test_estimate_duration_reads_the_velocity_signal() -> None:
    m1 = SimMotor(name="m1", limits=(-5, 5), velocity=2.0)
    # moves 0 -> 0 (0 s), then four 1 mm moves at 2 mm/s
    assert await estimate_duration(plans.scan([_det()], m1, 0, 4, 5)) == pytest.approx(2.0)
    res = await simulate(plans.list_scan([_det()], m1, [0, 4]), max_messages=None)
    assert res.method == "messages"
    assert res.duration == pytest.approx(2.0)
    assert await estimate_duration(
        plans.scan([_det()], m1, 0, 4, 5), velocities={m1: 4.0}
    ) == pytest.approx(1.0)


async def test_sim_limit_override_beats_the_device() -> None:
    m1 = SimMotor(name="m1", limits=(-5, 5))
    await check_limits(plans.scan([_det()], m1, 0, 10, 3), limits={m1: (0, 0)})
    with pytest.raises(PlanError, match=r"\[0\.0, 1\.0\]"):
        await check_limits(plans.scan([_det()], m1, 0, 2, 3), limits={m1: (0, 1)})


PlanFactory = Callable[[Any, Any], Any]

VIOLATING: dict[str, PlanFactory] = {
    "scan": lambda det, m: plans.scan([det], m, 0, 10, 3),
    "rel_scan": lambda det, m: plans.rel_scan([det], m, -1, 4, 3),  # m starts at 2.0
    "log_scan": lambda det, m: plans.log_scan([det], m, 0, 1, 3),
    "rel_log_scan": lambda det, m: plans.rel_log_scan([det], m, 0, 1, 3),
    "list_scan": lambda det, m: plans.list_scan([det], m, [0, 1, 9]),
    "rel_list_scan": lambda det, m: plans.rel_list_scan([det], m, [0, 4]),
    "list_grid_scan": lambda det, m: plans.list_grid_scan(
        [det], m, [0, 9], SimMotor(name="n"), [0, 1]
    ),
    "rel_list_grid_scan": lambda det, m: plans.rel_list_grid_scan(
        [det], SimMotor(name="n"), [0, 1], m, [0, 4]
    ),
    "grid_scan": lambda det, m: plans.grid_scan([det], SimMotor(name="n"), 0, 1, 2, m, 0, 6, 3),
    "rel_grid_scan": lambda det, m: plans.rel_grid_scan([det], m, 0, 4, 3),
    "scan_nd": lambda det, m: plans.scan_nd([det], plans.Trajectory.axis(m, [1, 2, 8])),
    "spiral": lambda det, m: plans.spiral([det], m, SimMotor(name="n"), 4, 0, 4, 4, 1.0, 6),
    "rel_spiral_fermat": lambda det, m: plans.rel_spiral_fermat(
        [det], m, SimMotor(name="n"), 8, 8, 1.0, 2.0
    ),
    "spiral_square": lambda det, m: plans.spiral_square(
        [det], SimMotor(name="n"), m, 0, 0, 1, 20, 3, 3
    ),
    "x2x_scan": lambda det, m: plans.x2x_scan([det], m, SimMotor(name="n"), 0, 4, 3),
    "adaptive_scan": lambda det, m: plans.adaptive_scan([det], "det", m, 0, 8, 0.1, 1.0, 1.0, True),
    "rel_adaptive_scan": lambda det, m: plans.rel_adaptive_scan(
        [det], "det", m, 0, 4, 0.1, 1.0, 1.0, True
    ),
    "tune_centroid": lambda det, m: plans.tune_centroid([det], "det", m, -9, 0, 0.1, 5),
    "relative_set_wrapper": lambda det, m: pw.relative_set_wrapper(
        plans.scan([det], m, 0, 4, 3), [m]
    ),
}


@pytest.mark.parametrize("name", list(VIOLATING))
async def test_limits_violated_raise_before_any_document_or_move(name: str) -> None:
    RE, docs = _engine()
    m = SimMotor(name="m", limits=(-5, 5), initial=2.0)
    puts: list[Any] = []
    m.user_setpoint.subscribe_value(puts.append)
    with pytest.raises(PlanLimitError, match=r"'m'.*outside its limits \[-5\.0, 5\.0\]"):
        await RE(VIOLATING[name](_det(), m))
    assert docs == []
    assert await m.locate() == {"setpoint": 2.0, "readback": 2.0}
    assert puts == [2.0]  # the subscription's first value: nothing was written


async def test_relative_plans_check_against_where_the_motor_is() -> None:
    RE, docs = _engine()
    m = SimMotor(name="m", limits=(2, 8), initial=5.0)
    # -1..1 are outside (2, 8) as absolute positions, inside once relative to 5.0
    result = await RE(plans.rel_scan([_det()], m, -1, 1, 3))
    assert result.exit_status == "success"
    result = await RE(pw.relative_set_wrapper(plans.scan([_det()], m, -3, 3, 3), [m]))
    assert result.exit_status == "success"
    assert [d["data"]["m"] for n, d in docs if n == "event"] == [4.0, 5.0, 6.0, 2.0, 5.0, 8.0]
    # the wrapper alone does not move the motor back: it starts at 8.0 now
    with pytest.raises(PlanLimitError, match=r"11\.5 \(point #2\).*start position 8\.0"):
        await RE(plans.rel_scan([_det()], m, 0, 3.5, 2))
    assert await m.locate() == {"setpoint": 8.0, "readback": 8.0}


async def test_bluesky_style_limits_attribute_is_checked_up_front_too() -> None:
    RE, docs = _engine()
    m = FakeMotor("fm", 0.0, limits=(-1.0, 1.0))
    with pytest.raises(PlanLimitError, match=r"'fm' .*2\.0"):
        await RE(plans.scan([FakeDetector("det")], m, 0, 2, 3))
    assert docs == []
    assert m.position == 0.0
    unset = FakeMotor("u", 0.0, limits=(0, 0))  # ophyd's "no limits"
    assert (await RE(plans.scan([FakeDetector("det")], unset, 5, 6, 2))).exit_status == "success"

"""EpicsMotor over the real CA protocol, against the caproto motor-record emulation."""

from __future__ import annotations

import asyncio

import pytest

from devices import LimitError
from devices.epics import EpicsMotor, MotorStoppedError


async def make_motor(prefix: str, axis: str, name: str) -> EpicsMotor:
    motor = EpicsMotor(prefix + axis, name=name)
    await motor.connect()
    await motor.velocity.set(20.0)
    await motor.acceleration.set(0.01)
    await motor.high_limit.set(100.0)
    await motor.low_limit.set(-100.0)
    return motor


async def test_move_completes_on_dmov_and_reports_progress(motors: str) -> None:
    m = await make_motor(motors, "x", "mx")
    await m.set(0.0)
    updates: list[dict] = []
    status = m.set(2.0)
    status.watch(lambda **kw: updates.append(kw))
    await status
    assert status.done
    assert status.success
    assert await m.motor_done_move.get_value() == 1
    assert await m.user_readback.get_value() == pytest.approx(2.0)
    assert len(updates) >= 3  # the readback moved through intermediate positions
    assert updates[-1]["current"] == pytest.approx(2.0)
    assert updates[-1]["target"] == 2.0
    assert updates[-1]["fraction"] == pytest.approx(1.0)
    assert updates[0]["name"] == "mx"
    assert updates[0]["unit"] == "mm"
    assert await m.locate() == {"setpoint": 2.0, "readback": pytest.approx(2.0)}


async def test_read_describe_and_hints(motors: str) -> None:
    m = await make_motor(motors, "y", "my")
    reading = await m.read()
    assert set(reading) == {"my", "my-user_setpoint"}
    assert m.hints == {"fields": ["my"]}
    config = await m.read_configuration()
    assert set(config) == {"my-velocity", "my-acceleration", "my-motor_egu"}
    assert (await m.describe())["my"]["source"] == f"ca://{motors}y.RBV"


async def test_soft_limits_are_checked_before_moving(motors: str) -> None:
    m = await make_motor(motors, "x", "mx")
    await m.high_limit.set(5.0)
    with pytest.raises(
        LimitError, match=r"mx \(ACQMTR:x\): 7.0 is outside the soft limits \[-100, 5\]"
    ):
        await m.set(7.0)
    assert await m.motor_done_move.get_value() == 1


async def test_stop_ends_the_move_early(motors: str) -> None:
    m = await make_motor(motors, "z", "mz")
    await m.set(0.0)
    await m.velocity.set(5.0)
    status = m.set(10.0)
    await m.user_readback.wait_for_value(lambda v: v > 0.2, timeout=10)
    await m.stop()
    with pytest.raises(MotorStoppedError, match=r"mz .* was stopped at"):
        await status
    where = await m.user_readback.get_value()
    assert 0.2 < where < 10.0
    assert await m.motor_done_move.get_value() == 1


async def test_a_cancelled_move_stops_the_motor(motors: str) -> None:
    """What an engine pause does: cancel the set; the motor must not keep going."""
    m = await make_motor(motors, "z", "mz")
    await m.set(0.0)
    await m.velocity.set(5.0)
    status = m.set(10.0)
    await m.user_readback.wait_for_value(lambda v: v > 0.2, timeout=10)
    status.cancel()
    with pytest.raises(asyncio.CancelledError):
        await status
    await m.motor_done_move.wait_for_value(1, timeout=5)
    first = await m.user_readback.get_value()
    await asyncio.sleep(0.1)
    assert await m.user_readback.get_value() == first < 10.0


async def test_motor_works_in_mock_mode_without_an_ioc() -> None:
    m = EpicsMotor("NO:SUCH:MOTOR", name="mock_m")
    await m.connect(mock=True)
    await m.set(3.0)
    assert await m.user_setpoint.get_value() == 3.0
    assert m.user_readback.source == "mock+ca://NO:SUCH:MOTOR.RBV"


async def test_get_limits_reads_llm_and_hlm(motors: str) -> None:
    m = await make_motor(motors, "y", "my")
    assert await m.get_limits() == (-100.0, 100.0)
    await m.high_limit.set(-100.0)  # LLM == HLM: the record has no soft limits
    assert await m.get_limits() == (None, None)


async def test_plans_check_the_soft_limits_before_the_run(motors: str) -> None:
    import acq
    import plans

    m = await make_motor(motors, "y", "my")
    await m.set(1.0)
    RE = acq.RunEngine()
    docs: list[str] = []
    RE.subscribe(lambda name, doc: docs.append(name))
    with pytest.raises(acq.PlanLimitError, match=r"'my' .*150\.0.*\[-100\.0, 100\.0\]"):
        await RE(plans.scan([m], m, 0, 150, 3))
    assert docs == []
    assert await m.locate() == {"setpoint": 1.0, "readback": pytest.approx(1.0)}

"""Simulated devices on a virtual clock: moves, progress, stop, detectors, beamline."""

from __future__ import annotations

import asyncio

import bluesky.protocols as bp
import numpy as np
import pytest

from devices import DeviceError, LimitError, init_devices
from devices import protocols as dp
from devices.sim import (
    RealClock,
    SimDetector,
    SimImageDetector,
    SimMotor,
    VirtualClock,
    sim_beamline,
)
from devices.sim._motor import _profile, _travelled


async def test_instant_motor_move_read_locate() -> None:
    m = SimMotor("m1", units="deg")
    await m.set(2.5)
    assert await m.read() == {
        "m1": {
            "value": 2.5,
            "timestamp": pytest.approx((await m.user_readback.get_reading())["timestamp"]),
            "alarm_severity": 0,
        }
    }
    assert await m.locate() == {"setpoint": 2.5, "readback": 2.5}
    assert m.hints == {"fields": ["m1"]}
    assert (await m.describe())["m1"]["units"] == "deg"
    assert list(await m.read_configuration()) == [
        "m1-velocity",
        "m1-acceleration_time",
        "m1-motor_egu",
    ]


async def test_motor_moves_in_virtual_time_with_progress() -> None:
    clock = VirtualClock()
    m = SimMotor("m", instant=False, velocity=2.0, acceleration_time=0.5, clock=clock)
    status = m.set(4.0)
    updates: list[dict] = []
    status.watch(lambda **kw: updates.append(kw))
    await status
    assert await m.user_readback.get_value() == 4.0
    positions = [u["current"] for u in updates]
    assert positions == sorted(positions)
    assert len(positions) > 10
    assert updates[0]["initial"] == 0.0
    assert updates[-1]["target"] == 4.0
    assert updates[-1]["fraction"] == 1.0
    assert updates[-1]["time_remaining"] == 0.0
    assert updates[-1]["unit"] == "mm"
    # 4 mm at 2 mm/s with 0.5 s ramps takes 2.5 s
    assert clock.time() == pytest.approx(2.5)
    back = m.set(0.0)
    await back
    assert await m.user_readback.get_value() == 0.0


def test_profile_shapes() -> None:
    assert _profile(0.0, 1.0, 0.1) == (0.0, 0.0, 0.0)
    total, ta, peak = _profile(1.0, 1.0, 0.0)
    assert (total, ta, peak) == (1.0, 0.0, 1.0)
    assert _travelled(0.5, total, ta, peak) == 0.5
    total, ta, peak = _profile(0.01, 1.0, 1.0)  # never reaches full speed
    assert peak < 1.0
    assert _travelled(total, total, ta, peak) == pytest.approx(0.01)
    assert _travelled(total / 2, total, ta, peak) == pytest.approx(0.005)


async def test_motor_limits_and_bad_velocity() -> None:
    m = SimMotor("m", limits=(-1.0, 1.0))
    with pytest.raises(LimitError, match=r"m: cannot move to 5.0: .*outside the control limits"):
        await m.set(5.0)
    assert await m.user_readback.get_value() == 0.0
    slow = SimMotor("slow", instant=False, clock=VirtualClock())
    await slow.velocity.set(0.0)
    with pytest.raises(DeviceError, match=r"velocity is 0\.0"):
        await slow.set(1.0)


async def test_stop_during_move() -> None:
    clock = VirtualClock()
    m = SimMotor("m", instant=False, velocity=1.0, clock=clock)
    status = m.set(10.0)
    while await m.user_readback.get_value() < 1.0:
        await asyncio.sleep(0)
    await m.stop(success=False)
    with pytest.raises(DeviceError, match=r"m: move to 10\.0 stopped at"):
        await status
    stopped_at = await m.user_readback.get_value()
    assert 1.0 <= stopped_at < 10.0
    assert (await m.locate())["setpoint"] == stopped_at
    status = m.set(0.0)
    await asyncio.sleep(0)
    await m.stop()
    await status  # success=True: the move ends without error
    assert status.success


async def test_real_clock_motor_moves() -> None:
    m = SimMotor("m", instant=False, velocity=100.0, acceleration_time=0.0, clock=RealClock())
    await m.set(1.0)
    assert await m.user_readback.get_value() == 1.0


async def test_point_detector_follows_motor() -> None:
    clock = VirtualClock()
    m = SimMotor("m")
    det = SimDetector(
        "det",
        motors=[m],
        centers=[1.0],
        sigma=0.5,
        amplitude=100.0,
        background=1.0,
        noise=False,
        exposure=0.2,
        clock=clock,
    )
    await m.set(1.0)
    await det.trigger()
    assert (await det.read())["det"]["value"] == pytest.approx(101.0)
    assert clock.time() == pytest.approx(0.2)
    await m.set(3.0)
    await det.trigger()
    assert (await det.read())["det"]["value"] == pytest.approx(1.0 + 100 * np.exp(-8))
    assert det.hints == {"fields": ["det"]}
    assert (await det.read_configuration())["det-exposure_time"]["value"] == 0.2
    noisy = SimDetector("noisy", motors=[m], centers=[3.0], seed=1)
    await noisy.trigger()
    value = (await noisy.read())["noisy"]["value"]
    assert value != 1000.0
    assert 800 < value < 1200


@pytest.mark.parametrize("shape", [(64, 64), (48, 80), (2048, 2048)])
async def test_image_detector_blob_follows_motors(shape: tuple[int, int]) -> None:
    x, y = SimMotor("x"), SimMotor("y")
    cam = SimImageDetector("cam", motors=[x, y], shape=shape, noise=False)
    await cam.trigger()
    frame = (await cam.read())["cam-image"]["value"]
    assert frame.shape == shape
    assert frame.dtype == np.float32
    row, col = np.unravel_index(np.argmax(frame), frame.shape)
    assert (row, col) == (shape[0] // 2, shape[1] // 2)
    await x.set(1.0)
    await cam.trigger()
    frame = (await cam.read())["cam-image"]["value"]
    _, col2 = np.unravel_index(np.argmax(frame), frame.shape)
    assert col2 > col
    dk = (await cam.describe())["cam-image"]
    assert dk["shape"] == list(shape)
    assert dk["dtype"] == "array"
    assert cam.hints == {"fields": ["cam-total"]}


async def test_image_detector_noise() -> None:
    cam = SimImageDetector("cam", seed=3)
    await cam.trigger()
    assert (await cam.read())["cam-total"]["value"] > 0


async def test_sim_beamline() -> None:
    bl = sim_beamline(clock=VirtualClock(), seed=0)
    await bl.connect(mock=False)
    assert set(bl.devices) == {"x", "y", "th", "det", "det_xy", "camera", "slit", "beam_current"}
    await bl.det.trigger()
    full = (await bl.det.read())["det"]["value"]
    bl.set_beam_current(0.0)
    await bl.det.trigger()
    assert (await bl.det.read())["det"]["value"] == 0.0
    assert full > 0
    assert list(await bl.slit.read()) == [
        "slit-x_gap",
        "slit-y_gap",
        "slit-x_center",
        "slit-y_center",
    ]
    await bl.slit.x_gap.set(2.0)
    assert "clock" not in repr(bl)


async def test_sim_devices_in_init_devices_and_protocols() -> None:
    async with init_devices(mock=True):
        motor = SimMotor()
        det = SimDetector(motors=[motor])
    assert motor.name == "motor"
    assert det.name == "det"
    await motor.set(1.0)
    for proto in (
        dp.Movable,
        dp.Locatable,
        dp.Stoppable,
        dp.Readable,
        dp.HasHints,
        dp.Configurable,
    ):
        assert isinstance(motor, proto), proto
    for proto in (
        bp.Movable,
        bp.Locatable,
        bp.Stoppable,
        bp.Readable,
        bp.HasHints,
        bp.Configurable,
    ):
        assert isinstance(motor, proto), proto
    assert isinstance(det, dp.Triggerable)
    assert isinstance(det, bp.Triggerable)


async def test_describe_output_is_a_valid_event_model_descriptor() -> None:
    import event_model

    bl = sim_beamline(clock=VirtualClock(), seed=0)
    data_keys: dict = {}
    config: dict = {}
    for dev in (bl.x, bl.det, bl.camera, bl.slit, bl.beam_current):
        data_keys.update(await dev.describe())
        config[dev.name] = {
            "data": {k: r["value"] for k, r in (await dev.read_configuration()).items()},
            "timestamps": {k: r["timestamp"] for k, r in (await dev.read_configuration()).items()},
            "data_keys": await dev.describe_configuration(),
        }
    for key in data_keys:
        data_keys[key].setdefault("object_name", key.split("-")[0])
    run = event_model.compose_run()
    bundle = run.compose_descriptor(
        name="primary", data_keys=data_keys, configuration=config, validate=True
    )
    assert set(bundle.descriptor_doc["data_keys"]) == set(data_keys)
    run.compose_stop()


async def test_instant_paths_and_their_fallbacks() -> None:
    from _devices_fakes import FakeRemoteBackend

    from devices import DatatypeError, callback_on_mock_put, get_mock_puts

    m = SimMotor("m")
    status = m.set(1.0)
    assert status.done  # instant move on in-memory signals: no task
    seen: list[dict] = []
    status.watch(lambda **kw: seen.append(kw))
    assert seen[0]["current"] == 1.0
    assert seen[0]["fraction"] == 1.0
    with pytest.raises(DatatypeError, match="m-user_setpoint"):
        await m.set("far")  # type: ignore[arg-type]

    mocked = SimMotor("mocked")
    await mocked.connect(mock=True)
    moves: list[float] = []
    callback_on_mock_put(mocked.user_setpoint, lambda v, wait: moves.append(v))
    status = mocked.set(2.0)
    assert not status.done  # a put callback needs awaiting: the async path runs
    await status
    assert moves == [2.0]
    assert get_mock_puts(mocked.user_setpoint) == [2.0]
    assert await mocked.user_readback.get_value() == 2.0

    remote = SimMotor("remote")
    remote.user_readback._backend = FakeRemoteBackend("RBV")  # type: ignore[assignment]
    det = SimDetector("det", motors=[remote], noise=False)
    status = det.trigger()
    assert not status.done  # a remote readback must be awaited
    await status
    assert (await det.read())["det"]["value"] == pytest.approx(1000.0)

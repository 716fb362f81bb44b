"""Review fixes: non-finite values, superseded moves, move timeouts, named read errors,
staging of shipped devices, sync ``init_devices``."""

from __future__ import annotations

import asyncio
import math
from typing import Any

import bluesky.protocols as bp
import pytest
from _devices_fakes import FakeRemoteBackend

from devices import (
    DeviceError,
    DeviceTimeoutError,
    InvalidValueError,
    SignalR,
    SignalRW,
    StandardReadable,
    init_devices,
    soft_signal_rw,
)
from devices.sim import SimDetector, SimImageDetector, SimMotor, VirtualClock

NON_FINITE = [math.nan, math.inf, -math.inf]


@pytest.mark.parametrize("value", NON_FINITE)
async def test_soft_signal_with_limits_rejects_non_finite(value: float) -> None:
    sig = soft_signal_rw(float, 0.0, limits=(-1, 1), name="sig")
    with pytest.raises(InvalidValueError, match="not a finite number"):
        await sig.set(value)
    assert await sig.get_value() == 0.0


async def test_soft_signal_without_limits_still_takes_nan() -> None:
    sig = soft_signal_rw(float, 0.0, name="sig")
    await sig.set(math.nan)
    assert math.isnan(await sig.get_value())


@pytest.mark.parametrize("instant", [True, False])
@pytest.mark.parametrize("value", NON_FINITE)
async def test_motor_rejects_non_finite_targets(instant: bool, value: float) -> None:
    m = SimMotor("m", instant=instant, clock=VirtualClock())
    status = m.set(value)
    with pytest.raises(InvalidValueError, match=r"m: cannot move to .*not a finite number"):
        await status
    assert status.done
    assert not status.success
    assert await m.user_readback.get_value() == 0.0


async def test_motor_rejects_nan_velocity() -> None:
    m = SimMotor("m", instant=False, clock=VirtualClock())
    with pytest.raises(InvalidValueError, match="not a finite"):
        await m.velocity.set(math.nan)
    with pytest.raises(InvalidValueError, match="not a finite"):
        await m.acceleration_time.set(math.nan)


class _StuckClock(VirtualClock):
    """Time never advances: a move on it can never reach its target."""

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(0.01)


async def test_move_that_cannot_finish_times_out() -> None:
    m = SimMotor("m", instant=False, clock=_StuckClock())
    m.timeout_margin = 0.05
    with pytest.raises(DeviceTimeoutError, match=r"m: move to 1\.0 did not finish within"):
        await m.set(1.0)


async def test_new_move_supersedes_the_one_in_flight() -> None:
    clock = VirtualClock()
    m = SimMotor("m", instant=False, velocity=1.0, clock=clock)
    s1 = m.set(1.0)
    while clock.time() < 0.3:
        await asyncio.sleep(0)
    s2 = m.set(-1.0)
    with pytest.raises(DeviceError, match=r"superseded by a new move to -1\.0"):
        await s1
    await s2
    assert s2.success
    assert not s1.success
    assert await m.user_readback.get_value() == -1.0
    positions: list[float] = []
    m.user_readback.subscribe_value(positions.append)
    await m.set(0.5)
    m.user_readback.clear_sub(positions.append)
    # one loop drove the readback: monotonic from -1.0 to 0.5
    assert positions == sorted(positions)
    assert positions[-1] == 0.5


async def test_instant_move_supersedes_a_timed_one() -> None:
    m = SimMotor("m", instant=False, clock=VirtualClock())
    s1 = m.set(5.0)
    m.instant = True
    await m.set(2.0)
    with pytest.raises(DeviceError, match=r"superseded by a new move to 2\.0"):
        await s1
    assert await m.user_readback.get_value() == 2.0


class _Broken(FakeRemoteBackend):
    async def get_reading(self) -> Any:
        raise DeviceTimeoutError("fake://X: disconnected during get")

    async def get_value(self) -> float:
        raise OSError("fake://X: socket closed")

    async def get_datakey(self, source: str) -> Any:
        raise DeviceTimeoutError("no data key")


class _WithBroken(StandardReadable):
    def __init__(self, name: str = "") -> None:
        with self.add_children_as_readables():
            self.sig = SignalRW(_Broken("X"))
        super().__init__(name=name)


async def test_read_errors_name_the_signal_and_keep_class_and_cause() -> None:
    sig: SignalR[float] = SignalRW(_Broken("X"), name="det-sig")
    for call in (sig.read, sig.get_reading):
        with pytest.raises(DeviceTimeoutError, match=r"^det-sig: fake://X: disconn") as info:
            await call()
        assert isinstance(info.value.__cause__, DeviceTimeoutError)
    with pytest.raises(DeviceTimeoutError, match=r"^det-sig \(fake://X\): no data key"):
        await sig.describe()
    with pytest.raises(OSError, match=r"^det-sig: fake://X: socket closed \(in get_value\)"):
        await sig.get_value()
    dev = _WithBroken(name="dev")
    with pytest.raises(DeviceTimeoutError, match=r"^dev-sig: fake://X: disconnected"):
        await dev.read()


async def test_read_error_not_rebuildable_gets_a_note() -> None:
    class Odd(Exception):
        def __init__(self, a: int, b: int) -> None:
            super().__init__(f"odd {a} {b}")

    class B(FakeRemoteBackend):
        async def get_value(self) -> float:
            raise Odd(1, 2)

    sig = SignalRW(B("Y"), name="s")
    with pytest.raises(Odd) as info:
        await sig.get_value()
    assert "s (fake://Y): odd 1 2 (in get_value)" in info.value.__notes__


async def test_shipped_devices_are_stageable() -> None:
    motor = SimMotor("m")
    det = SimDetector("d", motors=[motor], seed=3)
    image = SimImageDetector("i", motors=[motor], seed=3)
    for dev in (motor, det, image):
        assert isinstance(dev, bp.Stageable)
        await dev.stage()
        await dev.unstage()


async def test_detector_stage_restarts_noise_and_clears_value() -> None:
    det = SimDetector("d", seed=7, noise=True, amplitude=100.0)
    await det.stage()
    first = []
    for _ in range(3):
        await det.trigger()
        first.append(await det.value.get_value())
    await det.unstage()
    await det.stage()
    assert await det.value.get_value() == 0.0
    again = []
    for _ in range(3):
        await det.trigger()
        again.append(await det.value.get_value())
    assert again == first


async def test_stage_reaches_nested_readables() -> None:
    calls: list[str] = []

    class Child(StandardReadable):
        def stage(self) -> Any:
            calls.append("stage")
            return super().stage()

    class Parent(StandardReadable):
        def __init__(self) -> None:
            self.child = Child()
            super().__init__(name="p")

    await Parent().stage()
    assert calls == ["stage"]


def test_sync_init_devices_names_and_connects() -> None:
    with init_devices(mock=True):
        sync_motor = SimMotor()
    assert sync_motor.name == "sync_motor"
    assert sync_motor.user_setpoint.backend.source("", True).startswith("mock://")


def test_sync_init_devices_on_a_given_loop() -> None:
    loop = asyncio.new_event_loop()
    try:
        with init_devices(loop=loop):
            remote = SignalRW(FakeRemoteBackend("R"))
        assert remote.name == "remote"
        assert remote.backend.connected  # type: ignore[attr-defined]
    finally:
        loop.close()


async def test_sync_init_devices_inside_a_loop_says_use_async_with() -> None:
    with pytest.raises(DeviceError, match="async with init_devices"), init_devices():
        pass


def test_sync_init_devices_connects_on_a_bluesky_run_engine_loop() -> None:
    from bluesky import RunEngine
    from bluesky.plans import count

    loops: list[asyncio.AbstractEventLoop] = []

    class Recording(FakeRemoteBackend):
        async def connect(self, timeout: float) -> None:
            loops.append(asyncio.get_running_loop())
            await super().connect(timeout)

    RE = RunEngine({}, call_returns_result=True)
    with init_devices():
        bs_sig = SignalRW(Recording("B"))
    assert loops == [RE.loop]
    assert RE(count([bs_sig], 2)).exit_status == "success"


async def test_shipped_devices_satisfy_our_stageable_too() -> None:
    from devices.protocols import Stageable

    assert isinstance(SimDetector("d"), Stageable)
    assert isinstance(SimMotor("m"), Stageable)

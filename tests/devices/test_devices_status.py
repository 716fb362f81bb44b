"""Status objects and protocol conformance (ours and the real bluesky.protocols)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import bluesky.protocols as bp
import pytest

from devices import (
    AsyncStatus,
    DeviceError,
    DeviceTimeoutError,
    SignalRW,
    StandardReadable,
    StatusFailedError,
    WatchableAsyncStatus,
    WatcherUpdate,
    soft_signal_rw,
)
from devices import protocols as dp


async def test_async_status_success_and_callbacks() -> None:
    called: list[AsyncStatus] = []
    gate = asyncio.Event()

    async def work() -> None:
        await gate.wait()

    status = AsyncStatus(work(), name="dev.set")
    status.add_callback(called.append)
    assert not status.done
    assert not status.success
    assert status.exception() is None
    gate.set()
    await status
    assert status.done
    assert status.success
    assert status.exception() is None
    assert called == [status]
    late: list[AsyncStatus] = []
    status.add_callback(late.append)
    assert late == [status]
    assert repr(status) == "<AsyncStatus 'dev.set' done>"


async def test_failed_status_names_device_and_reason() -> None:
    async def boom() -> None:
        raise ValueError("motor stalled")

    status = AsyncStatus(boom(), name="stage-x.set")
    with pytest.raises(
        StatusFailedError, match=r"stage-x.set failed: ValueError\('motor stalled'\)"
    ):
        await status
    assert isinstance(status.exception(), StatusFailedError)
    assert isinstance(status.exception().__cause__, ValueError)  # type: ignore[union-attr]
    assert "failed" in repr(status)

    async def dev_error() -> None:
        raise DeviceError("stage-x: limit switch")

    status = AsyncStatus(dev_error())
    with pytest.raises(DeviceError, match="limit switch"):
        await status


async def test_status_timeout_and_wait_and_cancel() -> None:
    async def forever() -> None:
        await asyncio.Event().wait()

    status = AsyncStatus(forever(), name="slow.set", timeout=0.01)
    with pytest.raises(DeviceTimeoutError, match=r"slow\.set did not finish within 0\.01 s"):
        await status
    running = AsyncStatus(forever(), name="slow.trigger")
    with pytest.raises(DeviceTimeoutError, match=r"still running after 0\.01 s"):
        await running.wait(0.01)
    assert not running.done
    assert running.cancel()
    with pytest.raises(asyncio.CancelledError):
        await running
    assert isinstance(running.exception(), asyncio.CancelledError)
    assert not running.success
    quick = AsyncStatus(asyncio.sleep(0))
    await quick.wait()
    await AsyncStatus(asyncio.sleep(0)).wait(1.0)


class Gizmo(StandardReadable):
    def __init__(self, name: str = "") -> None:
        with self.add_children_as_readables():
            self.position = soft_signal_rw(float, 0.0)
        super().__init__(name=name)

    @AsyncStatus.wrap
    async def stage(self) -> None:
        await asyncio.sleep(0)

    @AsyncStatus.wrap
    async def unstage(self) -> None:
        raise RuntimeError("unstage failed")

    @WatchableAsyncStatus.wrap_watchable
    async def set(self, value: float) -> AsyncIterator[WatcherUpdate[float]]:
        start = await self.position.get_value()
        for i in range(1, 4):
            current = start + (value - start) * i / 3
            await self.position.set(current)
            yield WatcherUpdate(
                current=current,
                initial=start,
                target=value,
                name=self.name,
                unit="mm",
                fraction=i / 3,
                time_remaining=3 - i,
            )


async def test_wrapped_methods_and_progress() -> None:
    g = Gizmo(name="g")
    await g.stage()
    with pytest.raises(StatusFailedError, match=r"g\.unstage failed"):
        await g.unstage()
    status = g.set(3.0)
    assert status.name == "g.set"
    updates: list[dict] = []
    status.watch(lambda **kw: updates.append(kw))
    await status
    assert [u["current"] for u in updates] == [1.0, 2.0, 3.0]
    assert updates[-1]["target"] == 3.0
    assert updates[-1]["initial"] == 0.0
    assert updates[-1]["unit"] == "mm"
    assert updates[-1]["name"] == "g"
    assert updates[-1]["time_elapsed"] >= 0
    late: list[dict] = []
    status.watch(lambda **kw: late.append(kw))
    assert late[0]["current"] == 3.0


async def test_our_devices_satisfy_our_protocols_and_bluesky() -> None:
    sig = soft_signal_rw(float, name="s")
    g = Gizmo(name="g")
    status = sig.set(1.0)
    await status
    for proto in (dp.Readable, dp.Movable, dp.Locatable, dp.Subscribable, dp.HasName):
        assert isinstance(sig, proto), proto
    for proto in (bp.Readable, bp.Movable, bp.Locatable, bp.Subscribable, bp.HasName):
        assert isinstance(sig, proto), proto
    assert isinstance(status, dp.Status)
    assert isinstance(status, bp.Status)
    for proto in (dp.Readable, dp.Configurable, dp.HasHints, dp.Stageable, dp.Movable):
        assert isinstance(g, proto), proto
    for proto in (bp.Readable, bp.Configurable, bp.HasHints, bp.Stageable, bp.Movable):
        assert isinstance(g, proto), proto
    assert not isinstance(sig, dp.Triggerable)
    assert not isinstance(g, dp.Flyable)
    ro = SignalRW  # noqa: F841 - SignalR must not look Movable
    from devices import soft_signal_r_and_setter

    r, _ = soft_signal_r_and_setter(float)
    assert not isinstance(r, dp.Movable)
    assert not isinstance(r, bp.Movable)


class _Flyer:
    name = "flyer"
    parent = None

    def kickoff(self) -> AsyncStatus:
        return AsyncStatus.finished("flyer.kickoff")

    def complete(self) -> AsyncStatus:
        return AsyncStatus.finished("flyer.complete")

    async def describe_collect(self) -> dict:
        return {}

    async def collect_asset_docs(self, index: int | None = None) -> AsyncIterator[tuple]:
        yield ("stream_resource", {})

    async def get_index(self) -> int:
        return 0

    def prepare(self, value: object) -> AsyncStatus:
        return AsyncStatus.finished("flyer.prepare")

    def pause(self) -> None: ...

    def resume(self) -> None: ...

    def stop(self, success: bool = True) -> None: ...


@pytest.mark.parametrize(
    "name",
    ["Flyable", "Collectable", "WritesStreamAssets", "Preparable", "Pausable", "Stoppable"],
)
async def test_flyer_protocols_match_bluesky(name: str) -> None:
    flyer = _Flyer()
    assert isinstance(flyer, getattr(dp, name))
    assert isinstance(flyer, getattr(bp, name))
    assert not isinstance(object(), getattr(dp, name))
    assert (await flyer.get_index()) == 0
    await flyer.kickoff()
    await flyer.complete()
    await flyer.prepare(1)

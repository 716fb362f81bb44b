"""Point detectors over CA: a scaler-like multichannel counter and an areaDetector-style camera.

Both count on ``trigger()`` and read their results; the record layouts they
expect are ``devices/epics/db/scaler.db`` and ``camera.db`` (served by the
simulated beamline), which follow the scaler record's and areaDetector's names.
"""

from __future__ import annotations

import asyncio

from devices import AsyncStatus, Component, Kind, StandardReadable
from devices.epics._signals import EpicsSignal, EpicsSignalRO, EpicsSignalWithRBV

__all__ = ["AreaDetectorCam", "EpicsScaler"]

_MARGIN = 10.0  # seconds allowed beyond the nominal count time


class EpicsScaler(StandardReadable):
    """Channels ``S1``..``S4`` counted for ``TP`` seconds when ``CNT`` is set to 1.

    ``trigger()`` starts a count and completes when ``CNT`` returns to 0;
    ``read()`` gives the four channels (``<name>-s1``...), the preset time is
    configuration.
    """

    count = Component(EpicsSignal, "CNT", kind=Kind.omitted, datatype=bool)
    preset_time = Component(EpicsSignal, "TP", kind=Kind.config, datatype=float)
    s1 = Component(EpicsSignalRO, "S1", kind=Kind.normal, datatype=float)
    s2 = Component(EpicsSignalRO, "S2", kind=Kind.hinted, datatype=float)
    s3 = Component(EpicsSignalRO, "S3", kind=Kind.normal, datatype=float)
    s4 = Component(EpicsSignalRO, "S4", kind=Kind.normal, datatype=float)

    @AsyncStatus.wrap
    async def trigger(self) -> None:
        """Count for the preset time."""
        preset = await self.preset_time.get_value()
        await self.count.set(True, wait=True)
        await self.count.wait_for_value(False, timeout=preset + _MARGIN)


class AreaDetectorCam(StandardReadable):
    """A camera with areaDetector's records (``Acquire``, ``AcquireTime``, ``NumImages``,
    ``ImageMode``, ``ArrayCounter``) and one statistic (``Stats:Total_RBV``).

    ``trigger()`` acquires ``NumImages`` images and completes when the array
    counter has grown by that many; ``read()`` gives the counter and the total.
    """

    acquire = Component(EpicsSignal, "Acquire", kind=Kind.omitted, datatype=bool)
    acquire_time = Component(EpicsSignalWithRBV, "AcquireTime", kind=Kind.config, datatype=float)
    num_images = Component(EpicsSignalWithRBV, "NumImages", kind=Kind.config, datatype=int)
    image_mode = Component(EpicsSignalWithRBV, "ImageMode", kind=Kind.config, datatype=str)
    array_counter = Component(EpicsSignalWithRBV, "ArrayCounter", kind=Kind.normal, datatype=int)
    total = Component(EpicsSignalRO, "Stats:Total_RBV", kind=Kind.hinted, datatype=float)

    @AsyncStatus.wrap
    async def trigger(self) -> None:
        """Acquire ``NumImages`` images of ``AcquireTime`` each."""
        exposure, n, before = await asyncio.gather(
            self.acquire_time.get_value(),
            self.num_images.get_value(),
            self.array_counter.get_value(),
        )
        await self.acquire.set(True, wait=True)
        await self.array_counter.wait_for_value(
            lambda count: count >= before + n, timeout=exposure * n + _MARGIN
        )

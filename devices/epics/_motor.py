"""``EpicsMotor``: the EPICS motor record as a movable, stoppable, readable device."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

from devices import (
    Component,
    DeviceError,
    Kind,
    LimitError,
    StandardReadable,
    WatchableAsyncStatus,
    WatcherUpdate,
)
from devices.epics._signals import EpicsSignal, EpicsSignalRO, EpicsSignalX

__all__ = ["EpicsMotor", "MotorStoppedError"]

_STOP_TIMEOUT = 5.0


class MotorStoppedError(DeviceError):
    """A move ended early because the motor was stopped (``stop()`` or a pause)."""


class EpicsMotor(StandardReadable):
    """A motor record ``<prefix>`` (``.VAL``, ``.RBV``, ``.DMOV``, ``.STOP``...).

    ``set(value)`` checks the soft limits (LLM/HLM), writes ``.VAL`` with
    completion (the record completes the put when DMOV=1) and reports progress
    from ``.RBV`` (``status.watch(cb)``). ``stop()`` writes ``.STOP``; a move
    cancelled (an engine pause, an abort) stops the motor before it returns.
    The readback is named like the motor itself (``m1``), as in ophyd.
    """

    user_readback = Component(EpicsSignalRO, ".RBV", kind=Kind.hinted, datatype=float)
    user_setpoint = Component(EpicsSignal, ".VAL", datatype=float, timeout=None)
    velocity = Component(EpicsSignal, ".VELO", kind=Kind.config, datatype=float)
    acceleration = Component(EpicsSignal, ".ACCL", kind=Kind.config, datatype=float)
    motor_egu = Component(EpicsSignalRO, ".EGU", kind=Kind.config, datatype=str)
    high_limit = Component(EpicsSignal, ".HLM", kind=Kind.omitted, datatype=float)
    low_limit = Component(EpicsSignal, ".LLM", kind=Kind.omitted, datatype=float)
    motor_done_move = Component(EpicsSignalRO, ".DMOV", kind=Kind.omitted, datatype=int)
    motor_is_moving = Component(EpicsSignalRO, ".MOVN", kind=Kind.omitted, datatype=int)
    motor_status = Component(EpicsSignalRO, ".MSTA", kind=Kind.omitted)
    motor_stop = Component(EpicsSignalX, ".STOP", kind=Kind.omitted)

    def __init__(self, prefix: str = "", *, name: str = "") -> None:
        self._stop_requested = False
        super().__init__(prefix, name=name)

    def set_name(self, name: str) -> None:
        super().set_name(name)
        self.user_readback.set_name(name)

    async def get_limits(self) -> tuple[float | None, float | None]:
        """``(LLM, HLM)``, or ``(None, None)`` when LLM >= HLM (the record then has no soft
        limits); ``devices.protocols.HasLimits``. Reads the two fields, moves nothing."""
        low, high = await asyncio.gather(self.low_limit.get_value(), self.high_limit.get_value())
        return (low, high) if low < high else (None, None)

    async def _check_limits(self, value: float) -> None:
        low, high = await asyncio.gather(self.low_limit.get_value(), self.high_limit.get_value())
        if low < high and not low <= value <= high:
            raise LimitError(
                f"{self.name} ({self.prefix}): {value!r} is outside the soft limits "
                f"[{low:g}, {high:g}] (LLM, HLM); move inside them or change the limits"
            )

    @WatchableAsyncStatus.wrap_watchable
    async def set(
        self, value: float, timeout: float | None = None
    ) -> AsyncIterator[WatcherUpdate[float]]:
        """Move to ``value``; the status completes when the motor is done (DMOV=1)."""
        await self._check_limits(value)
        initial, units = await asyncio.gather(
            self.user_readback.get_value(), self.motor_egu.get_value()
        )
        self._stop_requested = False
        move = self.user_setpoint.set(value, wait=True, timeout=timeout)
        updates: asyncio.Queue[float | None] = asyncio.Queue()
        move.add_callback(lambda _: updates.put_nowait(None))
        self.user_readback.subscribe_value(updates.put_nowait)
        try:
            while (current := await updates.get()) is not None:
                yield self._update(current, initial, value, units)
            await move
        except asyncio.CancelledError:
            await asyncio.shield(self._stop_now())
            raise
        finally:
            self.user_readback.clear_sub(updates.put_nowait)
            if not move.done:
                move.cancel()
        if self._stop_requested:
            where = await self.user_readback.get_value()
            raise MotorStoppedError(
                f"{self.name} ({self.prefix}) was stopped at {where:g} before reaching {value:g}"
            )
        yield self._update(await self.user_readback.get_value(), initial, value, units)

    def _update(
        self, current: float, initial: float, target: float, units: str
    ) -> WatcherUpdate[float]:
        span = target - initial
        fraction = 1.0 if span == 0 else min(1.0, max(0.0, (current - initial) / span))
        return WatcherUpdate(
            current=current,
            initial=initial,
            target=target,
            name=self.name,
            unit=units,
            fraction=fraction,
        )

    async def _stop_now(self) -> None:
        self._stop_requested = True
        with contextlib.suppress(DeviceError, TimeoutError):
            async with asyncio.timeout(_STOP_TIMEOUT):
                await self.motor_stop.trigger(wait=False)

    async def stop(self, success: bool = False) -> None:
        """Stop the motor now (``.STOP`` = 1); a pending ``set`` then fails unless ``success``."""
        self._stop_requested = not success
        await self.motor_stop.trigger(wait=False)

    async def locate(self) -> dict[str, float]:
        """``{"setpoint": .VAL, "readback": .RBV}``."""
        setpoint, readback = await asyncio.gather(
            self.user_setpoint.get_value(), self.user_readback.get_value()
        )
        return {"setpoint": setpoint, "readback": readback}

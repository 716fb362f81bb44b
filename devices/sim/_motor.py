"""``SimMotor``: a motor whose readback moves in (real or virtual) time."""

from __future__ import annotations

import asyncio
import math
from collections.abc import AsyncIterator

from devices._device import Kind
from devices._exceptions import DeviceError, DeviceTimeoutError, InvalidValueError, LimitError
from devices._readable import StandardReadable
from devices._soft_signals import soft_signal_r_and_setter, soft_signal_rw
from devices._status import AsyncStatus, WatchableAsyncStatus, WatcherUpdate
from devices.sim._clock import RealClock, VirtualClock

__all__ = ["SimMotor"]

_UPDATE_PERIOD = 0.02  # seconds between readback updates during a move
_TIMEOUT_FACTOR = 2.0  # a move may take this times its profile time (plus a margin)


class _Move:
    """One move in flight; a newer ``set`` marks it superseded."""

    __slots__ = ("superseded_by",)

    def __init__(self) -> None:
        self.superseded_by: float | None = None


def _profile(distance: float, velocity: float, accel_time: float) -> tuple[float, float, float]:
    """(total time, acceleration time, peak velocity) of a trapezoidal move."""
    if distance <= 0:
        return 0.0, 0.0, 0.0
    if accel_time <= 0:
        return distance / velocity, 0.0, velocity
    accel = velocity / accel_time
    if distance >= velocity * accel_time:  # reaches full speed
        return distance / velocity + accel_time, accel_time, velocity
    peak = math.sqrt(distance * accel)
    return 2 * peak / accel, peak / accel, peak


def _travelled(t: float, total: float, ta: float, peak: float) -> float:
    """Distance covered ``t`` seconds into the move."""
    if ta <= 0:
        return peak * min(t, total)
    accel = peak / ta
    cruise_end = total - ta
    if t <= ta:
        return 0.5 * accel * t * t
    if t <= cruise_end:
        return 0.5 * peak * ta + peak * (t - ta)
    left = max(0.0, total - t)
    return peak * (total - ta) - 0.5 * accel * left * left


class SimMotor(StandardReadable):
    """A simulated motor: velocity, acceleration time, limits, units, ``stop()``.

    ``instant=True`` jumps to the target; otherwise the readback follows a
    trapezoidal profile on ``clock`` (``VirtualClock()`` for tests: no waiting).
    ``set`` returns a ``WatchableAsyncStatus`` reporting progress. Its reading is
    keyed by the motor's own name (the readback), as in ophyd.

    A non-instant move fails with ``DeviceTimeoutError`` if it takes longer than twice
    its profile time plus ``timeout_margin`` seconds (real time), so nothing hangs.
    """

    timeout_margin: float = 5.0

    def __init__(
        self,
        name: str = "",
        *,
        instant: bool = True,
        velocity: float = 1.0,
        acceleration_time: float = 0.1,
        units: str = "mm",
        limits: tuple[float | None, float | None] | None = None,
        initial: float = 0.0,
        clock: RealClock | VirtualClock | None = None,
    ) -> None:
        with self.add_children_as_readables(Kind.hinted):
            self.user_readback, self._set_readback = soft_signal_r_and_setter(
                float, initial, units=units, precision=3
            )
        with self.add_children_as_readables(Kind.config):
            self.velocity = soft_signal_rw(float, velocity, units=f"{units}/s", limits=(0, None))
            self.acceleration_time = soft_signal_rw(
                float, acceleration_time, units="s", limits=(0, None)
            )
            self.motor_egu = soft_signal_rw(str, units)
        self.user_setpoint = soft_signal_rw(float, initial, units=units, limits=limits)
        self.instant = instant
        self.clock = clock or RealClock()
        self._stop = asyncio.Event()
        self._stop_success = True
        self._current: _Move | None = None
        super().__init__(name=name)

    def set_name(self, name: str) -> None:
        super().set_name(name)
        self.user_readback.set_name(name)  # readings keyed by the motor name

    def set(self, value: float) -> WatchableAsyncStatus:
        """Move to ``value``: fails with ``LimitError`` outside limits, ``InvalidValueError``
        for NaN/inf, ``DeviceError`` if stopped with ``success=False`` or superseded by a
        newer ``set``, ``DeviceTimeoutError`` if the move overruns its profile time.
        Instant moves return a status already done."""
        name = f"{self.name or 'SimMotor'}.set"
        if not _is_finite(value):
            err = InvalidValueError(
                f"{self.name or 'SimMotor'}: cannot move to {value!r}: not a finite number; "
                "pass a finite position"
            )
            return WatchableAsyncStatus.finished(name, err)
        if self._current is not None:  # at most one move drives the readback
            self._current.superseded_by = float(value)
            self._current = None
        if self.instant:
            done = self._jump_now(value, name)
            if done is not None:
                return done
        move = _Move()
        self._current = move
        return WatchableAsyncStatus(self._move(value, move), name=name)

    def _jump_now(self, value: float, name: str) -> WatchableAsyncStatus | None:
        """An instant move without awaiting, or None if a backend needs awaiting."""
        setpoint = self.user_setpoint._backend
        put_nowait = getattr(setpoint, "put_nowait", None)
        get_units = getattr(self.motor_egu._backend, "get_value_nowait", None)
        get_start = getattr(self.user_readback._backend, "get_value_nowait", None)
        if put_nowait is None or get_units is None or get_start is None:
            return None
        start = get_start()
        try:
            if not put_nowait(value):
                return None
        except LimitError as exc:
            err = LimitError(f"{self.name}: cannot move to {value!r}: {exc}")
            return WatchableAsyncStatus.finished(name, err)
        except DeviceError as exc:
            return WatchableAsyncStatus.finished(name, self.user_setpoint._named(exc))
        target = float(value)
        self._set_readback(target)
        update = self._update(target, start, target, get_units(), 0.0, 0.0)
        return WatchableAsyncStatus.finished(name, update=update)

    async def _move(self, value: float, move: _Move) -> AsyncIterator[WatcherUpdate[float]]:
        try:
            async for update in self._profile_move(value, move):
                yield update
        finally:
            if self._current is move:
                self._current = None

    async def _profile_move(self, value: float, move: _Move) -> AsyncIterator[WatcherUpdate[float]]:
        _check_current(self, move, value)
        start = await self.user_readback.get_value()
        try:
            await self.user_setpoint.set(value)
        except LimitError as exc:
            raise LimitError(f"{self.name}: cannot move to {value!r}: {exc}") from None
        units = await self.motor_egu.get_value()
        _check_current(self, move, value)
        self._stop.clear()
        if self.instant:
            self._set_readback(float(value))
            yield self._update(value, start, value, units, 0.0, 0.0)
            return
        velocity = await self.velocity.get_value()
        if velocity <= 0:
            raise DeviceError(f"{self.name}: velocity is {velocity}; set a positive velocity")
        ta = await self.acceleration_time.get_value()
        total, ta, peak = _profile(abs(value - start), velocity, ta)
        if not math.isfinite(total):
            raise DeviceError(f"{self.name}: a move to {value} would never end; check velocity")
        limit = _TIMEOUT_FACTOR * total + self.timeout_margin
        sign = 1.0 if value >= start else -1.0
        t0 = self.clock.time()
        deadline = asyncio.get_running_loop().time() + limit
        while not self._stop.is_set():
            _check_current(self, move, value)
            if asyncio.get_running_loop().time() > deadline:
                raise DeviceTimeoutError(
                    f"{self.name}: move to {value} did not finish within {limit:.3g} s "
                    f"(profile time {total:.3g} s); check the clock and velocity"
                )
            elapsed = self.clock.time() - t0
            done = elapsed >= total
            pos = value if done else start + sign * _travelled(elapsed, total, ta, peak)
            self._set_readback(pos)
            yield self._update(pos, start, value, units, elapsed, max(0.0, total - elapsed))
            if done:
                return
            await self.clock.sleep(min(_UPDATE_PERIOD, total - elapsed))
        if not self._stop_success:
            where = await self.user_readback.get_value()
            raise DeviceError(f"{self.name}: move to {value} stopped at {where:.4g}")

    def _update(
        self, pos: float, start: float, target: float, units: str, elapsed: float, left: float
    ) -> WatcherUpdate[float]:
        span = target - start
        return WatcherUpdate(
            current=pos,
            initial=start,
            target=target,
            name=self.name,
            unit=units,
            precision=3,
            fraction=1.0 if span == 0 else (pos - start) / span,
            time_elapsed=elapsed,
            time_remaining=left,
        )

    @AsyncStatus.wrap
    async def stop(self, success: bool = True) -> None:
        """Stop where it is; a move in flight fails unless ``success``."""
        self._stop_success = success
        self._stop.set()
        await self.user_setpoint.set(await self.user_readback.get_value())

    async def get_limits(self) -> tuple[float | None, float | None]:
        """``(low, high)`` of the setpoint's control limits, ``None`` where unbounded
        (``devices.protocols.HasLimits``); read from its data key, nothing moves."""
        key = (await self.user_setpoint.describe())[self.user_setpoint.name]
        control = key.get("limits", {}).get("control", {})
        return control.get("low"), control.get("high")

    async def locate(self) -> dict[str, float]:
        """``{"setpoint": ..., "readback": ...}``."""
        return {
            "setpoint": await self.user_setpoint.get_value(),
            "readback": await self.user_readback.get_value(),
        }


def _is_finite(value: object) -> bool:
    try:
        return math.isfinite(value)  # type: ignore[arg-type]
    except TypeError:
        return True  # not a number: the setpoint signal rejects it with a DatatypeError


def _check_current(motor: SimMotor, move: _Move, value: float) -> None:
    if move.superseded_by is not None:
        raise DeviceError(
            f"{motor.name}: move to {value} superseded by a new move to {move.superseded_by}"
        )

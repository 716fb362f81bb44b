"""Simulated detectors: a point detector and an image detector following motor positions."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from devices._device import Kind
from devices._readable import StandardReadable
from devices._signal import SignalR
from devices._soft_signals import soft_signal_r_and_setter, soft_signal_rw
from devices._status import AsyncStatus
from devices.sim._clock import RealClock, VirtualClock
from devices.sim._motor import SimMotor

__all__ = ["SimDetector", "SimImageDetector"]


class _Exposing(StandardReadable):
    """Shared parts: motors to follow, exposure time, clock, random generator."""

    def _setup(
        self,
        motors: Sequence[SimMotor],
        centers: Sequence[float] | None,
        sigma: float,
        exposure: float,
        clock: RealClock | VirtualClock | None,
        seed: int | None,
        beam_current: SignalR[float] | None,
    ) -> None:
        self._motors = list(motors)
        self._centers = np.asarray(
            list(centers) if centers is not None else [0.0] * len(self._motors), dtype=float
        )
        self._center_list = [float(c) for c in self._centers]
        self._sigma = sigma
        self._clock = clock or RealClock()
        self._seed = seed
        self._rng = np.random.default_rng(seed)
        self._beam_current = beam_current
        with self.add_children_as_readables(Kind.config):
            self.exposure_time = soft_signal_rw(float, exposure, units="s", limits=(0, None))

    async def _inputs(self) -> tuple[float, list[float], float | None]:
        """(exposure time, motor positions, beam current) read through the signals."""
        pos = [await m.user_readback.get_value() for m in self._motors]
        cur = await self._beam_current.get_value() if self._beam_current is not None else None
        return await self.exposure_time.get_value(), pos, cur

    def _inputs_now(self) -> tuple[float, list[float], float | None] | None:
        """The same without awaiting, if every backend holds its value in memory."""
        values = [_now(m.user_readback) for m in self._motors]
        values.append(_now(self.exposure_time))
        if self._beam_current is not None:
            values.append(_now(self._beam_current))
        if any(v is _MISSING for v in values):
            return None
        n = len(self._motors)
        cur = values[n + 1] if self._beam_current is not None else None
        return values[n], values[:n], cur

    def _scale(self, pos: list[float], current: float | None) -> float:
        """Intensity factor: the Gaussian of the motor positions times beam current / 100."""
        dist2 = sum((p - c) ** 2 for p, c in zip(pos, self._center_list, strict=True))
        peak = math.exp(-dist2 / (2 * self._sigma**2))
        if current is not None:
            peak *= max(0.0, current) / 100.0
        return peak

    def _take(self, pos: list[float], current: float | None) -> None:  # pragma: no cover
        raise NotImplementedError

    def stage(self) -> AsyncStatus:
        """Start a run afresh: noise restarts from ``seed`` (runs repeat exactly when
        seeded) and the last value is cleared until the next ``trigger``."""
        self._rng = np.random.default_rng(self._seed)
        self._clear()
        return super().stage()

    def _clear(self) -> None:  # pragma: no cover - overridden
        raise NotImplementedError

    def trigger(self) -> AsyncStatus:
        """Expose and take new data (done at once when the exposure time is 0)."""
        name = f"{self.name or type(self).__name__}.trigger"
        now = self._inputs_now()
        if now is not None and now[0] <= 0:
            self._take(now[1], now[2])
            return AsyncStatus.finished(name)
        return AsyncStatus(self._trigger(), name=name)

    async def _trigger(self) -> None:
        exposure = await self.exposure_time.get_value()
        if exposure > 0:
            await self._clock.sleep(exposure)
        _, pos, current = await self._inputs()
        self._take(pos, current)


_MISSING: Any = object()


def _now(signal: SignalR[Any]) -> Any:
    get = getattr(signal._backend, "get_value_nowait", None)
    return _MISSING if get is None else get()


class SimDetector(_Exposing):
    """A point detector: a Gaussian peak of the motor positions, plus noise.

    ``value = background + amplitude * exp(-|pos - center|^2 / (2 sigma^2))``
    (times ``beam_current / 100`` if given), with Poisson noise if ``noise``.
    ``trigger()`` waits the exposure time on ``clock`` and takes a new value.
    """

    def __init__(
        self,
        name: str = "",
        *,
        motors: Sequence[SimMotor] = (),
        centers: Sequence[float] | None = None,
        sigma: float = 1.0,
        amplitude: float = 1000.0,
        background: float = 0.0,
        noise: bool = True,
        exposure: float = 0.0,
        clock: RealClock | VirtualClock | None = None,
        seed: int | None = None,
        beam_current: SignalR[float] | None = None,
    ) -> None:
        with self.add_children_as_readables(Kind.hinted):
            self.value, self._set_value = soft_signal_r_and_setter(float, 0.0, units="counts")
        self._setup(motors, centers, sigma, exposure, clock, seed, beam_current)
        self.amplitude = amplitude
        self.background = background
        self.noise = noise
        super().__init__(name=name)

    def set_name(self, name: str) -> None:
        super().set_name(name)
        self.value.set_name(name)  # readings keyed by the detector name

    def _clear(self) -> None:
        self._set_value(0.0)

    def _take(self, pos: list[float], current: float | None) -> None:
        mean = self.background + self.amplitude * self._scale(pos, current)
        value = float(self._rng.poisson(max(mean, 0.0))) if self.noise else mean
        self._set_value(value)


class SimImageDetector(_Exposing):
    """A 2-D detector: a Gaussian blob that moves with the first two motors.

    Frames are ``shape`` (rows, columns), 64x64 up to 2048x2048 and beyond. The
    blob's column follows motor 0, its row motor 1 (``pixels_per_unit`` per unit
    from the centre); its brightness is the Gaussian of all motor positions.
    Reads give ``<name>-image`` (the frame) and ``<name>-total`` (its sum, hinted).
    """

    def __init__(
        self,
        name: str = "",
        *,
        motors: Sequence[SimMotor] = (),
        shape: tuple[int, int] = (64, 64),
        centers: Sequence[float] | None = None,
        sigma: float = 1.0,
        amplitude: float = 1000.0,
        blob_width: float | None = None,
        pixels_per_unit: float | None = None,
        noise: bool = True,
        exposure: float = 0.0,
        clock: RealClock | VirtualClock | None = None,
        seed: int | None = None,
        beam_current: SignalR[float] | None = None,
    ) -> None:
        rows, cols = shape
        with self.add_children_as_readables(Kind.normal):
            self.image, self._set_image = soft_signal_r_and_setter(
                np.ndarray, np.zeros(shape, dtype=np.float32)
            )
        with self.add_children_as_readables(Kind.hinted):
            self.total, self._set_total = soft_signal_r_and_setter(float, 0.0, units="counts")
        self._setup(motors, centers, sigma, exposure, clock, seed, beam_current)
        self.shape = (rows, cols)
        self.amplitude = amplitude
        self.noise = noise
        self._width = blob_width or max(rows, cols) / 16
        self._ppu = pixels_per_unit or max(rows, cols) / 8
        self._cols = np.arange(cols, dtype=np.float32)
        self._rows = np.arange(rows, dtype=np.float32)
        super().__init__(name=name)

    def _clear(self) -> None:
        self._set_image(np.zeros(self.shape, dtype=np.float32))
        self._set_total(0.0)

    def _take(self, pos: list[float], current: float | None) -> None:
        frame = self._frame(pos, current)
        self._set_image(frame)
        self._set_total(float(frame.sum(dtype=np.float64)))

    async def frame(self) -> np.ndarray[Any, Any]:
        """A new frame for the current motor positions (not stored)."""
        _, pos, current = await self._inputs()
        return self._frame(pos, current)

    def _frame(self, pos: list[float], current: float | None) -> np.ndarray[Any, Any]:
        offsets = (np.asarray(pos, dtype=float) - self._centers)[:2] * self._ppu
        cx = self.shape[1] / 2 + (offsets[0] if len(offsets) > 0 else 0.0)
        cy = self.shape[0] / 2 + (offsets[1] if len(offsets) > 1 else 0.0)
        gx = np.exp(-((self._cols - cx) ** 2) / (2 * self._width**2))
        gy = np.exp(-((self._rows - cy) ** 2) / (2 * self._width**2))
        peak = np.float32(self.amplitude * self._scale(pos, current))
        frame = np.outer(gy * peak, gx).astype(np.float32, copy=False)
        if self.noise:
            frame += self._rng.standard_normal(frame.shape, dtype=np.float32)
        return frame

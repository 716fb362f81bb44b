"""``sim_beamline()``: a consistent set of simulated devices for demos and tests."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from devices._device import DEFAULT_TIMEOUT, Device, Kind, _connect_all
from devices._readable import StandardReadable
from devices._signal import SignalR
from devices._soft_signals import soft_signal_r_and_setter
from devices.sim._clock import RealClock, VirtualClock
from devices.sim._detector import SimDetector, SimImageDetector
from devices.sim._motor import SimMotor

__all__ = ["SimBeamline", "SimSlit", "sim_beamline"]


class SimSlit(StandardReadable):
    """A slit: horizontal and vertical gap and centre motors."""

    def __init__(
        self, name: str = "", *, instant: bool = True, clock: RealClock | VirtualClock | None = None
    ) -> None:
        with self.add_children_as_readables(Kind.normal):
            self.x_gap = SimMotor(instant=instant, initial=1.0, limits=(0.0, 10.0), clock=clock)
            self.y_gap = SimMotor(instant=instant, initial=1.0, limits=(0.0, 10.0), clock=clock)
            self.x_center = SimMotor(instant=instant, limits=(-5.0, 5.0), clock=clock)
            self.y_center = SimMotor(instant=instant, limits=(-5.0, 5.0), clock=clock)
        super().__init__(name=name)


@dataclass
class SimBeamline:
    """The devices of ``sim_beamline()``; ``devices`` maps name to device."""

    x: SimMotor
    y: SimMotor
    th: SimMotor
    det: SimDetector
    det_xy: SimDetector
    camera: SimImageDetector
    slit: SimSlit
    beam_current: SignalR[float]
    set_beam_current: Callable[[float], None] = field(repr=False)
    clock: RealClock | VirtualClock = field(repr=False)

    @property
    def devices(self) -> dict[str, Device]:
        """Every device by name."""
        return {
            d.name: d
            for d in (
                self.x,
                self.y,
                self.th,
                self.det,
                self.det_xy,
                self.camera,
                self.slit,
                self.beam_current,
            )
        }

    async def connect(self, mock: bool = False, timeout: float = DEFAULT_TIMEOUT) -> None:
        """Connect every device together (one aggregated error)."""
        await _connect_all(list(self.devices.values()), mock, timeout, False, "sim_beamline")


def sim_beamline(
    *,
    instant: bool = True,
    clock: RealClock | VirtualClock | None = None,
    image_shape: tuple[int, int] = (64, 64),
    seed: int | None = None,
    velocity: float = 1.0,
) -> SimBeamline:
    """Motors ``x``, ``y``, ``th``; detectors ``det`` (peak at x=0), ``det_xy`` (peak at
    x=y=0), ``camera`` (64x64 blob following x, y); ``slit``; ``beam_current`` (mA,
    400 at start; set it with ``set_beam_current`` to trip a suspender). ``velocity``
    is the x/y motor speed in mm/s (``th`` turns 5x that in deg/s).

    Detector intensities scale with the beam current.
    """
    clk = clock or RealClock()
    lims = (-10.0, 10.0)
    x = SimMotor("x", instant=instant, limits=lims, velocity=velocity, clock=clk)
    y = SimMotor("y", instant=instant, limits=lims, velocity=velocity, clock=clk)
    th = SimMotor("th", instant=instant, units="deg", velocity=5.0 * velocity, clock=clk)
    current, set_current = soft_signal_r_and_setter(float, 400.0, "beam_current", units="mA")
    det = SimDetector("det", motors=[x], clock=clk, seed=seed, beam_current=current)
    det_xy = SimDetector("det_xy", motors=[x, y], clock=clk, seed=seed, beam_current=current)
    camera = SimImageDetector(
        "camera", motors=[x, y], shape=image_shape, clock=clk, seed=seed, beam_current=current
    )
    slit = SimSlit("slit", instant=instant, clock=clk)
    return SimBeamline(x, y, th, det, det_xy, camera, slit, current, set_current, clk)

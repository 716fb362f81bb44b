"""The steps of ``acq demo``: devices, plans and what the session prints."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from devices.sim import SimDetector, sim_beamline
from rich.console import Console

import plans
from acq.callbacks import PeakResult
from acq.cli._common import _connect
from acq.cli._session import _Session
from plans.stubs import abs_set, wait

PEAK_AT = 0.42  # where the simulated sample's peak is, in mm of x


class _Demo:
    """A simulated beamline, a RunEngine with live views, and the record of a session."""

    def __init__(self, data_dir: Path, *, console: Console, fast: bool = False) -> None:
        self.console = console
        self.fast = fast
        self.session = _Session(data_dir, console=console)
        self.RE = self.session.RE
        self.bl = sim_beamline(seed=0, instant=fast, velocity=4.0)
        # a sample whose peak is off-centre, seen through the beamline's x motor
        self.det = SimDetector(
            "det",
            motors=[self.bl.x],
            centers=[PEAK_AT],
            sigma=0.35,
            amplitude=5000,
            background=40,
            exposure=0.0 if fast else 0.04,
            seed=0,
            beam_current=self.bl.beam_current,
        )
        self.devices: dict[str, Any] = {**self.bl.devices, "det": self.det}
        self.outputs: list[tuple[str, str]] = []
        self.ok = True

    async def connect(self) -> None:
        await _connect(self.devices)
        await self.bl.x.acceleration_time.set(0.0 if self.fast else 0.05)

    def _step(self, number: int, text: str) -> None:
        self.console.print()
        self.console.print(f"[bold cyan]{number}.[/] [bold]{text}[/]")

    def intro(self) -> None:
        self.console.print(
            "[bold]acq demo[/]: a short session on a simulated beamline "
            "(motors x, y, th; detectors det and camera)."
        )
        self.console.print(f"Data goes to {self.session.data_dir}")

    async def _run(self, plan: Any) -> None:
        result = await self.RE(plan)
        self.ok = self.ok and result.exit_status == "success"

    async def find_peak(self, points: int) -> PeakResult | None:
        self._step(1, f"Scan det across x from -2 to 2 mm ({points} points)")
        await self._run(plans.scan([self.det], self.bl.x, -2.0, 2.0, points))
        peak = self.session.bec.peaks.get("det")
        for path in self.session.bec.saved:
            self.outputs.append(("plot", str(path)))
        return None if peak is None else peak.result

    async def move_to_peak(self, peak: PeakResult | None) -> None:
        if peak is None or peak.cen is None:
            self.console.print("No peak found; x stays where it is.")
            self.ok = False
            return
        target = round(float(peak.cen), 3)
        self._step(2, f"Move x to the peak centre found by PeakStats: x -> {target} mm")
        bars = self.session.bec.progress

        async def move() -> None:
            status = await abs_set(self.bl.x, target, group="to-peak")
            if bars is not None:
                bars.track(status, "x")
            await wait(group="to-peak")

        await self._run(move())
        where = await self.bl.x.user_readback.get_value()
        self.console.print(f"x is at {where:.3f} mm (peak centre {peak.cen:.3f} mm)")

    async def images(self) -> None:
        """Camera frames while x steps across the peak (written to HDF5 when available)."""
        self._step(3, "Take camera frames across the peak")
        cam = self.bl.camera
        await self._run(plans.rel_scan([cam], self.bl.x, -0.5, 0.5, 5))

    def close(self) -> None:
        self.session.close()

    def summary(self) -> None:
        self.console.print()
        self.console.print("[bold]Where everything went[/]")
        for label, where in self.outputs:
            self.console.print(f"  {label:<8} {where}")

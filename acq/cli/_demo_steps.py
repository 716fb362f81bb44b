"""The steps of ``acq demo``: devices, plans and what the session prints."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rich.console import Console

import plans
from acq.callbacks import PeakResult
from acq.cli._common import _connect
from acq.cli._session import _Session
from devices.sim import SimDetector, SimHDF5Detector, SimMotor, sim_beamline
from plans.stubs import abs_set, collect, complete, kickoff, prepare, sleep, wait
from plans.wrappers import run_wrapper, stage_wrapper

PEAK_AT = 0.42  # where the simulated sample's peak is, in mm of x


async def _fly(
    cam: SimHDF5Detector,
    motor: SimMotor,
    stop: float,
    spec: dict[str, Any],
    bars: Any,
    files: list[str],
) -> None:
    """The motor flies to ``stop`` while the camera writes frames to its HDF5 file.

    Collects every 0.1 s until the camera completes, so the frames are recorded
    (and counted by the progress bar) as they are written. Appends the file to ``files``.
    """
    frames = int(spec["frames"])
    if bars is not None:  # the frames bar knows its total from the start
        bars.update(f"{cam.name} frames", 0.0, float(frames), units="frames")
    await prepare(cam, spec, wait=True)
    if cam.path is not None:
        files.append(cam.path)
    await abs_set(motor, stop, group="fly-move")
    await kickoff(cam, group="kickoff", wait=True)
    status = await complete(cam, group="complete")
    while not status.done:
        await sleep(0.1)
        await collect(cam)
    await wait(group="complete")
    await collect(cam)
    await wait(group="fly-move")


class _Demo:
    """A simulated beamline, a RunEngine with live views, and the record of a session."""

    def __init__(self, data_dir: Path, *, console: Console, fast: bool = False) -> None:
        self.console = console
        self.fast = fast
        self.session = _Session(data_dir, console=console)
        self.RE = self.session.RE
        self.bl = sim_beamline(seed=0, instant=fast, velocity=10.0)
        # a sample whose peak is off-centre, seen through the beamline's x motor
        self.det = SimDetector(
            "det",
            motors=[self.bl.x],
            centers=[PEAK_AT],
            sigma=0.35,
            amplitude=5000,
            background=40,
            exposure=0.0 if fast else 0.02,
            seed=0,
            beam_current=self.bl.beam_current,
        )
        self.camera = SimHDF5Detector(
            "camera",
            directory=data_dir / "hdf5",
            motors=[self.bl.x, self.bl.y],
            centers=[PEAK_AT, 0.0],
            sigma=0.35,
            seed=0,
            beam_current=self.bl.beam_current,
        )
        self.devices: dict[str, Any] = {**self.bl.devices, "det": self.det, "camera": self.camera}
        self.outputs: list[tuple[str, str]] = []
        self.ok = True

    async def connect(self) -> None:
        await _connect(self.devices)
        await self.bl.x.acceleration_time.set(0.0 if self.fast else 0.02)

    def _step(self, number: int, text: str) -> None:
        self.console.print()
        self.console.print(f"[bold cyan]{number}.[/] [bold]{text}[/]")

    def intro(self) -> None:
        self.console.print("[bold]acq demo[/]: a short session on a simulated beamline.")
        self.console.print("Motors x, y, th; a point detector det; a camera writing HDF5.")
        self.console.print(f"Data goes to {self.session.data_dir}")

    async def _run(self, plan: Any) -> None:
        result = await self.RE(plan)
        self.ok = self.ok and result.exit_status == "success"

    async def find_peak(self, points: int) -> PeakResult | None:
        self._step(1, f"Scan det across x from -2 to 2 mm ({points} points)")
        await self._run(plans.scan([self.det], self.bl.x, -2.0, 2.0, points))
        peak = self.session.bec.peaks.get("det")
        result = None if peak is None else peak.result
        if result is not None and result.cen is not None:
            self._mark_peak(float(result.cen))
        return result

    def _mark_peak(self, cen: float) -> None:
        """Mark the peak centre on the scan's saved plot."""
        bec = self.session.bec
        if bec.figure is None or not bec.saved or not bec.figure.axes:
            return
        ax = bec.figure.axes[0]
        ax.axvline(cen, color="tab:red", linestyle="--", label=f"peak centre {cen:.3f} mm")
        ax.legend(loc="upper left")
        scan_id = self.session.starts[-1].get("scan_id")
        ax.set_title(f"scan {scan_id}: det across x", loc="left")
        bec.figure.savefig(bec.saved[-1], dpi=100)

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
            if bars is not None and hasattr(status, "watch"):
                status.watch(bars.watcher("x"))  # a bar that follows the move
                status.add_callback(lambda st: bars.finish("x", success=st.success))
            await wait(group="to-peak")

        await self._run(move())
        where = await self.bl.x.user_readback.get_value()
        self.console.print(f"x is at {where:.3f} mm (peak centre {peak.cen:.3f} mm)")

    async def fly(self, frames: int = 40) -> None:
        """Fly x across the peak while the camera writes frames to its own HDF5 file."""
        here = await self.bl.x.user_readback.get_value()
        start, stop = round(here - 1.0, 3), round(here + 1.0, 3)
        self._step(3, f"Fly scan: x flies {start} -> {stop} mm, the camera takes {frames} frames")
        exposure = 0.001 if self.fast else 0.02
        await self.bl.x.set(start)
        if not self.fast:  # the flight lasts as long as the frames take
            await self.bl.x.velocity.set((stop - start) / (frames * exposure))
        md: dict[str, Any] = {"plan_name": "fly_scan", "detectors": ["camera"], "motors": ["x"]}
        md |= {"frames": frames, "estimated_duration": frames * exposure}
        spec = {"frames": frames, "exposure": exposure}
        files: list[str] = []
        inner = _fly(self.camera, self.bl.x, stop, spec, self.session.bec.progress, files)
        result = await self.RE(stage_wrapper(run_wrapper(inner, md=md), [self.camera]))
        self.ok = self.ok and result.exit_status == "success"
        for path in files:
            self.console.print(f"{frames} frames written to {path}", soft_wrap=True)
            self.outputs.append(("HDF5", path))

    def close(self) -> None:
        self.session.close()

    def summary(self, default_dir: bool) -> None:
        """Where everything went, and the commands that show it again."""
        session = self.session
        scans = ", ".join(str(s.get("scan_id")) for s in session.starts)
        rows = [("catalog", f"{session.catalog_path}  (runs with scan_id {scans})")]
        rows += [("plot", str(path)) for path in session.bec.saved]
        rows += self.outputs
        self.console.print()
        self.console.print("[bold]Where everything went[/]")
        for label, where in rows:
            self.console.print(f"  {label:<8} {where}", soft_wrap=True)
        self.console.print()
        self.console.print("[bold]Look at it again[/]")
        for line in self._look_again(default_dir):
            self.console.print(line, soft_wrap=True, markup=False)
        verdict = "[green]finished[/]" if self.ok else "[red]finished with errors[/]"
        self.console.print(f"\nDemo {verdict}. Next: docs/tutorials/first-scan.md")

    def _look_again(self, default_dir: bool) -> list[str]:
        session = self.session
        uri = None if default_dir else str(session.catalog_path)
        ls, show = session.where_to_look(uri)
        width = max(len(ls), len(show)) + 2
        lines = [f"  {ls:<{width}}# list the runs", f"  {show:<{width}}# the newest run"]
        ids = [s.get("scan_id") for s in session.starts]
        if len(ids) >= 2:
            name, opener = "default_catalog", "default_catalog()"
            if not default_dir:
                name, opener = "Catalog", f"Catalog.open({uri!r})"
            lines += [
                "  In Python:",
                f"    from acq.catalog import {name}",
                f"    {opener}[{ids[0]}].primary.read()  # the scan",
                f'    {opener}[{ids[-1]}]["camera"].read()["camera-image"]  # the frames',
            ]
        return lines

"""Dry runs: simulate, summarize_plan, check_limits, estimate_duration, plot_trajectory."""

from __future__ import annotations

import sys
from collections.abc import Awaitable, Generator
from pathlib import Path
from typing import Any, TextIO

from acq._exceptions import PlanError
from acq.messages import Msg, _check_unstarted, bind_handler, unbind_handler
from plans._sim import SimResult, Simulator
from plans._sim_fast import _fast_simulate, _scan_parts


async def _drive_generator(gen: Generator[Any, Any, Any], sim: Simulator) -> Any:
    """Run a bluesky-style generator plan (``yield Msg(...)``) against the simulator."""
    result: Any = None
    while True:
        try:
            msg = gen.send(result)
        except StopIteration as stop:
            return stop.value
        result = await sim.process(msg)


def _vectorizable(options: dict[str, Any]) -> bool:
    return (
        options.get("max_messages", 100_000) == 0
        and not options.get("keep_points", True)
        and not options.get("responses")
        and not options.get("read_devices", False)
    )


async def simulate(
    plan: Awaitable[Any] | Generator[Any, Any, Any], *, vectorize: bool = True, **options: Any
) -> SimResult:
    """Run ``plan`` against a :class:`Simulator` (options as its constructor) and report.

    ``plan`` is a coroutine plan or a bluesky-style generator plan. Nothing
    moves and no device backend is touched. With ``max_messages=0`` and
    ``keep_points=False`` a plain step scan (scan_nd and the plans built on it,
    default per_step) is checked from its trajectory with numpy instead of
    message by message (same results; ``result.method == "trajectory"``).
    """
    _check_unstarted(plan)
    sim = Simulator(**options)
    parts = _scan_parts(plan) if vectorize and _vectorizable(options) else None
    if parts is not None:
        try:
            for motor in parts[1].keys:
                await sim._learn(motor)
            uid = _fast_simulate(sim, parts)
        except BaseException:
            plan.close()  # type: ignore[union-attr]
            raise
        if uid is not None:
            plan.close()  # type: ignore[union-attr]
            return sim.finish(uid)
    token = bind_handler(sim)
    try:
        if isinstance(plan, Generator):
            ret = await _drive_generator(plan, sim)
        else:
            ret = await plan
    finally:
        unbind_handler(token)
    return sim.finish(ret)


def _summary_lines(messages: list[Msg]) -> list[str]:
    lines: list[str] = []
    reads: list[str] = []
    for msg in messages:
        cmd = msg.command
        if cmd == "open_run":
            lines.append(f"{' Open Run ':=^80}")
        elif cmd == "close_run":
            lines.append(f"{' Close Run ':=^80}")
        elif cmd == "set":
            lines.append(f"{getattr(msg.obj, 'name', msg.obj)} -> {msg.args[0]}")
        elif cmd == "create":
            reads = []
        elif cmd == "read":
            reads.append(str(getattr(msg.obj, "name", msg.obj)))
        elif cmd == "save":
            lines.append(f"  Read {reads}")
    return lines


async def summarize_plan(
    plan: Awaitable[Any] | Generator[Any, Any, Any], *, file: TextIO | None = None, **options: Any
) -> str:
    """Print (to ``file``, default stdout) and return a readable list of what ``plan`` does.

    One line per move (``motor -> 1.0``) and per event (``Read ['det', 'motor']``),
    with banners where runs open and close.
    """
    result = await simulate(plan, max_messages=None, keep_points=False, **options)
    text = "\n".join(_summary_lines(result.messages))
    print(text, file=file or sys.stdout)
    return text


async def check_limits(plan: Awaitable[Any] | Generator[Any, Any, Any], **options: Any) -> None:
    """Raise :class:`acq.PlanError` naming the device, value and limits of the first
    ``set`` outside a device's limits: its ``get_limits()`` (``devices.protocols.HasLimits``,
    e.g. SimMotor, EpicsMotor), else its ``limits`` tuple, or ``limits={dev: (lo, hi)}``."""
    await simulate(plan, strict=True, max_messages=0, keep_points=False, **options)


async def estimate_duration(
    plan: Awaitable[Any] | Generator[Any, Any, Any], **options: Any
) -> float:
    """Seconds ``plan`` would take: moves at the motors' ``velocity`` (a number or a
    signal's value), triggers taking the detectors' exposure time, sleeps; instant where
    nothing is known."""
    result = await simulate(plan, max_messages=0, keep_points=False, **options)
    return result.duration


async def plot_trajectory(
    plan: Awaitable[Any] | Generator[Any, Any, Any] | SimResult,
    path: str | Path,
    *,
    x: str | None = None,
    y: str | None = None,
    **options: Any,
) -> Path:
    """Draw the positions at each event of a 2-D plan to a PNG at ``path`` (needs matplotlib).

    ``x``/``y`` name the motors (default: the first two the plan moves).
    """
    try:
        import matplotlib

        matplotlib.use("Agg")
        from matplotlib import pyplot as plt
    except ImportError as exc:  # pragma: no cover - matplotlib is in the test extra
        raise PlanError("plot_trajectory() needs matplotlib: pip install matplotlib") from exc
    result = plan if isinstance(plan, SimResult) else await simulate(plan, **options)
    names = list(result.sets)
    x = x or (names[0] if names else None)
    y = y or (names[1] if len(names) > 1 else None)
    if x is None or y is None:
        raise PlanError(f"plot_trajectory(): needs two moving motors, the plan moved {names}.")
    points = [p for p in result.points if x in p and y in p]
    fig, ax = plt.subplots(figsize=(5, 5))
    try:
        ax.plot([p[x] for p in points], [p[y] for p in points], "-o", markersize=3, linewidth=0.8)
        ax.set_xlabel(x)
        ax.set_ylabel(y)
        ax.set_title(f"{len(points)} points")
        out = Path(path)
        fig.savefig(out, format="png", dpi=80)
    finally:
        plt.close(fig)
    return out

"""Dry runs of plans: no hardware, no device backends touched.

::

    text = await summarize_plan(scan([det], motor, -1, 1, 5))   # what it would do
    await check_limits(scan([det], motor, -1, 1, 5))            # PlanError if outside
    seconds = await estimate_duration(grid_scan([det], m1, 0, 1, 10, m2, 0, 1, 10))
    await plot_trajectory(spiral([det], m1, m2, 0, 0, 1, 1, 0.1, 6), "spiral.png")

:class:`Simulator` is the message handler behind them; bind it yourself to
record what a plan sends (the test suite does).
"""

from __future__ import annotations

from plans._sim import SimResult, Simulator
from plans._sim_run import (
    check_limits,
    estimate_duration,
    plot_trajectory,
    simulate,
    summarize_plan,
)

__all__ = [
    "SimResult",
    "Simulator",
    "check_limits",
    "estimate_duration",
    "plot_trajectory",
    "simulate",
    "summarize_plan",
]

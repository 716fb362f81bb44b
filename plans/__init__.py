"""plans: the plan library (``async def`` coroutines that talk to the engine via stubs).

Every plan of bluesky's ``bluesky.plans`` is here with the same name, arguments
and start metadata. Calling a plan checks its arguments at once (a
:class:`acq.PlanError` names the bad parameter before any message is sent) and
returns a coroutine to hand to the RunEngine or to await inside another plan::

    uid = await RE(scan([det], motor, -1, 1, 11))

Building blocks live in :mod:`plans.stubs`, wrappers (preprocessors) in
:mod:`plans.wrappers`, dry runs in :mod:`plans.sim`.
"""

from __future__ import annotations

from plans._plans_1d import (
    count,
    list_scan,
    log_scan,
    rel_list_scan,
    rel_log_scan,
    rel_scan,
    scan,
    x2x_scan,
)
from plans._plans_adaptive import adaptive_scan, rel_adaptive_scan, tune_centroid, tweak
from plans._plans_core import scan_nd
from plans._plans_grid import grid_scan, list_grid_scan, rel_grid_scan, rel_list_grid_scan
from plans._plans_misc import RampFail, fly, ramp_plan
from plans._plans_spiral import (
    rel_spiral,
    rel_spiral_fermat,
    rel_spiral_square,
    spiral,
    spiral_fermat,
    spiral_square,
)
from plans._trajectory import Trajectory

__all__ = [
    "RampFail",
    "Trajectory",
    "adaptive_scan",
    "count",
    "fly",
    "grid_scan",
    "list_grid_scan",
    "list_scan",
    "log_scan",
    "ramp_plan",
    "rel_adaptive_scan",
    "rel_grid_scan",
    "rel_list_grid_scan",
    "rel_list_scan",
    "rel_log_scan",
    "rel_scan",
    "rel_spiral",
    "rel_spiral_fermat",
    "rel_spiral_square",
    "scan",
    "scan_nd",
    "spiral",
    "spiral_fermat",
    "spiral_square",
    "tune_centroid",
    "tweak",
    "x2x_scan",
]

"""acq.engine: the RunEngine's parts that have public names.

``RunEngine`` and ``RunResult`` are imported from ``acq`` itself
(``acq.RunEngine``); this package exports the state enum and the suspenders.
"""

from __future__ import annotations

from acq.engine._state import RunEngineState
from acq.engine._suspenders import (
    SuspendBoolHigh,
    SuspendBoolLow,
    SuspendCeiling,
    Suspender,
    SuspendFloor,
    SuspendInBand,
    SuspendOutBand,
)

__all__ = [
    "RunEngineState",
    "SuspendBoolHigh",
    "SuspendBoolLow",
    "SuspendCeiling",
    "SuspendFloor",
    "SuspendInBand",
    "SuspendOutBand",
    "Suspender",
]

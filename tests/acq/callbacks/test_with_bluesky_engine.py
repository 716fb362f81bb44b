"""Documents from a real (bluesky) engine drive acq's callbacks end to end."""

from __future__ import annotations

import math
import time
from pathlib import Path
from typing import Any

import pytest
from bluesky import RunEngine
from bluesky.plans import grid_scan, scan

from acq.callbacks import BestEffortCallback, LiveGrid, PeakStats


class _Done:
    done = True
    success = True

    def add_callback(self, cb: Any) -> None:
        cb(self)

    def exception(self, timeout: float | None = None) -> None:
        return None


class _Motor:
    def __init__(self, name: str) -> None:
        self.name, self.parent, self.pos = name, None, 0.0
        self.hints = {"fields": [name]}

    def set(self, value: float) -> _Done:
        self.pos = value
        return _Done()

    def read(self) -> dict[str, Any]:
        return {self.name: {"value": self.value(), "timestamp": time.time()}}

    def value(self) -> float:
        return self.pos

    def describe(self) -> dict[str, Any]:
        key = {"source": "sim", "dtype": "number", "shape": [], "units": "mm", "precision": 2}
        return {self.name: key}

    def read_configuration(self) -> dict[str, Any]:
        return {}

    def describe_configuration(self) -> dict[str, Any]:
        return {}


class _Detector(_Motor):
    def __init__(self, name: str, *motors: _Motor) -> None:
        super().__init__(name)
        self.motors = motors

    def value(self) -> float:
        r2 = sum((m.pos - 0.3) ** 2 for m in self.motors)
        return 100 * math.exp(-r2 / 0.08)

    def trigger(self) -> _Done:
        return _Done()


@pytest.fixture
def engine() -> RunEngine:
    return RunEngine({}, call_returns_result=True, context_managers=[])


def test_scan_from_bluesky_engine(engine: RunEngine, tmp_path: Path) -> None:
    motor = _Motor("stage_x")
    det = _Detector("det", motor)
    out: list[str] = []
    bec = BestEffortCallback(mode="plain", out=out.append, figure_dir=tmp_path)
    peaks = PeakStats("stage_x", "det")
    engine.subscribe(bec)
    engine.subscribe(peaks)
    engine(scan([det], motor, -1, 1, 21))
    assert "stage_x (mm)" in out[1]
    assert peaks.cen == pytest.approx(0.3, abs=1e-9)
    assert bec.peaks["det"].fwhm == pytest.approx(peaks.fwhm)
    assert bec.saved[0].read_bytes()[:4] == b"\x89PNG"


def test_grid_scan_from_bluesky_engine(engine: RunEngine, tmp_path: Path) -> None:
    my, mx = _Motor("y"), _Motor("x")
    det = _Detector("det", my, mx)
    bec = BestEffortCallback(mode="plain", out=lambda s: None, figure_dir=tmp_path)
    engine.subscribe(bec)
    engine(grid_scan([det], my, -1, 1, 5, mx, -1, 1, 7, snake_axes=True))
    grid = bec.plots[0]
    assert isinstance(grid, LiveGrid)
    assert grid.shape == (5, 7)
    assert grid.snaking
    assert not any(math.isnan(v) for v in grid.grid.ravel())
    assert bec.saved[0].exists()

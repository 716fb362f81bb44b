"""``acq demo`` end to end: table, peak, move, HDF5, catalog, PNG and the summary."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import h5py
import pytest

from acq.catalog import Catalog
from acq.cli import main


def test_demo_runs_a_whole_session(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "--fast", "--points", "21", "--data-dir", str(tmp_path)]) == 0
    out = capsys.readouterr().out

    # the live table and the peak
    assert "| seq_num |" in out or "│ seq_num │" in out
    assert "Peak stats for det: cen=0.4" in out
    assert "x is at 0.4" in out

    # the PNG, with the peak marked
    png = tmp_path / "figures" / "1-scan.png"
    assert png.read_bytes()[:4] == b"\x89PNG"
    assert str(png) in out

    # the fly scan's frames, in the camera's own HDF5 file
    [h5] = (tmp_path / "hdf5").glob("camera_*.h5")
    with h5py.File(h5, "r") as f:
        assert f["entry/data/data"].shape == (40, 64, 64)
    assert str(h5) in out

    # both runs in the catalog (the frames read back from the HDF5 file)
    with Catalog.open(tmp_path / "catalog.sqlite") as cat:
        assert [run.start["plan_name"] for run in cat] == ["fly_scan", "scan"]
        assert len(cat[1].primary.read()["det"]) == 21
        fly = cat[2]
        assert fly["camera"].read()["camera-image"].shape == (40, 64, 64)
        fly.close()
    assert f"acq catalog --uri {tmp_path / 'catalog.sqlite'} ls" in out
    assert "Demo finished." in out
    assert "Traceback" not in out


def test_make_demo_output_is_clean(tmp_path: Path) -> None:
    """What a new user sees: no warnings or tracebacks, a summary that points at the data."""
    env = dict(os.environ, ACQ_DATA_DIR=str(tmp_path), PYTHONWARNINGS="default")
    proc = subprocess.run(
        [sys.executable, "-m", "acq", "demo", "--fast"],
        capture_output=True,
        text=True,
        env=env,
        timeout=50,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stderr == ""
    assert "Where everything went" in proc.stdout
    assert "acq catalog ls" in proc.stdout  # the default catalog: no --uri needed
    assert (tmp_path / "catalog.sqlite").is_file()

"""``acq run PLAN ARGS`` on the simulated beamline (and on a beamline of one's own)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from acq.catalog import Catalog
from acq.cli import main
from devices.sim import SimDetector, SimMotor


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("ACQ_DATA_DIR", str(tmp_path))
    return tmp_path


def test_run_scan_saves_table_plot_and_catalog(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["run", "scan", "det", "x", "-1", "1", "5"]) == 0
    out = capsys.readouterr().out
    assert out.count("|       ") >= 5  # five table rows
    assert "Peak stats for det" in out
    assert (data_dir / "figures" / "1-scan.png").read_bytes()[:4] == b"\x89PNG"
    assert "saved to the catalog" in out
    assert "acq catalog ls" in out
    with Catalog.open(data_dir / "catalog.sqlite") as cat:
        run = cat[-1]
        assert run.start["plan_name"] == "scan"
        assert list(run.primary.read()["x"]) == [-1.0, -0.5, 0.0, 0.5, 1.0]


def test_run_lists_keywords_and_options_after_the_plan(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["run", "count", "det,camera", "num=2", "--no-plot"]) == 0
    out = capsys.readouterr().out
    assert "2/2 points" in out
    assert not (data_dir / "figures").exists()
    with Catalog.open(data_dir / "catalog.sqlite") as cat:
        assert cat[-1].start["detectors"] == ["det", "camera"]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["scann", "det"], "no plan named 'scann'. Plans: adaptive_scan, count"),
        (["scan", "det", "motor1", "-1", "1", "5"], "'motor1' is not a device of this beamline"),
        (["scan", "det", "x", "-1", "1", "0"], "parameter 'num'"),
        (["count", "det", "1", "2", "3", "4"], "The plan's signature: count(detectors"),
        (
            ["scan", "det", "x", "-100", "1", "3"],
            "outside its limits [-10.0, 10.0]. Nothing was moved",
        ),
        (["scan", "det", "x", "-1", "1", "3", "--beamline", "nowhere:f"], "--beamline 'nowhere:f'"),
    ],
)
def test_run_explains_mistakes(
    data_dir: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    assert main(["run", *argv]) == 2
    assert message in capsys.readouterr().out


def my_beamline() -> dict[str, object]:
    """A beamline of one's own: ``--beamline module:function``."""
    stage = SimMotor("stage")
    return {"stage": stage, "pd": SimDetector("pd", motors=[stage], noise=False)}


def not_devices() -> int:
    return 42


def test_run_on_a_configured_beamline(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    here = f"{__name__}:my_beamline"
    assert main(["run", "--beamline", here, "rel_scan", "pd", "stage", "-1", "1", "3"]) == 0
    assert "pd (counts)" in capsys.readouterr().out
    assert main(["run", "--beamline", f"{__name__}:not_devices", "count", "pd"]) == 2
    assert "expected a dict of devices" in capsys.readouterr().out


def test_acq_run_in_a_subprocess(tmp_path: Path) -> None:
    env = dict(os.environ, ACQ_DATA_DIR=str(tmp_path))
    proc = subprocess.run(
        [sys.executable, "-m", "acq", "run", "scan", "det", "x", "-1", "1", "3"],
        capture_output=True,
        text=True,
        env=env,
        timeout=50,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stderr == ""
    assert "saved to the catalog" in proc.stdout


def test_run_help_shows_examples(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["run", "--help"])
    assert "acq run scan det x -1 1 11" in capsys.readouterr().out

from __future__ import annotations

import subprocess
import sys

import pytest

from acq.cli import main


def test_bench_lists_the_benchmark_scripts(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["bench", "--list"]) == 0
    out = capsys.readouterr().out
    names = [line.split()[0] for line in out.splitlines()]
    assert "engine" in names
    assert "documents" in names


def test_bench_refuses_an_unknown_benchmark(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["bench", "no_such_thing"]) == 2
    out = capsys.readouterr().out
    assert "no benchmark no_such_thing" in out
    assert "engine" in out


def test_bench_runs_one_quick_benchmark_in_a_subprocess() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "acq", "bench", "documents", "--quick"],
        capture_output=True,
        text=True,
        timeout=50,
    )
    assert proc.returncode == 0, proc.stderr
    assert "### bench_documents.py" in proc.stdout
    assert proc.stdout.rstrip().splitlines()[-1].startswith("{")


def test_bench_help_reads_well(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["bench", "--help"])
    out = capsys.readouterr().out
    assert "acq bench --quick" in out
    assert "side by side" in out

"""Every benchmark script still runs (``--quick``) and ends with its JSON line.

Nothing here asserts a timing: benchmarks report, tests check behaviour.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPTS = sorted((ROOT / "benchmarks").glob("bench_*.py"))


@pytest.mark.timeout(300)
@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.name)
def test_benchmark_quick_run_prints_json(script: Path) -> None:
    out = subprocess.run(
        [sys.executable, str(script), "--quick"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=280,
    )
    assert out.returncode == 0, out.stderr[-4000:]
    last = out.stdout.strip().splitlines()[-1]
    payload = json.loads(last)
    assert payload["benchmark"] == script.stem.removeprefix("bench_")
    assert payload["figures"], "benchmark reported no figures"
    for fig in payload["figures"]:
        assert fig["acq"]["median"] > 0

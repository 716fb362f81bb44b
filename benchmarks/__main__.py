"""Run every ``benchmarks/bench_*.py`` in turn (``python -m benchmarks [--quick]``)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(argv: list[str]) -> int:
    status = 0
    for script in sorted(HERE.glob("bench_*.py")):
        print(f"### {script.name}", flush=True)
        rc = subprocess.call([sys.executable, str(script), *argv], cwd=HERE.parent)
        status = status or rc
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

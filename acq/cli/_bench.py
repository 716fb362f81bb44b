"""``acq bench``: the side-by-side benchmarks (``python -m benchmarks``) from a source tree."""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

import acq

_EPILOG = """\
examples:
  acq bench --list             the benchmark scripts
  acq bench --quick            every benchmark, small sizes (about a minute)
  acq bench engine documents   bench_engine.py and bench_documents.py, full size
Each script runs acq and its anchor (bluesky, ophyd-async, event-model, suitcase)
side by side and prints a table and a final JSON line.
"""


def _add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.epilog = _EPILOG
    parser.add_argument("names", nargs="*", help="benchmarks to run (default: all)")
    parser.add_argument("--quick", action="store_true", help="small sizes, for a smoke test")
    parser.add_argument("--list", action="store_true", help="list the benchmarks and exit")


def _root() -> Path | None:
    """The source tree holding ``benchmarks/`` (benchmarks are not installed)."""
    for candidate in (Path.cwd(), Path(acq.__file__).resolve().parent.parent):
        if (candidate / "benchmarks" / "_harness.py").is_file():
            return candidate
    return None


def _run(ns: argparse.Namespace) -> int:
    root = _root()
    if root is None:
        print(
            "acq bench: no benchmarks/ folder here. The benchmarks ship with the source "
            "tree: run `acq bench` in a clone of acq (or `make bench`)."
        )
        return 2
    scripts = {p.stem.removeprefix("bench_"): p for p in sorted(root.glob("benchmarks/bench_*.py"))}
    if ns.list:
        for name, path in scripts.items():
            doc = path.read_text(encoding="utf-8").split('"""')[1].strip().splitlines()[0]
            print(f"{name:<12} {doc}")
        return 0
    unknown = [n for n in ns.names if n not in scripts]
    if unknown:
        print(f"acq bench: no benchmark {', '.join(unknown)}; choose from {', '.join(scripts)}.")
        return 2
    extra = ["--quick"] if ns.quick else []
    if not ns.names:
        return subprocess.call([sys.executable, "-m", "benchmarks", *extra], cwd=root)
    status = 0
    for name in ns.names:
        print(f"### {scripts[name].name}", flush=True)
        rc = subprocess.call([sys.executable, str(scripts[name]), *extra], cwd=root)
        status = status or rc
    return status

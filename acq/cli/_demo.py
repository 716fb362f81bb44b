"""``acq demo``: a short session on the simulated beamline, as a scientist would run it.

1. scan a detector across a motor (live table, progress bar, plot saved as PNG);
2. find the peak (PeakStats) and move the motor there (progress bar of the move);
3. fly x across the peak while a camera writes frames to HDF5;
4. everything lands in the embedded catalog; a summary says where and how to look again.
"""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path

from rich.console import Console

from acq.cli._common import _data_dir


def _add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.description = (
        "A short session on a simulated beamline, in about 5 seconds: scan a detector\n"
        "(live table, progress bar, plot saved as PNG), find the peak and move there,\n"
        "fly a camera across it writing frames to HDF5, and save every run in the catalog."
    )
    parser.epilog = (
        "Data, plots and the catalog go to $ACQ_DATA_DIR, else ~/.local/share/acq.\n"
        "Look at them again afterwards with `acq catalog ls`."
    )
    parser.add_argument(
        "--data-dir", type=Path, help="where to put data (default: $ACQ_DATA_DIR or user data)"
    )
    parser.add_argument(
        "--points", type=int, default=31, help="points of the first scan (default 31)"
    )
    parser.add_argument(
        "--fast", action="store_true", help="no motion or exposure time (for tests)"
    )


async def _session(ns: argparse.Namespace, console: Console) -> int:
    from acq.cli._demo_steps import _Demo  # imported here: `acq --help` stays fast

    default_dir = _data_dir()
    demo = _Demo(ns.data_dir or default_dir, console=console, fast=ns.fast)
    await demo.connect()
    try:
        demo.intro()
        peak = await demo.find_peak(ns.points)
        await demo.move_to_peak(peak)
        await demo.fly()
    finally:
        demo.close()
    demo.summary(ns.data_dir is None or ns.data_dir == default_dir)
    return 0 if demo.ok else 1


def _run(ns: argparse.Namespace) -> int:
    console = Console(highlight=False)
    return asyncio.run(_session(ns, console))

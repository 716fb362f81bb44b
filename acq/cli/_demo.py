"""``acq demo``: a realistic session on simulated devices."""

from __future__ import annotations

import argparse


def _add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--quiet", action="store_true", help="print only the summary")


def _run(args: argparse.Namespace) -> int:
    print("acq demo: the engine and simulated devices are being built; nothing to run yet.")
    return 0

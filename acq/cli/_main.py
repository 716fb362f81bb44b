"""Argument parsing and dispatch for the ``acq`` command."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable, Sequence

# subcommand -> (module, help). Each module exposes
# ``_add_arguments(parser)`` and ``_run(namespace) -> int``.
_COMMANDS: dict[str, tuple[str, str]] = {
    "demo": ("acq.cli._demo", "Run the demo session on simulated devices."),
    "run": ("acq.cli._run", "Run a plan (scan, count, ...) on simulated devices."),
    "catalog": ("acq.cli._catalog", "List, search, show, export and ingest runs."),
    "ioc": ("acq.cli._ioc", "Serve the simulated beamline over EPICS Channel Access."),
    "bench": ("acq.cli._bench", "Run the benchmarks, acq side by side with bluesky & co."),
}

_EPILOG = """\
examples:
  acq demo                      a short session on a simulated beamline: start here
  acq run scan det x -1 1 11    one plan with live table and plot, saved to the catalog
  acq catalog ls                the runs saved so far (acq catalog show -1: the newest)
  acq ioc sim                   serve the simulated beamline over EPICS Channel Access
  acq bench --quick             acq side by side with bluesky, ophyd-async & co

`acq COMMAND --help` explains each command. Data goes to $ACQ_DATA_DIR, else
~/.local/share/acq.
"""


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``acq`` command."""
    parser = argparse.ArgumentParser(
        prog="acq",
        description="acq: asyncio-native experiment orchestration.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (module, help_text) in _COMMANDS.items():
        mod = importlib.import_module(module)
        sp = sub.add_parser(name, help=help_text, description=help_text)
        mod._add_arguments(sp)
        sp.set_defaults(_entry=mod._run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``acq`` console script; returns the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    entry: Callable[[argparse.Namespace], int] | None = getattr(args, "_entry", None)
    if entry is None:
        parser.print_help()
        return 2
    return entry(args)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

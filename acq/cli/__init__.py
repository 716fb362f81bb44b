"""The ``acq`` command line: ``acq demo``, ``acq run``, ``acq catalog``, ``acq ioc``..."""

from __future__ import annotations

from acq.cli._main import build_parser, main

__all__ = ["build_parser", "main"]

"""Where live output goes: rich in terminals, plain text in logs and notebooks."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Literal

from rich.console import Console

Mode = Literal["auto", "rich", "plain"]


_shared: list[Console] = []


def _default_console() -> Console:
    """One Console shared by every callback made without one.

    Sharing matters on a terminal: rich prints table rows above a live progress
    display only when both go through the same Console.
    """
    if not _shared:
        _shared.append(Console())
    return _shared[0]


def _in_jupyter() -> bool:
    """True inside an IPython kernel (a notebook or JupyterLab), not a terminal IPython."""
    ipython = sys.modules.get("IPython")
    if ipython is None:
        return False
    shell = ipython.get_ipython()
    return shell is not None and type(shell).__name__ == "ZMQInteractiveShell"


def _resolve_mode(mode: Mode, console: Console) -> Literal["rich", "plain"]:
    """``auto``: rich when the console is a real terminal, plain text otherwise."""
    if mode not in ("auto", "rich", "plain"):
        raise ValueError(f"mode must be 'auto', 'rich' or 'plain', got {mode!r}")
    if mode != "auto":
        return mode
    if console.is_jupyter or _in_jupyter() or not console.is_terminal:
        return "plain"
    return "rich"


def _plain_writer(console: Console, out: Callable[[str], object] | None) -> Callable[[str], None]:
    """A fast line writer: ``out(line)`` if given, else the console's file."""
    if out is not None:

        def write_out(line: str) -> None:
            out(line)

        return write_out

    def write_file(line: str) -> None:
        file = console.file
        file.write(line + "\n")
        file.flush()

    return write_file

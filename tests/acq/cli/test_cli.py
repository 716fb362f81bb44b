from __future__ import annotations

import subprocess
import sys

import pytest

from acq.cli import build_parser, main


def test_help_lists_commands(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    assert "demo" in capsys.readouterr().out
    assert "demo" in build_parser().format_help()


def test_python_dash_m_acq_help() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "acq", "--help"], capture_output=True, text=True, check=True
    )
    assert "usage: acq" in out.stdout

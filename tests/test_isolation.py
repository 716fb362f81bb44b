"""The test suite never writes into the user's home: every test gets its own data directory."""

from __future__ import annotations

import os
from pathlib import Path

import acq


def test_every_test_gets_its_own_acq_data_dir(tmp_path: Path) -> None:
    data_dir = Path(os.environ["ACQ_DATA_DIR"])
    assert data_dir.is_relative_to(tmp_path), data_dir
    assert not data_dir.is_relative_to(Path.home() / ".local")
    RE = acq.RunEngine()
    assert RE.md.path is not None
    assert RE.md.path.is_relative_to(data_dir)
    RE.md["operator"] = "test"
    assert RE.md.path.exists()

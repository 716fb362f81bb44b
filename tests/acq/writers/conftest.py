"""Fixtures for the writer tests (document streams come from writer_docs)."""

from __future__ import annotations

from pathlib import Path

import pytest
from writer_docs import Docs, full_run


@pytest.fixture
def frames_run(tmp_path: Path) -> Docs:
    return full_run(tmp_path)

"""Suite-wide fixtures: no test may leave asyncio tasks running or write into the user's home."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
async def _fail_on_leaked_tasks() -> AsyncIterator[None]:
    """Fail a test that leaves tasks running on its event loop."""
    before = asyncio.all_tasks()
    yield
    me = asyncio.current_task()
    for _ in range(5):  # let cancelled tasks finish unwinding
        leaked = [t for t in asyncio.all_tasks() - before if t is not me and not t.done()]
        if not leaked:
            return
        await asyncio.sleep(0)
    for t in leaked:
        t.cancel()
    names = ", ".join(f"{t.get_name()} ({t.get_coro()!r})" for t in leaked)
    pytest.fail(f"test left {len(leaked)} task(s) running: {names}")


@pytest.fixture(autouse=True)
def _acq_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point ``$ACQ_DATA_DIR`` (RE.md, the default catalog, sim data) at a per-test dir."""
    d = tmp_path / "acq-data"
    monkeypatch.setenv("ACQ_DATA_DIR", str(d))
    return d

"""scan_id is safe across processes sharing one RE.md file (fcntl lock; POSIX only)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import acq


def _open_metadata(md: dict[str, int] | None, path: Path | str) -> Any:
    return acq.RunEngine(md=md, md_path=path).md


pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="the lock is POSIX only")

_CHILD = """
import sys
import acq
md = acq.RunEngine(md_path=sys.argv[1]).md
sys.stdin.readline()  # start together: every process has loaded the file first
print(" ".join(str(md.next_scan_id()) for _ in range(int(sys.argv[2]))))
"""


def test_concurrent_processes_get_distinct_scan_ids(tmp_path: Path) -> None:
    path = tmp_path / "md.json"
    _open_metadata({"scan_id": 42}, path)
    nproc, per = 4, 25
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", _CHILD, str(path), str(per)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(nproc)
    ]
    outs = [p.communicate("go\n", timeout=60)[0] for p in procs]
    assert all(p.returncode == 0 for p in procs)
    ids = [int(x) for out in outs for x in out.split()]
    assert sorted(ids) == list(range(43, 43 + nproc * per))
    assert _open_metadata(None, path)["scan_id"] == 42 + nproc * per


def test_engines_sharing_a_file_read_the_counter_from_it(tmp_path: Path) -> None:
    path = tmp_path / "md.json"
    a = _open_metadata(None, path)
    b = _open_metadata(None, path)
    assert a.next_scan_id() == 1
    assert b.next_scan_id() == 2
    assert a.next_scan_id() == 3
    assert b["scan_id"] == 2


def test_unreadable_file_falls_back_to_memory(tmp_path: Path) -> None:
    path = tmp_path / "md.json"
    a = _open_metadata({"scan_id": 7}, path)
    path.write_text("garbage", encoding="utf-8")
    assert a.next_scan_id() == 8
    assert _open_metadata(None, path)["scan_id"] == 8


def test_in_memory_counter() -> None:
    a = _open_metadata(None, "")
    assert a.next_scan_id() == 1
    assert a.next_scan_id() == 2

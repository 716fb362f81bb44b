"""Writers subscribed live to the RunEngine (the sync fast path)."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import h5py
import pandas as pd

import acq
from acq.writers import CSVWriter, JSONLWriter, NeXusWriter, read_jsonl
from plans import count


class _Det:
    """A detector whose reading counts up."""

    def __init__(self, name: str = "det") -> None:
        self.name = name
        self.parent = None
        self.hints = {"fields": [name]}
        self.n = 0

    async def read(self) -> dict[str, Any]:
        self.n += 1
        return {self.name: {"value": float(self.n), "timestamp": time.time()}}

    async def describe(self) -> dict[str, Any]:
        return {self.name: {"source": f"sim://{self.name}", "dtype": "number", "shape": []}}


async def test_writers_subscribed_live(tmp_path: Path) -> None:
    RE = acq.RunEngine()
    jsonl = JSONLWriter(tmp_path, file_prefix="{start[scan_id]}")
    csv = CSVWriter(tmp_path, file_prefix="{start[scan_id]}")
    nexus = NeXusWriter(tmp_path, file_prefix="{start[scan_id]}")
    for writer in (jsonl, csv, nexus):
        RE.subscribe(writer)  # the sync fast path: the engine calls writer(name, doc)
    try:
        collected: list[tuple[str, dict[str, Any]]] = []
        RE.subscribe(lambda name, doc: collected.append((name, doc)))
        await RE(count([_Det()], 5))
    finally:
        RE.close()
    for writer in (jsonl, csv, nexus):
        writer.close()
    scan_id = collected[0][1]["scan_id"]
    back = [list(pair) for pair in read_jsonl(tmp_path / f"{scan_id}.jsonl")]
    assert back == json.loads(json.dumps(collected))
    df = pd.read_csv(tmp_path / f"{scan_id}-primary.csv")
    assert df["det"].tolist() == [1.0, 2.0, 3.0, 4.0, 5.0]
    with h5py.File(tmp_path / f"{scan_id}.nxs", "r") as f:
        assert f["entry/primary/det"][:].tolist() == [1.0, 2.0, 3.0, 4.0, 5.0]

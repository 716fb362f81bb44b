"""Replaying a run sends its documents in an order consumers can use."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import tifffile

import acq
import plans
from acq.catalog import Catalog
from acq.writers import TIFFWriter
from devices.sim import SimHDF5Detector, SimMotor, VirtualClock


def _check_order(docs: list[tuple[str, dict[str, Any]]]) -> None:
    """Every event comes after the stream_datum covering it, which follows its resource."""
    resources: set[str] = set()
    covered: dict[str, set[int]] = {}
    for name, doc in docs:
        if name == "stream_resource":
            resources.add(doc["uid"])
        elif name == "stream_datum":
            assert doc["stream_resource"] in resources, "stream_datum before its resource"
            seqs = range(doc["seq_nums"]["start"], doc["seq_nums"]["stop"])
            covered.setdefault(doc["descriptor"], set()).update(seqs)
        elif name == "event":
            assert doc["seq_num"] in covered.get(doc["descriptor"], set()), (
                f"event {doc['seq_num']} came before the stream_datum that covers it"
            )


async def test_replay_of_hdf5_run_feeds_a_writer(
    open_catalog: Callable[..., Catalog], tmp_path: Path
) -> None:
    clock = VirtualClock()
    x = SimMotor("x")
    cam = SimHDF5Detector(
        "cam", motors=[x], shape=(8, 8), clock=clock, seed=1, directory=tmp_path / "raw"
    )
    await x.connect()
    await cam.connect()
    catalog = open_catalog()
    live: list[tuple[str, dict[str, Any]]] = []
    RE = acq.RunEngine(md_path="")
    RE.subscribe(catalog)
    RE.subscribe(lambda name, doc: live.append((name, doc)))
    try:
        await RE(plans.scan([cam], x, -1, 1, 5))
    finally:
        RE.close()
    catalog.flush()
    _check_order(live)  # the engine's own order is valid

    run = catalog[-1]
    replayed = list(run.documents())
    assert [n for n, _ in replayed] == [n for n, _ in live]
    _check_order(replayed)

    seen: list[tuple[str, dict[str, Any]]] = []
    tiff = TIFFWriter(tmp_path / "tiff")
    run.replay(tiff, lambda name, doc: seen.append((name, doc)))
    tiff.close()
    assert [n for n, _ in seen] == [n for n, _ in replayed]
    [path] = tiff.artifacts["stream_data"]
    np.testing.assert_array_equal(tifffile.imread(path), run.primary.read()["cam-image"])
    run.close()

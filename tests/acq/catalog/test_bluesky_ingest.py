"""Documents from bluesky's own RunEngine go into the catalog unchanged."""

from __future__ import annotations

import time
from typing import Any

import numpy as np
from bluesky import RunEngine
from bluesky import plans as bp

from acq.catalog import Catalog, Key


class _Done:
    done = True
    success = True

    def add_callback(self, cb: Any) -> None:
        cb(self)

    def exception(self, timeout: float | None = None) -> None:
        return None


class SyncDet:
    """An ophyd-style (synchronous) detector reading an increasing value."""

    name = "det"
    parent = None

    def __init__(self) -> None:
        self.n = 0

    def trigger(self) -> _Done:
        self.n += 1
        return _Done()

    def read(self) -> dict[str, Any]:
        return {"det": {"value": float(self.n), "timestamp": time.time()}}

    def describe(self) -> dict[str, Any]:
        return {"det": {"source": "sim://det", "dtype": "number", "shape": []}}

    def read_configuration(self) -> dict[str, Any]:
        return {}

    def describe_configuration(self) -> dict[str, Any]:
        return {}


def test_bluesky_run_engine_feeds_the_catalog(catalog: Catalog) -> None:
    RE = RunEngine({}, context_managers=[])
    RE.subscribe(catalog)
    RE(bp.count([SyncDet()], num=4), sample="bluesky")
    catalog.flush()
    run = catalog.search(Key("sample") == "bluesky")[-1]
    assert run.start["plan_name"] == "count"
    np.testing.assert_array_equal(run.primary.read()["det"], [1.0, 2.0, 3.0, 4.0])
    assert run.state == "complete"

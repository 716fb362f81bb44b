"""Callbacks: LiveTable and PeakStats throughput vs bluesky's, on the same documents.

Both sides consume the same pre-composed run (a 1-D scan of ``--n`` events with a
motor and a detector). The tables print plain text into a no-op sink, so the
figure is the callbacks' own cost (formatting, bookkeeping), not the terminal's.
PeakStats is fed events one by one, then the same run as event pages (bluesky's
CallbackBase unpacks pages into events; acq's PeakStats takes pages whole).
The last figure is the caller's cost of handing events to a BufferedCallback in
front of a 1 ms callback (no anchor: bluesky has no such wrapper).
Setup (composing documents, building callbacks) is excluded from the timings.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np
from bluesky.callbacks.core import LiveTable as BsLiveTable
from bluesky.callbacks.fitting import PeakStats as BsPeakStats

from acq.callbacks import BufferedCallback, LiveTable, PeakStats
from acq.documents import compose_run
from benchmarks._harness import Bench, _version

Docs = list[tuple[str, dict[str, Any]]]


def make_run(n: int, page_size: int | None = None) -> Docs:
    md = {"plan_name": "scan", "plan_type": "generator", "scan_id": 1, "num_points": n}
    bundle = compose_run(metadata=md)
    keys = {
        "motor": {"source": "sim", "dtype": "number", "shape": [], "units": "mm"},
        "det": {"source": "sim", "dtype": "number", "shape": [], "precision": 2},
    }
    desc = bundle.compose_descriptor("primary", data_keys=keys)
    docs: Docs = [("start", bundle.start_doc), ("descriptor", desc.descriptor_doc)]
    x = np.linspace(-5, 5, n)
    y = 100 * np.exp(-(x**2)) + 3
    xs, ys = x.tolist(), y.tolist()
    if page_size is None:
        for i in range(n):
            ev = desc.compose_event({"motor": xs[i], "det": ys[i]}, {"motor": 0.0, "det": 0.0})
            docs.append(("event", ev))
    else:
        for s in range(0, n, page_size):
            m = len(xs[s : s + page_size])
            data = {"motor": xs[s : s + page_size], "det": ys[s : s + page_size]}
            docs.append(("event_page", desc.compose_event_page(data, {k: [0.0] * m for k in data})))
    docs.append(("stop", bundle.compose_stop()))
    return docs


def feed(make_cb: Any, docs: Docs) -> float:
    cb = make_cb()
    t0 = time.perf_counter()
    for name, doc in docs:
        cb(name, doc)
    return time.perf_counter() - t0


def _noop(_: str) -> None:
    pass


def _slow(name: str, doc: dict[str, Any]) -> None:
    time.sleep(0.001)  # a callback far slower than the documents arrive (a redraw)


def buffered_enqueue(docs: Docs) -> float:
    """Seconds the caller spends handing ``docs`` to a BufferedCallback (drain excluded)."""
    buffered = BufferedCallback(_slow, maxsize=1000)
    t0 = time.perf_counter()
    for name, doc in docs:
        buffered(name, doc)
    elapsed = time.perf_counter() - t0
    assert buffered.flush(timeout=120)
    return elapsed


def main() -> None:
    bench = Bench("callbacks", description=__doc__)
    args = bench.parse_args(defaults={"n": 100_000}, quick={"n": 2_000})
    n = args.n
    events, pages = make_run(n), make_run(n, page_size=1000)
    anchor = f"bluesky {_version('bluesky')}"

    def acq_table() -> LiveTable:
        return LiveTable(["motor", "det"], mode="plain", out=_noop)

    def bs_table() -> Any:
        return BsLiveTable(["motor", "det"], out=_noop)

    common = {"unit": "events/s", "n": n, "anchor_name": anchor, "kind": "rate"}
    goal = {"goal": ">= 1x (no slower than bluesky)", "goal_ratio": 1.0}
    bench.compare(
        "LiveTable, events",
        acq=lambda: feed(acq_table, events),
        anchor=lambda: feed(bs_table, events),
        **common,  # type: ignore[arg-type]
        **goal,  # type: ignore[arg-type]
    )
    bench.compare(
        "PeakStats, events",
        acq=lambda: feed(lambda: PeakStats("motor", "det"), events),
        anchor=lambda: feed(lambda: BsPeakStats("motor", "det"), events),
        **common,  # type: ignore[arg-type]
        **goal,  # type: ignore[arg-type]
    )
    bench.compare(
        "PeakStats, event pages of 1000",
        acq=lambda: feed(lambda: PeakStats("motor", "det"), pages),
        anchor=lambda: feed(lambda: BsPeakStats("motor", "det"), pages),
        **common,  # type: ignore[arg-type]
        **goal,  # type: ignore[arg-type]
    )
    bench.compare(
        "BufferedCallback enqueue, 1 ms callback",
        unit="events/s",
        n=n,
        acq=lambda: buffered_enqueue(events),
        kind="rate",
        extra={"note": "caller-side cost; events beyond maxsize=1000 coalesce into pages"},
    )
    bench.report(anchors=("bluesky",))


if __name__ == "__main__":
    main()

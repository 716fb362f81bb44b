"""Writers: documents/s writing a 100,000-event run (3 floats) to files.

acq's JSONL, msgpack and CSV writers side by side with suitcase-jsonl,
suitcase-msgpack and suitcase-csv, fed the same documents (start, descriptor,
N events, stop) in the same process, into a fresh temporary directory each
repetition; the time includes closing the files. A fourth figure measures
acq's optional live wrapper (LiveWriter + JSONL, on an asyncio loop): its
documents/s bounds what live writing costs a 40,000 events/s count (>= 400,000
docs/s means <= 10 % of the event budget). The fifth measures that directly: an
acq RunEngine count of three soft detectors (3 floats per event, the devices
of bench_engine.py) with a JSONLWriter subscribed, against the same count with
only a no-op subscriber; ratio = events/s with writer / without (goal >= 0.9).

The prebuilt documents are moved out of the cyclic garbage collector's reach
(``gc.freeze()``) for every figure, acq and anchors alike: an engine does not
hold 100,000 events alive, and without this each collection re-walks them,
which measures the benchmark's list, not the writers.
"""

from __future__ import annotations

import asyncio
import gc
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import suitcase.csv
import suitcase.jsonl
import suitcase.msgpack

from acq.documents import compose_run
from acq.writers import CSVWriter, JSONLWriter, LiveWriter, MsgpackWriter
from benchmarks._harness import Bench

Docs = list[tuple[str, dict[str, Any]]]


def make_docs(n: int) -> Docs:
    run = compose_run(metadata={"scan_id": 1, "plan_name": "count"})
    keys = {k: {"source": "sim", "dtype": "number", "shape": []} for k in ("a", "b", "c")}
    desc = run.compose_descriptor(name="primary", data_keys=keys)
    docs: Docs = [("start", run.start_doc), ("descriptor", desc.descriptor_doc)]
    t = time.time()
    for i in range(n):
        data = {"a": float(i), "b": 2.5 * i, "c": -1.0 / (i + 1)}
        docs.append(("event", desc.compose_event(data=data, timestamps=dict.fromkeys(data, t))))
    docs.append(("stop", run.compose_stop(exit_status="success")))
    return docs


def timed_write(factory: Any, docs: Docs) -> float:
    """Seconds to feed every document to a new writer and close it."""
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        writer = factory(tmp)
        for name, doc in docs:
            writer(name, doc)
        try:
            writer.close()
        except ValueError:
            pass  # suitcase-csv 0.3 closes its file twice with current pandas; data is written
        return time.perf_counter() - t0


async def _live(docs: Docs, tmp: str) -> float:
    t0 = time.perf_counter()
    async with LiveWriter(JSONLWriter(tmp), maxsize=10_000) as live:
        for i, (name, doc) in enumerate(docs):
            await live.put(name, doc)
            if i % 1000 == 0:
                await asyncio.sleep(0)  # a producer yields to the loop now and then
    return time.perf_counter() - t0


def timed_live(docs: Docs) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        return asyncio.run(_live(docs, tmp))


def engine_count(n: int, tmp: str) -> tuple[Any, Any, Any]:
    """(with_writer, without_writer, close) for an acq count of three soft detectors."""
    import acq
    from benchmarks.bench_engine import SoftDet, acq_plans, noop

    count, _, _ = acq_plans()
    dets = [SoftDet(k) for k in ("a", "b", "c")]
    loop = asyncio.new_event_loop()
    bare = acq.RunEngine(md_path="")
    bare.subscribe(noop)
    writing = acq.RunEngine(md_path="")
    writing.subscribe(noop)
    writing.subscribe(JSONLWriter(tmp))

    def timer(RE: Any) -> Any:
        async def go() -> float:
            plan = count(dets, n)
            t0 = time.perf_counter()
            await RE(plan)
            return time.perf_counter() - t0

        return lambda: loop.run_until_complete(go())

    def close() -> None:
        bare.close()
        writing.close()
        loop.close()

    return timer(writing), timer(bare), close


def main() -> None:
    bench = Bench("writers", description=__doc__)
    args = bench.parse_args(defaults={"n": 100_000}, quick={"n": 1_000})
    docs = make_docs(args.n)
    gc.collect()
    gc.freeze()
    n_docs = len(docs)
    pairs = [
        ("jsonl", JSONLWriter, suitcase.jsonl.Serializer, "suitcase-jsonl", 4.0),
        ("msgpack", MsgpackWriter, suitcase.msgpack.Serializer, "suitcase-msgpack", 4.0),
        ("csv", CSVWriter, suitcase.csv.Serializer, "suitcase-csv", 10.0),
    ]
    for fmt, ours, theirs, dist, goal in pairs:
        bench.compare(
            f"{fmt} write {args.n} events",
            unit="docs/s",
            n=n_docs,
            acq=lambda ours=ours: timed_write(ours, docs),
            anchor=lambda theirs=theirs: timed_write(theirs, docs),
            anchor_name=f"{dist} {bench_version(dist)}",
            goal=f">= {goal:g}x",
            goal_ratio=goal,
        )
    bench.compare(
        f"live jsonl (LiveWriter) {args.n} events",
        unit="docs/s",
        n=n_docs,
        acq=lambda: timed_live(docs),
        goal=">= 400000 docs/s (<= 10% of a 40k ev/s count)",
        goal_value=400_000.0,
    )
    with tempfile.TemporaryDirectory() as tmp:
        with_writer, without, close = engine_count(args.n, tmp)
        try:
            bench.compare(
                f"count {args.n} events + JSONLWriter",
                unit="events/s",
                n=args.n,
                acq=with_writer,
                anchor=without,
                anchor_name="the same acq count without a writer",
                goal=">= 0.9x (live writing costs <= 10 %)",
                goal_ratio=0.9,
            )
        finally:
            close()
    bench.report(anchors=("suitcase-jsonl", "suitcase-msgpack", "suitcase-csv", "msgspec"))


def bench_version(dist: str) -> str:
    from importlib import metadata

    return metadata.version(dist)


if __name__ == "__main__":
    main()

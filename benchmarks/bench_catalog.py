"""Catalog: ingest, columnar reads, search and lazy frame reads.

acq's catalog (SQLite backend, the default) side by side with databroker's
temporary catalog (``databroker.temp()``, msgpack files read through intake),
and with the physical floor (h5py reading the frame directly) for the HDF5 frame.

databroker's primary read is roughly 3 ms per event and grows faster than
linearly, so its ingest/read figures are measured on ``--anchor-events`` events
(``--anchor-runs`` runs) and scaled linearly to the full size: this favours the
anchor. Each repetition opens a fresh databroker catalog (it caches reads).
"""

from __future__ import annotations

import sys
import tempfile
import time
import uuid
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import h5py
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a script

from acq.catalog import Catalog, Key, TimeRange
from benchmarks._harness import Bench

Docs = list[tuple[str, dict[str, Any]]]
T0 = 1_790_000_000.0


def scalar_run(n: int, *, scan_id: int = 1, t: float = T0, **md: Any) -> Docs:
    """A run of n events with three scalar columns (built directly: no validation cost)."""
    run = str(uuid.uuid4())
    desc = str(uuid.uuid4())
    keys = {k: {"source": f"sim:{k}", "dtype": "number", "shape": []} for k in ("x", "y", "z")}
    docs: Docs = [
        ("start", {"uid": run, "time": t, "scan_id": scan_id, **md}),
        (
            "descriptor",
            {
                "uid": desc,
                "run_start": run,
                "time": t,
                "name": "primary",
                "data_keys": keys,
                "configuration": {},
                "object_keys": {},
            },
        ),
    ]
    for i in range(n):
        docs.append(
            (
                "event",
                {
                    "uid": str(uuid.uuid4()),
                    "descriptor": desc,
                    "seq_num": i + 1,
                    "time": t + i,
                    "data": {"x": float(i), "y": 2.0 * i, "z": i % 7},
                    "timestamps": {"x": t + i, "y": t + i, "z": t + i},
                    "filled": {},
                },
            )
        )
    docs.append(
        (
            "stop",
            {
                "uid": str(uuid.uuid4()),
                "run_start": run,
                "time": t + n,
                "exit_status": "success",
                "num_events": {"primary": n},
            },
        )
    )
    return docs


def small_runs(n: int) -> list[Docs]:
    return [scalar_run(1, scan_id=i, t=T0 + 60 * i, sample=f"s{i % 100}") for i in range(n)]


class Workdir:
    def __init__(self) -> None:
        self._tmp = tempfile.TemporaryDirectory()
        self.path = Path(self._tmp.name)
        self._n = 0

    def fresh(self, suffix: str = "") -> Path:
        self._n += 1
        p = self.path / f"{self._n}{suffix}"
        return p


# ------------------------------------------------------------------ acq side
def acq_ingest(work: Workdir, runs: list[Docs]) -> float:
    cat = Catalog.open(work.fresh(".sqlite"))
    t0 = time.perf_counter()
    for docs in runs:
        for name, doc in docs:
            cat(name, doc)
    cat.flush()
    elapsed = time.perf_counter() - t0
    cat.close()
    return elapsed


def acq_import(work: Workdir, runs: list[Docs]) -> float:
    cat = Catalog.open(work.fresh(".sqlite"))
    t0 = time.perf_counter()
    cat.ingest(pair for docs in runs for pair in docs)
    elapsed = time.perf_counter() - t0
    cat.close()
    return elapsed


def acq_catalog_with(work: Workdir, runs: list[Docs]) -> Path:
    path = work.fresh(".sqlite")
    with Catalog.open(path) as cat:
        for docs in runs:
            cat.ingest(docs)
    return path


def acq_read(path: Path) -> float:
    t0 = time.perf_counter()
    with Catalog.open(path) as cat:
        table = cat[-1].primary.read()
        assert table["x"].shape[0] > 0
    return time.perf_counter() - t0


def write_frames(path: Path, n: int, shape: tuple[int, int] = (256, 256)) -> Docs:
    with h5py.File(path, "w") as f:
        ds = f.create_dataset(
            "/entry/data/data", shape=(n, *shape), dtype="<u2", chunks=(1, *shape)
        )
        for i in range(n):
            ds[i] = i
    run, desc, res = (str(uuid.uuid4()) for _ in range(3))
    return [
        ("start", {"uid": run, "time": T0, "scan_id": 1, "detector": "cam"}),
        (
            "descriptor",
            {
                "uid": desc,
                "run_start": run,
                "time": T0,
                "name": "primary",
                "data_keys": {
                    "cam_image": {
                        "source": "cam",
                        "dtype": "array",
                        "shape": list(shape),
                        "external": "STREAM:",
                    }
                },
                "configuration": {},
                "object_keys": {},
            },
        ),
        (
            "stream_resource",
            {
                "uid": res,
                "run_start": run,
                "data_key": "cam_image",
                "mimetype": "application/x-hdf5",
                "uri": f"file://localhost{path}",
                "parameters": {"dataset": "/entry/data/data"},
            },
        ),
        (
            "stream_datum",
            {
                "uid": f"{res}/0",
                "stream_resource": res,
                "descriptor": desc,
                "seq_nums": {"start": 1, "stop": n + 1},
                "indices": {"start": 0, "stop": n},
            },
        ),
        (
            "stop",
            {"uid": str(uuid.uuid4()), "run_start": run, "time": T0 + 1, "exit_status": "success"},
        ),
    ]


# ------------------------------------------------------------------ databroker side
def databroker_available() -> str | None:
    try:
        import databroker
    except ImportError:
        return None
    return f"databroker {databroker.__version__}"


def db_new() -> tuple[Any, str]:
    from databroker import temp

    cat = temp()
    return cat, cat._paths[0] if hasattr(cat, "_paths") else ""


def db_fresh(cat: Any) -> Any:
    from databroker._drivers.msgpack import BlueskyMsgpackCatalog

    return BlueskyMsgpackCatalog(cat.v2.paths, name="temp")


def db_insert(cat: Any, runs: list[Docs]) -> float:
    t0 = time.perf_counter()
    for docs in runs:
        for name, doc in docs:
            cat.v1.insert(name, doc)
    return time.perf_counter() - t0


def db_catalog_with(runs: list[Docs]) -> Any:
    cat, _ = db_new()
    db_insert(cat, runs)
    return cat


def db_read(cat: Any) -> float:
    t0 = time.perf_counter()
    fresh = db_fresh(cat)
    ds = fresh.v2[-1].primary.read()
    assert ds["x"].shape[0] > 0
    return time.perf_counter() - t0


def scaled(fn: Callable[[], float], factor: float) -> Callable[[], float]:
    return lambda: fn() * factor


class Setup:
    """The sizes, the generated runs and the databroker switch shared by the figures."""

    def __init__(self, args: Any) -> None:
        self.args = args
        self.work = Workdir()
        self.anchor = databroker_available()
        self.big = [scalar_run(args.events)]
        self.small = small_runs(args.runs)
        self.big_db = [scalar_run(min(args.anchor_events, args.events))]
        self.small_db = self.small[: min(args.anchor_runs, args.runs)]
        self.ev_factor = args.events / len(self.big_db[0][2:-1])
        self.run_factor = args.runs / len(self.small_db)

    def db(self, fn: Callable[[], float | None]) -> Callable[[], float | None] | None:
        return fn if self.anchor else None

    @property
    def db_events(self) -> str:
        return f"{self.anchor} (from {len(self.big_db[0]) - 3} events)"

    @property
    def db_runs(self) -> str:
        return f"{self.anchor} (from {len(self.small_db)} runs)"


def ingest_figures(bench: Bench, s: Setup) -> None:
    n_events, n_runs, work = s.args.events, s.args.runs, s.work
    bench.compare(
        f"ingest {n_events}-event run",
        unit="events/s",
        n=n_events,
        kind="rate",
        acq=lambda: acq_ingest(work, s.big),
        anchor=s.db(scaled(lambda: db_insert(db_new()[0], s.big_db), s.ev_factor)),
        anchor_name=s.db_events,
    )
    for label, fn in (
        ("ingest {} small runs live", acq_ingest),
        ("import {} small runs (saved stream)", acq_import),
    ):
        bench.compare(
            label.format(n_runs),
            unit="runs/s",
            n=n_runs,
            kind="rate",
            acq=lambda fn=fn: fn(work, s.small),
            anchor=s.db(scaled(lambda: db_insert(db_new()[0], s.small_db), s.run_factor)),
            anchor_name=s.db_runs,
        )


def read_figure(bench: Bench, s: Setup) -> None:
    big_path = acq_catalog_with(s.work, s.big)
    db_big = db_catalog_with(s.big_db) if s.anchor else None
    bench.compare(
        f"read {s.args.events}-event primary",
        unit="events/s",
        n=s.args.events,
        kind="rate",
        acq=lambda: acq_read(big_path),
        anchor=s.db(scaled(lambda: db_read(db_big), s.ev_factor)),
        anchor_name=s.db_events,
        goal=">= 10x databroker",
        goal_ratio=10.0,
    )


def search_figures(bench: Bench, s: Setup) -> None:
    n_runs = s.args.runs
    search_path = acq_catalog_with(s.work, s.small)
    cat = Catalog.open(search_path)
    len(cat)  # the in-memory index is loaded once per process
    db_search = db_fresh(db_catalog_with(s.small)) if s.anchor else None
    by_key = Key("sample") == "s42"
    half = T0 + 60 * (n_runs // 2)
    cases = [
        ("start key", by_key, {"sample": "s42"}),
        ("time range", TimeRange(since=half), {"time": {"$gte": half}}),
    ]
    for label, query, mongo in cases:
        bench.compare(
            f"search {n_runs} runs by {label}",
            unit="ms",
            n=1,
            kind="time",
            acq=lambda q=query: (len(cat.search(q)), None)[1],
            anchor=s.db(lambda m=mongo: (len(db_search.v2.search(m)), None)[1]),
            anchor_name=s.anchor,
            goal="< 50 ms",
            goal_value=50.0,
        )

    def cold_search() -> float:
        t0 = time.perf_counter()
        with Catalog.open(search_path) as fresh:
            len(fresh.search(by_key))
        return time.perf_counter() - t0

    bench.compare(
        f"open + first search of {n_runs} runs", unit="ms", n=1, kind="time", acq=cold_search
    )
    cat.close()


def frame_figure(bench: Bench, s: Setup) -> None:
    h5 = s.work.path / "frames.h5"
    frames_cat = Catalog.open(acq_catalog_with(s.work, [write_frames(h5, s.args.frames)]))
    target = s.args.frames // 2

    def acq_frame() -> float:
        t0 = time.perf_counter()
        run = frames_cat[-1]
        frame = run.primary["cam_image"][target]
        elapsed = time.perf_counter() - t0
        assert int(frame[0, 0]) == target % 65536
        run.close()
        return elapsed

    def floor_frame() -> float:
        t0 = time.perf_counter()
        with h5py.File(h5, "r") as f:
            frame = np.asarray(f["/entry/data/data"][target])
        elapsed = time.perf_counter() - t0
        assert int(frame[0, 0]) == target % 65536
        return elapsed

    bench.compare(
        f"read frame {target} of {s.args.frames}-frame HDF5",
        unit="ms",
        n=1,
        kind="time",
        acq=acq_frame,
        anchor=floor_frame,
        anchor_name=f"h5py {h5py.__version__} (floor)",
        goal="< 5 ms",
        goal_value=5.0,
    )
    frames_cat.close()


def main() -> None:
    warnings.simplefilter("ignore")  # databroker/intake/xarray deprecations
    bench = Bench("catalog", description=__doc__)
    args = bench.parse_args(
        defaults={
            "events": 100_000,
            "runs": 10_000,
            "frames": 1_000,
            "anchor_events": 2_000,
            "anchor_runs": 500,
        },
        quick={"events": 2_000, "runs": 200, "frames": 50, "anchor_events": 200, "anchor_runs": 50},
    )
    setup = Setup(args)
    ingest_figures(bench, setup)
    read_figure(bench, setup)
    search_figures(bench, setup)
    frame_figure(bench, setup)
    bench.report(anchors=("databroker", "h5py", "numpy"))


if __name__ == "__main__":
    main()

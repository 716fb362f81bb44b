"""Storage: both backends, migrations, idempotent transactional ingest, crash safety."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from _docs import scalar_run
from conftest import ingest_all

import acq
from acq.catalog import Catalog, default_catalog
from acq.catalog._schema import SCHEMA_VERSION


def test_live_ingest_round_trip(catalog: Catalog) -> None:
    docs = scalar_run(5, sample="Si")
    ingest_all(catalog, docs)
    run = catalog[-1]
    assert run.uid == docs[0][1]["uid"]
    assert run.state == "complete"
    table = run.primary.read()
    np.testing.assert_array_equal(table["x"], np.arange(5.0))
    np.testing.assert_array_equal(table["det"], np.arange(5.0) ** 2)
    assert list(table["label"]) == [f"p{i}" for i in range(5)]
    np.testing.assert_array_equal(table["seq_num"], np.arange(1, 6))


def test_schema_is_versioned_and_reopening_keeps_data(
    open_catalog: Callable[..., Catalog],
) -> None:
    first = open_catalog()
    ingest_all(first, scalar_run(3))
    assert first._backend.schema_version() == SCHEMA_VERSION
    second = open_catalog()
    assert len(second) == 1
    assert second._backend.schema_version() == SCHEMA_VERSION


def test_newer_schema_is_refused(open_catalog: Callable[..., Catalog]) -> None:
    cat = open_catalog()
    cat._backend.write(lambda tx: tx.execute("UPDATE acq_schema SET version = 999"))
    with pytest.raises(acq.CatalogError, match="newer than this acq"):
        open_catalog()


def test_ingest_is_idempotent(catalog: Catalog) -> None:
    docs = scalar_run(50)
    ingest_all(catalog, docs)
    report = catalog.ingest(docs)
    assert report.ok
    assert len(catalog) == 1
    assert catalog[-1].primary.read()["x"].shape == (50,)
    assert sum(1 for n, _ in catalog[-1].documents() if n == "event") == 50


def test_events_in_small_batches_and_pages(open_catalog: Callable[..., Catalog]) -> None:
    from event_model import pack_event_page

    cat = open_catalog()
    cat._ingestor.batch_size = 7
    docs = scalar_run(30)
    events = [d for n, d in docs if n == "event"]
    for name, doc in docs[:2]:
        cat(name, doc)
    for ev in events[:10]:
        cat("event", ev)
    cat("event_page", pack_event_page(*events[10:25]))
    for ev in events[25:]:
        cat("event", ev)
    cat("stop", docs[-1][1])
    np.testing.assert_array_equal(cat[-1].primary.read()["x"], np.arange(30.0))


def test_incomplete_run_is_readable_up_to_last_batch(
    open_catalog: Callable[..., Catalog],
) -> None:
    cat = open_catalog()
    cat._ingestor.batch_size = 10
    docs = scalar_run(25)
    for name, doc in docs[:-1][: 2 + 23]:  # start, descriptor, 23 events; no stop
        cat(name, doc)
    # nothing flushed beyond the batches: simulate a crash by opening a second handle
    other = open_catalog()
    run = other[-1]
    assert run.state == "incomplete"
    assert run.metadata["stop"] is None
    assert run.primary.read()["x"].shape == (20,)
    # resuming the stream later completes it without duplicates
    cat.ingest(docs)
    assert other[-1].state == "complete"
    assert other[-1].primary.read()["x"].shape == (25,)


def test_crashed_process_leaves_run_readable(tmp_path: Path) -> None:
    path = tmp_path / "crash.sqlite"
    here = Path(__file__).parent
    code = textwrap.dedent(
        f"""
        import os, sys
        sys.path.insert(0, {str(here)!r})
        from _docs import scalar_run
        from acq.catalog import Catalog
        cat = Catalog.open({str(path)!r})
        cat._ingestor.batch_size = 100
        for name, doc in scalar_run(250)[:-1]:
            cat(name, doc)
        os._exit(3)
        """
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=60)
    assert proc.returncode == 3, proc.stderr
    cat = Catalog.open(path)
    try:
        run = cat[-1]
        assert run.state == "incomplete"
        assert run.primary.read()["x"].shape == (200,)
    finally:
        cat.close()


def test_two_processes_write_one_sqlite_file(tmp_path: Path) -> None:
    path = tmp_path / "shared.sqlite"
    here = Path(__file__).parent
    code = textwrap.dedent(
        f"""
        import sys
        sys.path.insert(0, {str(here)!r})
        from _docs import scalar_run
        from acq.catalog import Catalog
        cat = Catalog.open({str(path)!r})
        for i in range(15):
            for name, doc in scalar_run(20, scan_id=i):
                cat(name, doc)
        cat.close()
        """
    )
    procs = [
        subprocess.Popen([sys.executable, "-c", code], stderr=subprocess.PIPE) for _ in range(2)
    ]
    for p in procs:
        _, err = p.communicate(timeout=60)
        assert p.returncode == 0, err.decode()
    cat = Catalog.open(path)
    try:
        assert len(cat) == 30
        assert all(run.primary.read()["x"].shape == (20,) for run in cat)
    finally:
        cat.close()


def test_default_catalog_lives_under_acq_data_dir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ACQ_DATA_DIR", str(tmp_path / "data"))
    with default_catalog() as cat:
        ingest_all(cat, scalar_run(2))
        assert cat.uri == str(tmp_path / "data" / "catalog.sqlite")
    assert (tmp_path / "data" / "catalog.sqlite").exists()
    monkeypatch.delenv("ACQ_DATA_DIR")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    with Catalog.open() as cat:
        assert cat.uri == str(tmp_path / "xdg" / "acq" / "catalog.sqlite")


def test_sqlite_uri_and_wal_mode(tmp_path: Path) -> None:
    with Catalog.open(f"sqlite://{tmp_path}/x.sqlite") as cat:
        assert cat._backend.query("PRAGMA journal_mode")[0][0] == "wal"
    assert os.path.exists(tmp_path / "x.sqlite")


def test_rejected_documents_raise(catalog: Catalog) -> None:
    with pytest.raises(acq.DocumentValidationError, match="'uid' is required"):
        catalog("start", {"time": 1.0})
    with pytest.raises(acq.DocumentValidationError, match="lacks required"):
        catalog("event", {"uid": "e1"})
    with pytest.raises(acq.DocumentValidationError, match="unknown document name"):
        catalog("bogus", {})
    with pytest.raises(acq.DocumentValidationError, match="expected a dict"):
        catalog("start", [1, 2])  # type: ignore[arg-type]

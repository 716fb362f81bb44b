"""Bad input: corrupt files, unknown keys, a PostgreSQL server that goes away."""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

import msgspec
import numpy as np
import psycopg
import pytest
from _docs import scalar_run
from conftest import PG_URI, _drop_schema, _require_pg, ingest_all

import acq
from acq.catalog import Catalog, Key
from acq.catalog._backends import _pg_connect, _PostgresBackend


def _write_jsonl(path: Path, docs: list[tuple[str, dict[str, Any]]]) -> list[str]:
    lines = [json.dumps([n, d]) for n, d in docs]
    path.write_text("\n".join(lines) + "\n")
    return lines


def test_corrupt_jsonl_reports_the_line_and_keeps_good_runs(
    catalog: Catalog, tmp_path: Path
) -> None:
    good = scalar_run(4, scan_id=1)
    damaged = scalar_run(4, scan_id=2)
    lines = _write_jsonl(tmp_path / "a.jsonl", good + damaged)
    lines[len(good) + 3] = lines[len(good) + 3][:25]  # a corrupt event line of run 2
    lines.insert(1, '["start", {"no_uid": true}]')  # an invalid document
    (tmp_path / "a.jsonl").write_text("\n".join(lines) + "\n")
    report = catalog.ingest(tmp_path / "a.jsonl")
    assert not report.ok
    assert len(report.errors) == 2
    assert f"{tmp_path / 'a.jsonl'}:2:" in report.errors[0]
    assert f"a.jsonl:{len(good) + 5}:" in report.errors[1]
    assert catalog[1].primary.read()["x"].shape == (4,)
    assert catalog[1].state == "complete"
    assert catalog[2].primary.read()["x"].shape == (3,)  # the good events are kept


def test_truncated_jsonl_leaves_an_incomplete_run(catalog: Catalog, tmp_path: Path) -> None:
    lines = _write_jsonl(tmp_path / "t.jsonl", scalar_run(6))
    text = "\n".join(lines)
    (tmp_path / "t.jsonl").write_text(text[: len(text) - 30])  # stop line cut short
    report = catalog.ingest(tmp_path)
    assert "truncated" in report.errors[0]
    run = catalog[-1]
    assert run.state == "incomplete"
    assert run.primary.read()["x"].shape == (6,)


def test_corrupt_and_truncated_msgpack(catalog: Catalog, tmp_path: Path) -> None:
    frames = [msgspec.msgpack.encode([n, d]) for n, d in scalar_run(3)]
    data = b"".join(frames)
    (tmp_path / "t.msgpack").write_bytes(data[:-10])
    report = catalog.ingest(tmp_path / "t.msgpack")
    assert "truncated" in report.errors[-1]
    assert catalog[-1].state == "incomplete"
    (tmp_path / "c.msgpack").write_bytes(msgspec.msgpack.encode(["start", {"x": 1}]) + b"\xc1")
    report = catalog.ingest(tmp_path / "c.msgpack")
    assert len(report.errors) == 2
    assert "corrupt" in report.errors[1]
    (tmp_path / "p.msgpack").write_bytes(msgspec.msgpack.encode({"not": "a pair"}))
    assert "expected a [name, doc]" in catalog.ingest(tmp_path / "p.msgpack").errors[0]


def test_ingest_missing_path(catalog: Catalog, tmp_path: Path) -> None:
    with pytest.raises(acq.CatalogError, match="no such file"):
        catalog.ingest(tmp_path / "nope.jsonl")


def test_query_on_unknown_key_is_empty(catalog: Catalog) -> None:
    ingest_all(catalog, scalar_run(2))
    assert list(catalog.search(Key("does.not.exist") >= 3)) == []


def test_stored_values_that_are_not_json_raise(catalog: Catalog) -> None:
    docs = scalar_run(1)
    docs[0][1]["weird"] = object()
    with pytest.raises(TypeError, match="cannot store"):
        catalog("start", docs[0][1])


def test_ragged_and_numpy_values_round_trip(catalog: Catalog) -> None:
    docs = scalar_run(3)
    events = [d for n, d in docs if n == "event"]
    events[0]["data"]["label"] = [1, 2]
    events[1]["data"]["label"] = [1, 2, 3]
    events[2]["data"]["label"] = np.int64(4)
    ingest_all(catalog, docs)
    labels = catalog[-1].primary.read()["label"]
    assert labels.dtype == object
    assert list(labels[1]) == [1, 2, 3]


# ---------------------------------------------------------------- PostgreSQL going away
@pytest.fixture
def pg_schema() -> Any:
    _require_pg()
    import uuid

    schema = f"acq_test_{uuid.uuid4().hex[:12]}"
    yield schema
    _drop_schema(schema)


def _kill(pid: int) -> None:
    with psycopg.connect(PG_URI, autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", (pid,))


def test_postgres_connection_killed_mid_batch_is_retried(pg_schema: str) -> None:
    backend = _PostgresBackend(PG_URI, schema=pg_schema, retry_delay=0.01)
    attempts: list[int] = []

    def batch(tx: Any) -> None:
        attempts.append(1)
        tx.execute("INSERT INTO runs (uid, time, start_doc, rev) VALUES ('r1', 1, '{}', 1)")
        if len(attempts) == 1:  # the server drops us in the middle of the transaction
            pid = tx.fetchall("SELECT pg_backend_pid()")[0][0]
            _kill(pid)
        tx.execute("UPDATE runs SET scan_id = 5 WHERE uid = 'r1'")

    backend.write(batch)
    assert len(attempts) == 2
    assert backend.query("SELECT uid, scan_id FROM runs") == [("r1", 5)]
    backend.close()


def test_postgres_gone_for_good_gives_a_clear_error_and_commits_nothing(
    pg_schema: str,
) -> None:
    state = {"up": True}

    def connect(uri: str) -> Any:
        if not state["up"]:
            raise psycopg.OperationalError("connection refused (server is down)")
        return _pg_connect(uri)

    cat = Catalog.open(PG_URI, schema=pg_schema, retries=2, retry_delay=0.01)
    cat._backend._connect_fn = connect  # type: ignore[attr-defined]
    docs = scalar_run(10)
    for name, doc in docs[:2]:
        cat(name, doc)
    for name, doc in docs[2:7]:
        cat(name, doc)
    # the server goes away: our session is killed and no new connection is accepted
    state["up"] = False
    _kill(cat._backend._conn.info.backend_pid)  # type: ignore[attr-defined]
    with pytest.raises(acq.CatalogError, match="after 3 attempts") as info:
        cat.flush()
    assert "nothing of this batch was committed" in str(info.value)
    assert "password" not in str(info.value)
    with Catalog.open(PG_URI, schema=pg_schema) as other:  # nothing of the batch is visible
        assert other[-1].streams == {}  # the descriptor and events were in the batch
    # the server is back: what was buffered is committed whole, no duplicates
    state["up"] = True
    cat.flush()
    for name, doc in docs[7:]:
        cat(name, doc)
    np.testing.assert_array_equal(cat[-1].primary.read()["x"], np.arange(10.0))
    assert cat[-1].state == "complete"
    cat.close()


def test_postgres_concurrent_writers(pg_schema: str) -> None:
    errors: list[BaseException] = []

    def worker(offset: int) -> None:
        try:
            with Catalog.open(PG_URI, schema=pg_schema) as cat:
                for i in range(5):
                    ingest_all(cat, scalar_run(3, scan_id=offset + i))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    Catalog.open(PG_URI, schema=pg_schema).close()  # create the schema once
    threads = [threading.Thread(target=worker, args=(k * 100,)) for k in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors
    with Catalog.open(PG_URI, schema=pg_schema) as cat:
        assert len(cat) == 10


def test_redacted_uri() -> None:
    from acq.catalog._backends import _redact

    assert _redact("postgresql://u:secret@h:5432/db") == "postgresql://u@h:5432/db"
    assert _redact("/tmp/x.sqlite") == "/tmp/x.sqlite"


# ---------------------------------------------------------------- bad query values
def test_time_range_bad_string_raises_query_error() -> None:
    from acq import CatalogError, QueryError
    from acq.catalog import TimeRange

    with pytest.raises(QueryError) as info:
        TimeRange(since="yesterday")
    text = str(info.value)
    assert "TimeRange(since='yesterday')" in text
    assert "ISO 8601" in text
    assert isinstance(info.value, CatalogError)
    with pytest.raises(QueryError, match="until=\\[1\\]"):
        TimeRange(until=[1])  # type: ignore[arg-type]
    with pytest.raises(QueryError, match="Mars/Olympus"):
        TimeRange(since=0, timezone="Mars/Olympus")


def test_regex_bad_pattern_raises_query_error() -> None:
    from acq import QueryError
    from acq.catalog import Regex

    with pytest.raises(QueryError) as info:
        Regex("sample", "(")
    assert "Regex('sample', '(')" in str(info.value)
    assert "regular expression" in str(info.value)

"""Searches pushed into SQL give exactly what the Python path gives (both backends)."""

from __future__ import annotations

import random
import uuid
from typing import Any

import pytest

from acq.catalog import (
    Catalog,
    Contains,
    Key,
    Or,
    PartialUID,
    Query,
    Regex,
    ScanID,
    ScanIDRange,
    TimeRange,
)
from acq.catalog._pushdown import _clause

T0 = 1_790_000_000.0
SAMPLES: list[Any] = ["Si", "Ge", "5", 5, 5.0, 1, True, False, 0, None, ["Si"], {"a": 1}]


def _corpus(rng: random.Random, n: int) -> list[tuple[str, dict[str, Any]]]:
    docs: list[tuple[str, dict[str, Any]]] = []
    for i in range(n):
        uid = rng.choice(["ab", "a_", "a%", "AB", ""]) + uuid.UUID(int=rng.getrandbits(128)).hex
        start: dict[str, Any] = {"uid": uid, "time": T0 + rng.uniform(0, 1000)}
        sid = rng.choice([rng.randint(0, 20), rng.randint(0, 20), None])
        if sid is not None:
            start["scan_id"] = sid
        if rng.random() < 0.8:
            start["detail"] = rng.choice(SAMPLES)
        start["sample"] = rng.choice(["Si", "Ge", "GaAs"])
        start["plan_name"] = rng.choice(["count", "scan", "grid_scan"])
        docs.append(("start", start))
        if i % 3:
            stop = {"uid": f"stop-{uid}", "run_start": uid, "time": start["time"] + 1}
            docs.append(("stop", stop | {"exit_status": "success", "num_events": {}}))
    return docs


def _random_query(rng: random.Random, depth: int = 0) -> Query:
    kinds = ["sid", "range", "time", "uid", "key", "plan", "regex", "contains"]
    if depth < 2:
        kinds += ["and", "or"]
    kind = rng.choice(kinds)
    if kind == "sid":
        return ScanID(*rng.sample(range(21), rng.randint(1, 4)))
    if kind == "range":
        a = rng.randint(0, 20)
        return ScanIDRange(a, a + rng.randint(0, 8))
    if kind == "time":
        since = rng.choice([None, T0 + rng.uniform(0, 1000)])
        return TimeRange(since=since, until=rng.choice([None, T0 + rng.uniform(0, 1000)]))
    if kind == "uid":
        return PartialUID(*rng.sample(["a", "ab", "a_", "a%", "A", "0", "ab1"], 2))
    if kind == "key":
        key = rng.choice(["detail", "start.detail", "sample", "stop.exit_status"])
        return Key(key) == rng.choice([*SAMPLES[:9], 2**60, float("nan")])
    if kind == "plan":
        return Key("plan_name") == rng.choice(["count", "scan"])
    if kind == "regex":
        return Regex("detail", "^S")
    if kind == "contains":
        return Contains("detail", "Si")
    parts = [_random_query(rng, depth + 1) for _ in range(rng.randint(1, 3))]
    return Or(*parts) if kind == "or" else parts[0] & parts[-1]


def test_sql_and_python_give_identical_results(catalog: Catalog) -> None:
    rng = random.Random(8)
    report = catalog.ingest(_corpus(rng, 300))
    assert not report.errors
    runs = list(catalog)  # no query: every run, newest first
    assert len(runs) == 300
    pushed = 0
    for _ in range(150):
        query = _random_query(rng)
        pushed += _clause(query, catalog._backend.dialect) is not None
        expected = [r.uid for r in runs if query.match(r.start, r.stop)]
        assert catalog.search(query).uids() == expected, query
        low = ScanIDRange(0, 10)
        chained = [u for u in expected if u in {r.uid for r in runs if low.match(r.start, r.stop)}]
        assert catalog.search(query).search(low).uids() == chained, query
    assert pushed > 75  # most of the random queries really ran in SQL


@pytest.mark.parametrize("dialect", ["sqlite", "postgresql"])
def test_selective_queries_translate_to_sql(dialect: str) -> None:
    for query in [
        ScanID(3),
        ScanIDRange(1, 5),
        TimeRange(since=T0),
        PartialUID("ab"),
        Key("sample") == "Si",
        Key("plan_name") == "count",
        Key("scan_id") == 3,
        (Key("sample") == "Si") & Regex("sample", "S"),
    ]:
        assert _clause(query, dialect) is not None, query
    for query in [Regex("sample", "S"), Key("a.b") == 1, Key("stop.x") == 1, Key("a") != 1]:
        assert _clause(query, dialect) is None, query

"""Looking runs up and searching them (same tests on both backends)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from _docs import scalar_run
from conftest import ingest_all

import acq
from acq.catalog import (
    Catalog,
    Contains,
    FullText,
    In,
    Key,
    Not,
    NotIn,
    Or,
    PartialUID,
    Regex,
    ScanID,
    ScanIDRange,
    TimeRange,
)

T0 = datetime(2026, 11, 24, 9, 0, tzinfo=ZoneInfo("Europe/Paris")).timestamp()


@pytest.fixture
def filled(catalog: Catalog) -> Catalog:
    samples = ["Si", "Ge", "Si", "GaAs", "Cu"]
    for i, sample in enumerate(samples):
        docs = scalar_run(
            2,
            scan_id=i + 1,
            t0=T0 + 3600 * i,
            sample=sample,
            temperature=100 + 10 * i,
            tags=["calib"] if i % 2 else ["user", "night"],
            operator={"name": "Ada Lovelace" if i < 2 else "Grace Hopper"},
        )
        ingest_all(catalog, docs)
    return catalog


def scan_ids(cat: Catalog) -> list[int]:
    return [run.start["scan_id"] for run in cat]


def test_indexing_by_recency_scan_id_and_uid(filled: Catalog) -> None:
    assert len(filled) == 5
    assert scan_ids(filled) == [5, 4, 3, 2, 1]  # iteration newest first
    assert filled[-1].start["scan_id"] == 5
    assert filled[-5].start["scan_id"] == 1
    assert filled[3].start["sample"] == "Si"
    uid = filled[2].uid
    assert filled[uid].uid == uid
    assert filled[uid[:10]].uid == uid
    assert uid in filled
    assert scan_ids(filled[-2:]) == [5, 4]
    assert len(filled[:2]) == 2


def test_lookup_errors(filled: Catalog) -> None:
    with pytest.raises(acq.RunNotFound):
        filled[99]
    with pytest.raises(KeyError):
        filled["zzzz"]
    with pytest.raises(acq.RunNotFound, match="only 5 runs"):
        filled[-6]
    with pytest.raises(TypeError):
        filled[1.5]  # type: ignore[index]


def test_ambiguous_prefix_raises(catalog: Catalog) -> None:
    for i in range(2):
        docs = scalar_run(1, scan_id=i)
        docs[0][1]["uid"] = f"abc{i}-run"
        for _name, doc in docs[1:]:
            if "run_start" in doc:
                doc["run_start"] = f"abc{i}-run"
        ingest_all(catalog, docs)
    with pytest.raises(acq.CatalogError, match="ambiguous"):
        catalog["abc"]
    assert catalog["abc1"].uid == "abc1-run"


def test_key_comparisons(filled: Catalog) -> None:
    assert scan_ids(filled.search(Key("sample") == "Si")) == [3, 1]
    assert scan_ids(filled.search(Key("sample") != "Si")) == [5, 4, 2]
    assert scan_ids(filled.search(Key("temperature") < 120)) == [2, 1]
    assert scan_ids(filled.search(Key("temperature") <= 120)) == [3, 2, 1]
    assert scan_ids(filled.search(Key("temperature") > 120)) == [5, 4]
    assert scan_ids(filled.search(Key("temperature") >= 120)) == [5, 4, 3]
    assert scan_ids(filled.search(Key("operator.name") == "Ada Lovelace")) == [2, 1]
    assert scan_ids(filled.search(Key("stop.exit_status") == "success")) == [5, 4, 3, 2, 1]
    assert scan_ids(filled.search(Key("sample") > 3)) == []  # not comparable: no match
    assert repr(Key("a")) == "Key('a')"


def test_unknown_key_gives_empty_result(filled: Catalog) -> None:
    assert len(filled.search(Key("no_such_key") == 1)) == 0
    assert len(filled.search(Regex("nope.deeper", "x"))) == 0
    assert len(filled.search(In("nope", [1]))) == 0
    assert len(filled.search(NotIn("nope", [1]))) == 0


def test_contains_in_regex_fulltext(filled: Catalog) -> None:
    assert scan_ids(filled.search(Contains("tags", "calib"))) == [4, 2]
    assert scan_ids(filled.search(Contains("sample", "Ga"))) == [4]
    assert scan_ids(filled.search(Contains("temperature", 1))) == []
    assert scan_ids(filled.search(In("sample", ["Cu", "Ge"]))) == [5, 2]
    assert scan_ids(filled.search(NotIn("sample", ["Cu", "Ge"]))) == [4, 3, 1]
    assert scan_ids(filled.search(Regex("sample", "^G"))) == [4, 2]
    assert scan_ids(filled.search(Regex("sample", "^g", case_sensitive=False))) == [4, 2]
    assert scan_ids(filled.search(FullText("grace"))) == [5, 4, 3]
    assert scan_ids(filled.search(FullText("hopper night"))) == [5, 3]


def test_time_scan_id_and_uid_queries(filled: Catalog) -> None:
    paris = "Europe/Paris"
    assert scan_ids(filled.search(TimeRange("2026-11-24 10:00", "2026-11-24 12:00", paris))) == [
        3,
        2,
    ]
    assert scan_ids(filled.search(TimeRange(since=T0 + 3 * 3600))) == [5, 4]
    assert scan_ids(filled.search(TimeRange(until=datetime.fromtimestamp(T0 + 1)))) == [1]
    assert scan_ids(filled.search(ScanID(2, 4))) == [4, 2]
    assert scan_ids(filled.search(ScanIDRange(2, 4))) == [3, 2]
    uid = filled[3].uid
    assert scan_ids(filled.search(PartialUID(uid[:8]))) == [3]
    assert "TimeRange" in repr(TimeRange(1, 2))
    assert "ScanID" in repr(ScanID(1))
    assert "PartialUID" in repr(PartialUID("a"))


def test_and_by_chaining_or_and_not(filled: Catalog) -> None:
    si = Key("sample") == "Si"
    warm = Key("temperature") > 110
    assert scan_ids(filled.search(si).search(warm)) == [3]
    assert scan_ids(filled.search(si & warm)) == [3]
    assert scan_ids(filled.search(Or(si, Key("sample") == "Cu"))) == [5, 3, 1]
    assert scan_ids(filled.search(si | warm)) == [5, 4, 3, 1]
    assert scan_ids(filled.search(~si)) == [5, 4, 2]
    assert scan_ids(filled.search(Not(si))) == [5, 4, 2]
    assert "Or" in repr(si | warm)
    assert "And" in repr(si & warm)
    assert "Not" in repr(~si)


def test_sorted_and_paged(filled: Catalog) -> None:
    by_sample = filled.sort("sample", descending=False)
    assert [r.start["sample"] for r in by_sample] == ["Cu", "GaAs", "Ge", "Si", "Si"]
    oldest_first = filled.sort("time", descending=False)
    assert scan_ids(oldest_first) == [1, 2, 3, 4, 5]
    assert [r.start["scan_id"] for r in filled.page(0, size=2)] == [5, 4]
    assert [r.start["scan_id"] for r in filled.page(2, size=2)] == [1]
    assert filled.page(3, size=2) == []
    assert scan_ids(filled.sort("no_such_key")) == [5, 4, 3, 2, 1]
    assert oldest_first[3].start["scan_id"] == 3
    assert filled.uids()[0] == filled[-1].uid
    assert "5 runs" in repr(filled)


def test_new_runs_show_up_in_open_views(filled: Catalog) -> None:
    view = filled.search(Key("sample") == "Si")
    assert len(view) == 2
    ingest_all(filled, scalar_run(1, scan_id=9, sample="Si", t0=T0 + 36000))
    assert len(view) == 3
    assert view[-1].start["scan_id"] == 9

"""Reading runs: metadata, streams, tables, config, timestamps, replay and export."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from _docs import scalar_run
from conftest import ingest_all

import acq
from acq.catalog import Catalog, Table


@pytest.fixture
def run_docs(catalog: Catalog) -> list[tuple[str, dict]]:
    docs = scalar_run(6, sample="Si")
    ingest_all(catalog, docs)
    return docs


def test_metadata_and_streams(catalog: Catalog, run_docs: list) -> None:
    run = catalog[-1]
    md = run.metadata
    assert md["start"] == run_docs[0][1]
    assert md["stop"]["exit_status"] == "success"
    assert [d["uid"] for d in md["descriptors"]] == [run_docs[1][1]["uid"]]
    assert list(run.streams) == ["primary"]
    assert run.primary is run["primary"]
    assert "primary" in repr(run)
    assert "primary" in repr(run.primary)
    with pytest.raises(acq.CatalogError, match="no stream 'baseline'"):
        run["baseline"]
    with pytest.raises(AttributeError, match="no stream or attribute"):
        _ = run.baseline
    with pytest.raises(AttributeError):
        _ = run._private


def test_read_columns_config_timestamps(catalog: Catalog, run_docs: list) -> None:
    stream = catalog[-1].primary
    table = stream.read()
    assert isinstance(table, Table)
    assert table.columns == ["time", "seq_num", "x", "det", "label"]
    assert table.nrows == 6
    assert len(table) == 5
    assert "6 rows" in repr(table)
    events = [d for n, d in run_docs if n == "event"]
    np.testing.assert_allclose(table["time"], [e["time"] for e in events])
    only = stream.read(["det"])
    assert list(only) == ["time", "seq_num", "det"]
    np.testing.assert_array_equal(stream["det"], np.arange(6.0) ** 2)
    with pytest.raises(acq.CatalogError, match="no column"):
        stream.read(["nope"])
    ts = stream.timestamps(["x"])
    np.testing.assert_allclose(ts["x"], [e["timestamps"]["x"] for e in events])
    assert "time" in stream.timestamps()
    np.testing.assert_array_equal(stream.config["det"]["det_gain"], [2.5])
    assert set(table.to_dict()) == set(table)


def test_pandas_and_xarray(catalog: Catalog, run_docs: list) -> None:
    table = catalog[-1].primary.read()
    df = table.to_pandas()
    assert list(df["x"]) == list(range(6))
    ds = table.to_xarray()
    assert ds["det"].values.tolist() == [float(i) ** 2 for i in range(6)]


def test_replay_gives_back_the_documents(catalog: Catalog, run_docs: list) -> None:
    seen: list[tuple[str, dict]] = []
    catalog[-1].replay(lambda name, doc: seen.append((name, doc)))
    assert [n for n, _ in seen] == [n for n, _ in run_docs]
    originals = [d for n, d in run_docs if n == "event"]
    replayed = [d for n, d in seen if n == "event"]
    for a, b in zip(originals, replayed, strict=True):
        assert (a["uid"], a["seq_num"], a["data"], a["timestamps"]) == (
            b["uid"],
            b["seq_num"],
            b["data"],
            b["timestamps"],
        )


@pytest.mark.parametrize("fmt", ["jsonl", "msgpack"])
def test_export_and_reimport(catalog: Catalog, run_docs: list, tmp_path: Path, fmt: str) -> None:
    (path,) = catalog[-1].export(fmt, tmp_path / "out")
    assert path.exists()
    other = Catalog.open(tmp_path / f"other-{fmt}.sqlite")
    try:
        report = other.ingest(path)
        assert report.ok
        assert report.runs == [run_docs[0][1]["uid"]]
        np.testing.assert_array_equal(other[-1].primary.read()["x"], np.arange(6.0))
    finally:
        other.close()
    with pytest.raises(acq.CatalogError, match="known formats"):
        catalog[-1].export("nope", tmp_path)
    if fmt == "jsonl":
        first = json.loads(path.read_text().splitlines()[0])
        assert first[0] == "start"
        (csv,) = catalog[-1].export("csv", tmp_path / "csv")
        assert csv.suffix == ".csv"

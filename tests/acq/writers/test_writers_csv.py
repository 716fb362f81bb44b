"""CSV: one file per stream, read by pandas."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from writer_docs import scalar_run

import acq
from acq.writers import CSVWriter, MemoryDestination, export_csv


def test_streams_read_by_pandas(tmp_path: Path) -> None:
    docs = scalar_run(4)
    artifacts = export_csv(docs, tmp_path, file_prefix="{start[scan_id]}")
    paths = sorted(artifacts["stream_data"])
    assert [Path(p).name for p in paths] == ["7-baseline.csv", "7-primary.csv"]
    df = pd.read_csv(paths[1])
    assert list(df.columns) == ["seq_num", "time", "det", "x", "y"]
    assert df["det"].tolist() == [0.0, 1.0, 4.0, 9.0]
    assert df["y"].tolist() == [0.0, -0.25, -0.5, -0.75]
    assert df["seq_num"].dtype == np.int64


def test_event_page_arrays_and_strings(frames_run, tmp_path: Path) -> None:
    docs = scalar_run(2)
    desc = docs[1][1]
    desc["data_keys"]["spec"] = {"source": "s", "dtype": "array", "shape": [3]}
    desc["data_keys"]["big"] = {"source": "s", "dtype": "array", "shape": [100]}
    desc["data_keys"]["label"] = {"source": "s", "dtype": "string", "shape": []}
    for _, ev in docs[4:6]:
        ev["data"].update(spec=[1, 2, 3], big=np.arange(100.0), label='a, "quoted" name')
    page = {
        "descriptor": desc["uid"],
        "uid": ["p1"],
        "seq_num": [3],
        "time": [5.0],
        "data": {"det": [9.0], "x": [1.0], "y": [2.0]},
        "timestamps": {"det": [1.0], "x": [1.0], "y": [1.0]},
        "filled": {},
    }
    docs.insert(6, ("event_page", page))
    mem = MemoryDestination()
    export_csv(docs, mem)
    name = next(k for k in mem.buffers if k.endswith("-primary.csv"))
    from io import BytesIO

    df = pd.read_csv(BytesIO(mem.buffers[name]))
    assert df["spec"].iloc[0] == "[1,2,3]"
    assert df["big"].iloc[0] == "<array shape=(100,) dtype=float64 min=0.0 max=99.0>"
    assert df["label"].iloc[1] == 'a, "quoted" name'
    assert df["det"].tolist() == [0.0, 1.0, 9.0]
    assert pd.isna(df["spec"].iloc[2])


def test_external_reference_is_written(frames_run, tmp_path: Path) -> None:
    artifacts = export_csv(frames_run, tmp_path / "csv")
    df = pd.read_csv(artifacts["stream_data"][0])
    assert df["old"].str.contains("/").all()  # datum ids
    h5 = str(tmp_path / "det.h5")
    assert df["img"].tolist() == [f"{h5}#/entry/data/data[{i}]" for i in range(3)]


def test_stream_datum_before_its_events(frames_run, tmp_path: Path) -> None:
    at = next(i for i, (n, _) in enumerate(frames_run) if n == "stream_datum")
    sd = frames_run.pop(at)
    frames_run.insert(next(i for i, (n, _) in enumerate(frames_run) if n == "event"), sd)
    df = pd.read_csv(export_csv(frames_run, tmp_path / "csv")["stream_data"][0])
    assert df["img"].str.endswith(("[0]", "[1]", "[2]")).all()
    assert df["seq_num"].tolist() == [1, 2, 3]


def test_rows_without_stream_datum_are_written_at_the_end(frames_run, tmp_path: Path) -> None:
    docs = [d for d in frames_run if d[0] != "stream_datum"]
    df = pd.read_csv(export_csv(docs, tmp_path / "csv")["stream_data"][0])
    assert df["seq_num"].tolist() == [1, 2, 3]
    assert df["img"].isna().all()
    assert df["det"].tolist() == [0.0, 1.0, 2.0]


def test_undeclared_key_is_refused(tmp_path: Path) -> None:
    docs = scalar_run(1)
    docs[4][1]["data"]["surprise"] = 1
    with pytest.raises(acq.WriterError, match=r"data keys \['surprise'\]"):
        export_csv(docs, tmp_path)


def test_same_stream_name_twice_gets_two_files(tmp_path: Path) -> None:
    docs = scalar_run(1)
    twin = dict(docs[2][1], uid="twin-desc")
    docs.insert(3, ("descriptor", twin))
    writer = CSVWriter(tmp_path)
    writer.consume(docs)
    writer.close()
    assert len(writer.artifacts["stream_data"]) == 3

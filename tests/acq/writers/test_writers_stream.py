"""JSONL and msgpack: lossless round trip of all ten document types."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from writer_docs import Docs, scalar_run

import acq
from acq.writers import (
    JSONLWriter,
    MemoryDestination,
    MsgpackWriter,
    export_jsonl,
    export_msgpack,
    read_jsonl,
    read_msgpack,
)

FORMATS = [(export_jsonl, read_jsonl, ".jsonl"), (export_msgpack, read_msgpack, ".msgpack")]


def _plain(docs: Docs) -> Docs:
    return json.loads(json.dumps(docs))


@pytest.mark.parametrize(("export", "read", "ext"), FORMATS)
def test_round_trip_all_document_types(frames_run: Docs, tmp_path: Path, export, read, ext) -> None:
    names = {n for n, _ in frames_run}
    assert len(names) == 10
    artifacts = export(frames_run, tmp_path / "out")
    [path] = artifacts["stream_data"]
    assert path.endswith(ext)
    back = [list(pair) for pair in read(path)]
    assert back == [list(p) for p in _plain(frames_run)]


@pytest.mark.parametrize(("export", "read", "ext"), FORMATS)
def test_numpy_values_and_memory_destination(export, read, ext) -> None:
    docs = scalar_run(2)
    docs[4][1]["data"]["det"] = np.float32(1.5)
    docs[5][1]["data"]["det"] = np.arange(3, dtype=np.int16)
    mem = MemoryDestination()
    export(docs, mem, file_prefix="{start[scan_id]}-{start[plan_name]}")
    back = list(read(mem.buffers[f"7-count{ext}"]))
    assert back[4][1]["data"]["det"] == 1.5
    assert back[5][1]["data"]["det"] == [0, 1, 2]


@pytest.mark.parametrize("cls", [JSONLWriter, MsgpackWriter])
def test_unstopped_run_is_readable_after_close(cls, tmp_path: Path) -> None:
    docs = scalar_run(3)[:-1]
    writer = cls(tmp_path)
    writer.consume(docs)
    writer.close()
    writer.close()  # idempotent
    reader = read_jsonl if cls is JSONLWriter else read_msgpack
    assert [n for n, _ in reader(writer.artifacts["stream_data"][0])] == [n for n, _ in docs]


def test_several_runs_one_after_another(tmp_path: Path) -> None:
    writer = JSONLWriter(tmp_path, file_prefix="{start[uid]}")
    writer.consume(scalar_run(1))
    writer.consume(scalar_run(1))
    writer.close()
    assert len(writer.artifacts["stream_data"]) == 2


def test_unencodable_value_names_the_document(tmp_path: Path) -> None:
    docs = scalar_run(1)
    docs[4][1]["data"]["det"] = object()
    with pytest.raises(acq.WriterError, match="cannot encode event"):
        export_jsonl(docs, tmp_path)


def test_readers_reject_garbage(tmp_path: Path) -> None:
    with pytest.raises(acq.DocumentValidationError, match="JSONL line 1: not a valid json"):
        list(read_jsonl(b"{nope\n"))
    with pytest.raises(acq.DocumentValidationError, match=r"line 2: .*2-item array"):
        list(read_jsonl(b'\n{"a": 1}\n'))
    with pytest.raises(acq.DocumentValidationError, match="msgpack frame 1"):
        list(read_msgpack(b"\x01"))
    with pytest.raises(acq.DocumentValidationError, match="frame 1 is truncated"):
        list(read_msgpack(b"\x92\xa5start"))
    with pytest.raises(acq.DocumentValidationError, match="frame 1 is corrupt"):
        list(read_msgpack(b"\xc1"))
    with pytest.raises(acq.WriterError, match="cannot read document stream"):
        list(read_jsonl(tmp_path / "missing.jsonl"))
    assert list(read_jsonl(b"\n")) == []


def test_reader_validates_documents() -> None:
    line = b'["event", {"uid": "u", "descriptor": "d"}]\n'
    with pytest.raises(acq.DocumentValidationError, match="JSONL line 1: event"):
        list(read_jsonl(line))

"""The writer interface: ordering, closing, destinations, file names."""

from __future__ import annotations

from pathlib import Path

import pytest
from writer_docs import full_run, scalar_run

import acq
from acq.writers import (
    CSVWriter,
    DirectoryDestination,
    JSONLWriter,
    MemoryDestination,
    MsgpackWriter,
    NeXusWriter,
    SpecWriter,
    TIFFWriter,
    Writer,
    render_template,
    sanitize,
)


def test_event_before_descriptor_is_refused() -> None:
    docs = scalar_run(1)
    writer = JSONLWriter(MemoryDestination())
    writer("start", docs[0][1])
    with pytest.raises(acq.WriterError, match="send the descriptor before its events"):
        writer("event", docs[4][1])
    writer.close()


def test_document_outside_a_run_is_refused() -> None:
    with pytest.raises(acq.WriterError, match="a start document must come first"):
        JSONLWriter(MemoryDestination())("descriptor", scalar_run(1)[1][1])


def test_second_start_while_open_is_refused() -> None:
    docs = scalar_run(1)
    writer = Writer(MemoryDestination())
    writer("start", docs[0][1])
    with pytest.raises(acq.WriterError, match="send its stop first"):
        writer("start", scalar_run(1)[0][1])


def test_unknown_name_and_closed_writer() -> None:
    writer = Writer(MemoryDestination())
    with pytest.raises(acq.WriterError, match="expected one of start, descriptor"):
        writer("bulk_events", {})
    writer.close()
    with pytest.raises(acq.WriterError, match="is closed"):
        writer("start", scalar_run(1)[0][1])


def test_external_documents_need_their_resources(tmp_path: Path) -> None:
    docs = dict(reversed(full_run(tmp_path)))
    writer = Writer(MemoryDestination())
    writer("start", docs["start"])
    with pytest.raises(acq.WriterError, match="send the resource first"):
        writer("datum", docs["datum"])
    with pytest.raises(acq.WriterError, match="send it first"):
        writer("stream_datum", docs["stream_datum"])
    writer("descriptor", docs["descriptor"])
    writer("resource", docs["resource"])
    writer("datum_page", docs["datum_page"])
    writer("stream_resource", docs["stream_resource"])
    writer("stream_datum", docs["stream_datum"])
    writer("event_page", docs["event_page"])
    writer("stop", docs["stop"])
    assert writer.run_start is None
    writer.close()


def test_base_writer_ignores_every_type_explicitly(tmp_path: Path) -> None:
    with Writer(tmp_path) as writer:
        writer.consume(full_run(tmp_path))
    assert writer.artifacts == {}


def test_unwritable_destination(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    writer = JSONLWriter(blocker / "sub")
    with pytest.raises(acq.WriterError, match=r"cannot open .*Choose a directory"):
        writer("start", scalar_run(1)[0][1])
    writer.close()


def test_bad_destination_type() -> None:
    with pytest.raises(acq.WriterError, match="neither a path nor"):
        JSONLWriter(42)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("Scan Ω 5/../etc", "Scan_5_.._etc"),
        ("café:réglage*?", "cafe_reglage_"),
        ("../../x", "x"),
        ("   ", "run"),
        ("日本語", "run"),
        ("a" * 300, "a" * 180),
    ],
)
def test_sanitize(raw: str, clean: str) -> None:
    assert sanitize(raw) == clean


def test_template_with_odd_metadata_writes_a_safe_file(tmp_path: Path) -> None:
    docs = scalar_run(1, plan_name="grid/scan: Ω\x00")
    writer = JSONLWriter(tmp_path, file_prefix="{start[scan_id]}-{start[plan_name]}")
    writer.consume(docs)
    writer.close()
    [path] = writer.artifacts["stream_data"]
    assert Path(path).parent == tmp_path
    assert Path(path).name == "7-grid_scan_.jsonl"


def test_template_missing_key() -> None:
    with pytest.raises(acq.WriterError, match=r"missing or bad field 'sample'"):
        render_template("{start[sample]}", {"uid": "u"})


def test_directory_destination_location(tmp_path: Path) -> None:
    assert DirectoryDestination(tmp_path).location("a.csv") == str(tmp_path / "a.csv")


@pytest.mark.parametrize(
    "cls",
    [JSONLWriter, MsgpackWriter, CSVWriter, TIFFWriter, SpecWriter, NeXusWriter],
    ids=lambda c: c.__name__,
)
def test_every_writer_takes_all_ten_document_types(cls, tmp_path: Path) -> None:
    docs = full_run(tmp_path)
    assert len({name for name, _ in docs}) == 10
    writer = cls(tmp_path / "out")
    writer.consume(docs)
    writer.close()
    paths = [p for ps in writer.artifacts.values() for p in ps]
    assert paths
    assert all(Path(p).stat().st_size > 0 for p in paths)


async def test_async_interface_on_files(tmp_path: Path) -> None:
    writer = CSVWriter(tmp_path)
    for name, doc in scalar_run(2):
        await writer.write(name, doc)
    await writer.drain()
    async with writer:
        pass
    assert writer.closed
    assert len(writer.artifacts["stream_data"]) == 2


def _refuse_an_event(writer: Writer) -> None:
    docs = scalar_run(2)
    writer("start", docs[0][1])
    writer("descriptor", docs[1][1])
    writer("event", docs[4][1])
    orphan = dict(docs[5][1], descriptor="never-sent")
    with pytest.raises(acq.WriterError, match="send the descriptor before its events"):
        writer("event", orphan)


@pytest.mark.parametrize("cls", [JSONLWriter, MsgpackWriter])
def test_refused_document_leaves_a_readable_partial_stream(cls, tmp_path: Path) -> None:
    from acq.writers import read_jsonl, read_msgpack

    writer = cls(tmp_path)
    _refuse_an_event(writer)
    [path] = writer.artifacts["stream_data"]
    read = read_jsonl if cls is JSONLWriter else read_msgpack
    # on disk at once, without close(): what was valid, not the refused event
    assert [n for n, _ in read(path)] == ["start", "descriptor", "event"]
    writer.close()
    assert [n for n, _ in read(path)] == ["start", "descriptor", "event"]


def test_refused_document_leaves_readable_csv_spec_nexus(tmp_path: Path) -> None:
    import h5py
    import pandas as pd

    csv_w, spec_w, nx_w = CSVWriter(tmp_path), SpecWriter(tmp_path), NeXusWriter(tmp_path)
    for writer in (csv_w, spec_w, nx_w):
        _refuse_an_event(writer)
    [csv_path] = [p for p in csv_w.artifacts["stream_data"] if p.endswith("primary.csv")]
    assert pd.read_csv(csv_path)["det"].tolist() == [0.0]  # before close()
    for writer in (csv_w, spec_w, nx_w):
        writer.close()
    text = Path(spec_w.artifacts["spec"][0]).read_text()
    assert "#S 7 count" in text
    assert "run not stopped" in text
    with h5py.File(nx_w.artifacts["stream_data"][0], "r") as f:
        assert f["entry/primary/det"][:].tolist() == [0.0]
        assert "stop" not in f["entry"]

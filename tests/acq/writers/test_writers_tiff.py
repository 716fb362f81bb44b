"""TIFF: image stacks from events, datum and stream_datum, dtype kept; read by tifffile."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import tifffile
from writer_docs import Docs, full_run, scalar_run

import acq
from acq.writers import MemoryDestination, TIFFWriter, export_tiff


@pytest.mark.parametrize("dtype", ["uint16", "float32", "int8"])
def test_external_frames_keep_dtype(tmp_path: Path, dtype: str) -> None:
    docs = full_run(tmp_path, n=3, dtype=dtype)
    artifacts = export_tiff(docs, tmp_path / "tiff", file_prefix="{start[scan_id]}")
    names = sorted(Path(p).name for p in artifacts["stream_data"])
    assert names == ["3-primary-img.tiff", "3-primary-old.tiff"]
    img = tifffile.imread(tmp_path / "tiff" / "3-primary-img.tiff")
    old = tifffile.imread(tmp_path / "tiff" / "3-primary-old.tiff")
    expected = np.arange(60, dtype=dtype).reshape(3, 4, 5)
    assert img.dtype == np.dtype(dtype)
    np.testing.assert_array_equal(img, expected)
    np.testing.assert_array_equal(old, expected + 1)


def _image_run(values: list, dtype_numpy: str | None = None) -> Docs:
    docs = scalar_run(len(values))
    dk = {"source": "cam", "dtype": "array", "shape": [2, 3]}
    if dtype_numpy:
        dk["dtype_numpy"] = dtype_numpy
    docs[1][1]["data_keys"]["cam"] = dk
    for (_, ev), v in zip(docs[4:-1], values, strict=True):
        ev["data"]["cam"] = v
    return docs


def test_in_event_images_to_memory() -> None:
    frames = [np.full((2, 3), i, dtype="<u4") for i in range(3)]
    mem = MemoryDestination()
    export_tiff(_image_run(frames), mem, file_prefix="x")
    back = tifffile.imread(__import__("io").BytesIO(mem.buffers["x-primary-cam.tiff"]))
    assert back.dtype == np.uint32
    assert back[:, 0, 0].tolist() == [0, 1, 2]


def test_lists_take_the_declared_dtype(tmp_path: Path) -> None:
    docs = _image_run([[[1, 2, 3], [4, 5, 6]]], dtype_numpy="<u2")
    [path] = export_tiff(docs, tmp_path)["stream_data"]
    assert tifffile.imread(path).dtype == np.uint16


def test_list_that_does_not_fit_is_refused(tmp_path: Path) -> None:
    docs = _image_run([[[1.5, 2, 3], [4, 5, 6]]], dtype_numpy="<u2")
    with pytest.raises(acq.WriterError, match="refusing to cast"):
        export_tiff(docs, tmp_path)


def test_dtype_mismatch_with_descriptor_is_refused(tmp_path: Path) -> None:
    docs = _image_run([np.zeros((2, 3), "f8")], dtype_numpy="<u2")
    with pytest.raises(acq.WriterError, match="never cast silently"):
        export_tiff(docs, tmp_path)


def test_dtype_change_within_a_run_is_refused(tmp_path: Path) -> None:
    docs = _image_run([np.zeros((2, 3), "u2"), np.zeros((2, 3), "f4")])
    with pytest.raises(acq.WriterError, match="dtype changed from uint16 to float32"):
        export_tiff(docs, tmp_path)


def test_complex_images_are_refused(tmp_path: Path) -> None:
    docs = _image_run([np.zeros((2, 3), "c16")])
    with pytest.raises(acq.WriterError, match="TIFF stores integer and float images"):
        export_tiff(docs, tmp_path)


def test_large_frames(tmp_path: Path) -> None:
    big = np.arange(2048 * 2048, dtype="u2").reshape(2048, 2048)
    docs = _image_run([big, big])
    docs[1][1]["data_keys"]["cam"]["shape"] = [2048, 2048]
    [path] = export_tiff(docs, tmp_path)["stream_data"]
    back = tifffile.imread(path)
    assert back.shape == (2, 2048, 2048)
    assert back[1, -1, -1] == big[-1, -1]


def test_unstopped_run_leaves_a_readable_stack(tmp_path: Path) -> None:
    docs = full_run(tmp_path)[:-1]
    writer = TIFFWriter(tmp_path / "t")
    writer.consume(docs)
    writer.close()
    for path in writer.artifacts["stream_data"]:
        assert tifffile.imread(path).shape == (3, 4, 5)


def test_missing_datum_and_missing_file(tmp_path: Path) -> None:
    docs = full_run(tmp_path)
    ev = next(d for n, d in docs if n == "event")
    ev["data"]["old"] = "nope/0"
    with pytest.raises(acq.WriterError, match="datum 'nope/0' that was never seen"):
        export_tiff(docs, tmp_path / "a")
    docs = full_run(tmp_path)
    (tmp_path / "det.h5").unlink()
    with pytest.raises(acq.WriterError, match="cannot be opened"):
        export_tiff(docs, tmp_path / "b")


def _edit(docs: Docs, name: str, **changes: object) -> Docs:
    for n, doc in docs:
        if n == name:
            doc.update(changes)
    return docs


@pytest.mark.parametrize(
    ("name", "changes", "message"),
    [
        ("stream_resource", {"uri": "s3://bucket/det.h5"}, "only file:// URIs"),
        ("stream_resource", {"mimetype": "image/tiff"}, "mimetype 'image/tiff' cannot be"),
        ("stream_resource", {"parameters": {"dataset": "/nope"}}, "has no dataset '/nope'"),
        ("resource", {"spec": "SPE"}, "resource spec 'SPE' cannot be filled"),
    ],
)
def test_external_data_that_cannot_be_filled(tmp_path: Path, name, changes, message) -> None:
    docs = _edit(full_run(tmp_path), name, **changes)
    with pytest.raises(acq.WriterError, match=message):
        export_tiff(docs, tmp_path / "out")


def test_stream_datum_for_an_undeclared_key(tmp_path: Path) -> None:
    docs = full_run(tmp_path)
    docs = _edit(docs, "stream_resource", data_key="other")
    docs = _edit(docs, "stream_datum", descriptor="")
    with pytest.raises(acq.WriterError, match="no descriptor declares that key"):
        export_tiff(docs, tmp_path / "out")


def test_refusal_names_key_dtype_and_value(tmp_path: Path) -> None:
    docs = _image_run([[[1, 2, 3], [4, 5, 2**40]]], dtype_numpy="<i4")
    match = r"value 1099511627776 does not fit the declared dtype_numpy '<i4'"
    with pytest.raises(acq.WriterError, match=match):
        export_tiff(docs, tmp_path)

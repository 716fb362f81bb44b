"""External data: detector frames in HDF5 / TIFF / NPY files come back as numpy arrays."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from _docs import hdf5_run, resource_run, stream_run
from conftest import ingest_all

import acq
from acq.catalog import Catalog, Key, LazyColumn, register_reader


def test_done_when_hdf5_frames_found_by_search(catalog: Catalog, tmp_path: Path) -> None:
    """A detector writes an HDF5 file and emits StreamResource + StreamDatum documents;
    the user finds the run by search and gets frames as numpy arrays, no path in sight."""
    ingest_all(catalog, hdf5_run(tmp_path / "det.h5", n_frames=12, sample="lysozyme"))
    # --- user code: no file path ---
    run = catalog.search(Key("sample") == "lysozyme")[-1]
    frames = run.primary.read()["cam_image"]
    assert isinstance(frames, np.ndarray)
    assert frames.shape == (12, 8, 6)
    assert frames.dtype == np.uint16
    assert [int(f[0, 0]) for f in frames] == list(range(12))
    np.testing.assert_array_equal(run.primary.read()["cam_sum"], np.arange(12) * 48.0)
    lazy = run.primary["cam_image"]
    assert isinstance(lazy, LazyColumn)
    assert len(lazy) == 12
    assert lazy.shape[0] == 12
    assert int(lazy[7][0, 0]) == 7
    assert int(lazy[-1][0, 0]) == 11
    assert [int(f[0, 0]) for f in lazy[2:8:3]] == [2, 5]
    assert lazy[5:5].shape[0] == 0
    assert np.asarray(lazy, dtype=float).dtype == float
    assert "cam_image" in repr(lazy)
    with pytest.raises(IndexError, match="out of range"):
        lazy[12]
    run.close()


def test_replay_includes_stream_documents(catalog: Catalog, tmp_path: Path) -> None:
    docs = hdf5_run(tmp_path / "det.h5", n_frames=3)
    ingest_all(catalog, docs)
    names = [n for n, _ in catalog[-1].documents()]
    assert sorted(names) == sorted(n for n, _ in docs)


def test_lazy_read_touches_only_the_frames_asked(catalog: Catalog, tmp_path: Path) -> None:
    calls: list[tuple[int, int]] = []

    class Counting:
        def __init__(self, path: str, parameters: dict[str, Any]) -> None:
            self.arr = np.load(path, mmap_mode="r")

        def read(self, start: int, stop: int) -> np.ndarray:
            calls.append((start, stop))
            return np.array(self.arr[start:stop])

    np.save(tmp_path / "frames.npy", np.arange(100 * 4).reshape(100, 2, 2))
    register_reader("application/x-counting", Counting, overwrite=True)
    with pytest.raises(acq.CatalogError, match="already registered"):
        register_reader("application/x-counting", lambda p, k: None)
    ingest_all(
        catalog,
        stream_run("application/x-counting", str(tmp_path / "frames.npy"), {}, 100, (2, 2)),
    )
    frame = catalog[-1].primary["img"][50]
    np.testing.assert_array_equal(frame, [[200, 201], [202, 203]])
    assert calls == [(50, 51)]


def test_npy_tiff_stack_and_series(catalog: Catalog, tmp_path: Path) -> None:
    import tifffile

    frames = np.arange(5 * 3 * 4, dtype="<u2").reshape(5, 3, 4)
    np.save(tmp_path / "f.npy", frames)
    tifffile.imwrite(tmp_path / "stack.tiff", frames, photometric="minisblack")
    tifffile.imwrite(tmp_path / "volume.tiff", frames)  # one page holding all frames
    (tmp_path / "series").mkdir()
    for i, f in enumerate(frames):
        tifffile.imwrite(tmp_path / "series" / f"img_{i:03d}.tif", f)
    cases = [
        ("application/x-npy", f"file://localhost{tmp_path}/f.npy", {}),
        ("image/tiff", f"file://localhost{tmp_path}/stack.tiff", {}),
        ("image/tiff", f"file://localhost{tmp_path}/volume.tiff", {}),
        (
            "multipart/related;type=image/tiff",
            f"file://{tmp_path}/series",
            {"template": "img_{:03d}.tif"},
        ),
    ]
    for mimetype, uri, params in cases:
        ingest_all(catalog, stream_run(mimetype, uri, params, 5, (3, 4)))
        run = catalog[-1]
        np.testing.assert_array_equal(run.primary.read()["img"], frames, err_msg=mimetype)
        np.testing.assert_array_equal(run.primary["img"][3], frames[3], err_msg=mimetype)
        run.close()


def test_old_style_resource_and_datum(catalog: Catalog, tmp_path: Path) -> None:
    ingest_all(catalog, resource_run(tmp_path, 6))
    run = catalog[-1]
    ad = run.primary.read()["ad"]
    assert ad.shape == (6, 4, 5)
    assert [int(a[0, 0]) for a in ad] == list(range(6))
    assert int(run.primary["ad"][4][1, 1]) == 4
    names = [n for n, _ in run.documents()]
    assert names.count("datum") == 6
    assert "resource" in names


def test_missing_file_names_run_stream_key_and_path(catalog: Catalog, tmp_path: Path) -> None:
    path = tmp_path / "gone" / "det.h5"
    path.parent.mkdir()
    ingest_all(catalog, hdf5_run(path, n_frames=2))
    path.unlink()
    run = catalog[-1]
    with pytest.raises(acq.CatalogError) as info:
        run.primary.read()
    text = str(info.value)
    assert run.uid in text
    assert "'primary'" in text
    assert "'cam_image'" in text
    assert str(path) in text
    assert "root_map" in text


def test_root_map_follows_moved_data(open_catalog: Any, tmp_path: Path) -> None:
    old = tmp_path / "beamtime"
    old.mkdir()
    cat = open_catalog()
    ingest_all(cat, hdf5_run(old / "det.h5", n_frames=3))
    moved = tmp_path / "archive"
    old.rename(moved)
    with pytest.raises(acq.CatalogError, match="missing"):
        cat[-1].primary.read()
    remapped = open_catalog(root_map={str(old): str(moved)})
    frames = remapped[-1].primary.read()["cam_image"]
    assert frames.shape == (3, 8, 6)


def test_unknown_mimetype_says_how_to_register(catalog: Catalog, tmp_path: Path) -> None:
    (tmp_path / "x.bin").write_bytes(b"")
    ingest_all(catalog, stream_run("application/x-unknown", str(tmp_path / "x.bin"), {}, 1, ()))
    with pytest.raises(acq.CatalogError, match="register_reader"):
        catalog[-1].primary.read()


SWMR_WRITER = """
import sys, h5py, numpy as np
path = sys.argv[1]
f = h5py.File(path, "w", libver="latest")
ds = f.create_dataset("/entry/data/data", shape=(0, 4, 4), maxshape=(None, 4, 4), dtype="<i4",
                      chunks=(1, 4, 4))
f.swmr_mode = True
for batch in range(2):
    for i in range(5 * batch, 5 * batch + 5):
        ds.resize(i + 1, axis=0)
        ds[i] = np.full((4, 4), i)
    ds.flush()
    print("ready", flush=True)
    sys.stdin.readline()
f.close()
"""


def test_hdf5_swmr_file_being_written(catalog: Catalog, tmp_path: Path) -> None:
    path = tmp_path / "swmr.h5"
    writer = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(SWMR_WRITER), str(path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert writer.stdout is not None
        assert writer.stdin is not None
        assert writer.stdout.readline().strip() == "ready"
        docs = stream_run(
            "application/x-hdf5",
            f"file://localhost{path}",
            {"dataset": "/entry/data/data", "swmr": True},
            10,
            (4, 4),
        )
        ingest_all(catalog, docs)
        column = catalog[-1].primary["img"]
        assert int(column[3][0, 0]) == 3  # while the writer still has the file open
        writer.stdin.write("\n")
        writer.stdin.flush()
        assert writer.stdout.readline().strip() == "ready"
        assert int(column[8][0, 0]) == 8  # appended after the first read
        writer.stdin.write("\n")
        writer.stdin.flush()
        assert writer.wait(timeout=30) == 0
    finally:
        if writer.poll() is None:
            writer.kill()
            writer.wait()
        if writer.stdin:
            writer.stdin.close()
        if writer.stdout:
            writer.stdout.close()


def test_readers_from_entry_points(
    catalog: Catalog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from acq.catalog import _readers

    site = tmp_path / "site"
    dist = site / "fake_acq_readers-0.1.dist-info"
    dist.mkdir(parents=True)
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: fake-acq-readers\nVersion: 0.1\n")
    (dist / "entry_points.txt").write_text(
        "[acq.catalog.readers]\napplication/x-fake = fake_acq_reader:Reader\n"
    )
    (site / "fake_acq_reader.py").write_text(
        "import numpy as np\n"
        "class Reader:\n"
        "    def __init__(self, path, parameters):\n"
        "        self.value = parameters['value']\n"
        "    def read(self, start, stop):\n"
        "        return np.full((stop - start, 2), self.value)\n"
    )
    monkeypatch.syspath_prepend(str(site))
    monkeypatch.setattr(_readers, "_ENTRY_POINTS", None)  # forget the cached scan
    (tmp_path / "x.fake").write_bytes(b"")
    docs = stream_run("application/x-fake", str(tmp_path / "x.fake"), {"value": 9}, 3, (2,))
    ingest_all(catalog, docs)
    np.testing.assert_array_equal(catalog[-1].primary.read()["img"], np.full((3, 2), 9))


def test_hdf5_multiplier_and_npy_resources(catalog: Catalog, tmp_path: Path) -> None:
    import h5py
    from event_model import compose_run

    with h5py.File(tmp_path / "m.h5", "w") as f:
        f["/d"] = np.arange(12 * 2).reshape(12, 2)
    docs = stream_run(
        "application/x-hdf5", str(tmp_path / "m.h5"), {"dataset": "/d", "multiplier": 3}, 4, (3, 2)
    )
    ingest_all(catalog, docs)
    col = catalog[-1].primary["img"]
    np.testing.assert_array_equal(col[1], np.arange(6, 12).reshape(3, 2))

    np.save(tmp_path / "one.npy", np.eye(3))
    bundle = compose_run(metadata={"scan_id": 30})
    res = bundle.compose_resource(
        spec="NPY", root=str(tmp_path), resource_path="one.npy", resource_kwargs={}
    )
    desc = bundle.compose_descriptor(
        name="primary",
        data_keys={
            "m": {"source": "s", "dtype": "array", "shape": [3, 3], "external": "FILESTORE:"}
        },
    )
    datum = res.compose_datum(datum_kwargs={})
    ev = desc.compose_event(
        data={"m": datum["datum_id"]}, timestamps={"m": 1.0}, filled={"m": False}
    )
    ingest_all(
        catalog,
        [
            ("start", bundle.start_doc),
            ("resource", res.resource_doc),
            ("descriptor", desc.descriptor_doc),
            ("datum", datum),
            ("event", ev),
            ("stop", bundle.compose_stop()),
        ],
    )
    np.testing.assert_array_equal(catalog[-1].primary.read()["m"], [np.eye(3)])


def test_stream_datums_without_seq_nums_follow_each_other(catalog: Catalog, tmp_path: Path) -> None:
    np.save(tmp_path / "f.npy", np.arange(6))
    docs = stream_run("application/x-npy", str(tmp_path / "f.npy"), {}, 4, ())
    first = docs[3][1]
    second = {**first, "uid": first["uid"] + "b", "indices": {"start": 4, "stop": 6}}
    for d in (first, second):
        d["seq_nums"] = {"start": 0, "stop": 0}
    docs.insert(4, ("stream_datum", second))
    ingest_all(catalog, docs)
    np.testing.assert_array_equal(catalog[-1].primary.read()["img"], np.arange(6))

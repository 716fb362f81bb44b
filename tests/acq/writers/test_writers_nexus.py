"""HDF5/NeXus: one file per run, read by h5py and nexusformat."""

from __future__ import annotations

import json
from pathlib import Path

import h5py
import nexusformat.nexus as nx
import numpy as np
import pytest
from writer_docs import full_run, scalar_run

import acq
from acq.writers import MemoryDestination, NeXusWriter, export_nexus


@pytest.mark.parametrize("external", ["copy", "link"])
def test_external_frames(tmp_path: Path, external: str) -> None:
    docs = full_run(tmp_path, dtype="int32")
    artifacts = export_nexus(docs, tmp_path / "nx", external=external)
    [path] = artifacts["stream_data"]
    with h5py.File(path, "r") as f:
        entry = f["entry"]
        assert entry.attrs["NX_class"] == "NXentry"
        assert entry.attrs["scan_id"] == 3
        prim = entry["primary"]
        assert prim.attrs["NX_class"] == "NXdata"
        assert prim["img"].dtype == np.int32
        np.testing.assert_array_equal(prim["img"][:], np.arange(60).reshape(3, 4, 5))
        np.testing.assert_array_equal(prim["old"][:, 0, 0], [1, 21, 41])
        assert prim["seq_num"][:].tolist() == [1, 2, 3]
        assert prim["img"].is_virtual == (external == "link")
        assert entry["stop"].attrs["exit_status"] == "success"
        assert json.loads(prim.attrs["descriptor"])["name"] == "primary"


def test_read_by_nexusformat(tmp_path: Path) -> None:
    [path] = export_nexus(scalar_run(4, sample={"name": "Ω"}), tmp_path)["stream_data"]
    root = nx.nxload(path)
    try:
        assert root.entry.nxclass == "NXentry"
        assert root.entry.data.nxclass == "NXdata"
        assert root.entry.data.nxsignal.nxname == "det"
        assert root.entry.primary.det.nxvalue.tolist() == [0.0, 1.0, 4.0, 9.0]
        assert root.entry.baseline.x.shape == (1,)
        assert json.loads(root.entry.attrs["sample"]) == {"name": "Ω"}
    finally:
        root.nxfile.close()


def test_strings_ints_and_memory_destination() -> None:
    docs = scalar_run(3)
    docs[1][1]["data_keys"]["label"] = {"source": "s", "dtype": "string", "shape": []}
    docs[1][1]["data_keys"]["n"] = {"source": "s", "dtype": "integer", "shape": []}
    for i, (_, ev) in enumerate(docs[4:-1]):
        ev["data"].update(label=f"pt-{i}", n=np.int16(i))
    mem = MemoryDestination()
    export_nexus(docs, mem, file_prefix="{start[scan_id]}")
    import io

    with h5py.File(io.BytesIO(mem.buffers["7.nxs"]), "r") as f:
        assert f["entry/primary/label"].asstr()[:].tolist() == ["pt-0", "pt-1", "pt-2"]
        assert f["entry/primary/n"].dtype == np.int16


def test_type_change_is_refused(tmp_path: Path) -> None:
    docs = scalar_run(2)
    docs[4][1]["data"]["det"] = np.float32(1)
    docs[5][1]["data"]["det"] = np.complex64(1j)
    with pytest.raises(acq.WriterError, match="refusing to cast"):
        export_nexus(docs, tmp_path)


def test_shape_change_is_refused(tmp_path: Path) -> None:
    docs = scalar_run(2)
    docs[1][1]["data_keys"]["v"] = {"source": "s", "dtype": "array", "shape": [2]}
    docs[4][1]["data"]["v"] = np.zeros(2)
    docs[5][1]["data"]["v"] = np.zeros(3)
    with pytest.raises(acq.WriterError, match="shape changed"):
        export_nexus(docs, tmp_path)


def test_many_events_and_large_arrays(tmp_path: Path) -> None:
    docs = scalar_run(2500)
    docs[1][1]["data_keys"]["wave"] = {"source": "s", "dtype": "array", "shape": [2_000_000]}
    big = np.arange(2_000_000, dtype="f8")
    for _, ev in docs[4:7]:
        ev["data"]["wave"] = big
    [path] = export_nexus(docs, tmp_path)["stream_data"]
    with h5py.File(path, "r") as f:
        assert f["entry/primary/det"].shape == (2500,)
        assert f["entry/primary/det"][-1] == 2499.0**2
        assert f["entry/primary/wave"].shape == (3, 2_000_000)
        assert f["entry/primary/wave"][-1, -1] == big[-1]


def test_unstopped_run_is_readable(tmp_path: Path) -> None:
    writer = NeXusWriter(tmp_path)
    writer.consume(scalar_run(3)[:-1])
    writer.close()
    with h5py.File(writer.artifacts["stream_data"][0], "r") as f:
        assert f["entry/primary/det"].shape == (3,)
        assert "stop" not in f["entry"]


def test_bad_external_mode() -> None:
    with pytest.raises(acq.WriterError, match="expected 'copy' or 'link'"):
        NeXusWriter(MemoryDestination(), external="move")  # type: ignore[arg-type]


def _int_run(values: list, dtype_numpy: str) -> list:
    docs = scalar_run(len(values))
    docs[1][1]["data_keys"]["n"] = {
        "source": "s",
        "dtype": "integer",
        "shape": [],
        "dtype_numpy": dtype_numpy,
    }
    for value, (_, ev) in zip(values, docs[4:-1], strict=True):
        ev["data"]["n"] = value
    return docs


def test_scalars_take_the_declared_dtype(tmp_path: Path) -> None:
    [path] = export_nexus(_int_run([1, -2, 3], "<i4"), tmp_path)["stream_data"]
    with h5py.File(path, "r") as f:
        assert f["entry/primary/n"].dtype == np.dtype("<i4")
        assert f["entry/primary/n"][:].tolist() == [1, -2, 3]


@pytest.mark.parametrize(
    ("values", "declared", "bad"),
    [([1, 2**40], "<i4", "1099511627776"), ([0.5, 0.1], "<f4", "0.1"), ([1, 2.5], "<i8", "2.5")],
)
def test_scalar_that_does_not_fit_the_declared_dtype_is_refused(
    tmp_path: Path, values: list, declared: str, bad: str
) -> None:
    match = rf"primary/n: value {bad} does not fit the declared dtype_numpy '{declared}'"
    with pytest.raises(acq.WriterError, match=match):
        export_nexus(_int_run(values, declared), tmp_path)

"""TIFF and NeXus writers live on the RunEngine with a camera writing HDF5 frames."""

from __future__ import annotations

from pathlib import Path

import h5py
import numpy as np
import tifffile

import acq
import plans
from acq.writers import NeXusWriter, TIFFWriter
from devices.sim import SimHDF5Detector, SimMotor, VirtualClock


async def test_stream_resource_frames_are_filled_live(tmp_path: Path) -> None:
    clock = VirtualClock()
    x = SimMotor("x")
    cam = SimHDF5Detector(
        "cam", motors=[x], shape=(8, 8), clock=clock, seed=1, directory=tmp_path / "raw"
    )
    await x.connect()
    await cam.connect()
    RE = acq.RunEngine(md_path="")
    tiff = TIFFWriter(tmp_path / "tiff", file_prefix="{start[scan_id]}")
    nexus = NeXusWriter(tmp_path / "nx", file_prefix="{start[scan_id]}")
    RE.subscribe(tiff)
    RE.subscribe(nexus)
    try:
        await RE(plans.scan([cam], x, -1, 1, 4))
    finally:
        RE.close()
    tiff.close()
    nexus.close()
    [tif_path] = tiff.artifacts["stream_data"]
    stack = tifffile.imread(tif_path)
    assert stack.shape == (4, 8, 8)
    [nx_path] = nexus.artifacts["stream_data"]
    with h5py.File(nx_path, "r") as f:
        frames = f["entry/primary/cam-image"][:]
    assert frames.dtype == stack.dtype
    np.testing.assert_array_equal(frames, stack)


async def test_csv_and_spec_from_a_camera_scan(tmp_path: Path) -> None:
    import pandas as pd

    from acq.writers import CSVWriter, SpecWriter

    x = SimMotor("x")
    cam = SimHDF5Detector("cam", motors=[x], shape=(4, 4), seed=1, directory=tmp_path / "raw")
    await x.connect()
    await cam.connect()
    RE = acq.RunEngine(md_path="")
    csv_writer = CSVWriter(tmp_path / "csv", file_prefix="{start[scan_id]}")
    spec = SpecWriter(tmp_path / "spec")
    RE.subscribe(csv_writer)
    RE.subscribe(spec)
    try:
        await RE(plans.scan([cam], x, -1, 1, 4))
    finally:
        RE.close()
    csv_writer.close()
    spec.close()
    [path] = [p for p in csv_writer.artifacts["stream_data"] if p.endswith("primary.csv")]
    df = pd.read_csv(path)
    assert df["cam-image"].notna().all()
    assert df["cam-image"].str.contains(r"\.h5#/.*\[[0-3]\]$").all()
    text = Path(spec.artifacts["spec"][0]).read_text()
    assert "scan x -1 1 4\n" in text

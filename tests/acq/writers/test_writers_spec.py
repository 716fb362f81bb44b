"""SPEC files: scans appended to one file, read by silx's SPEC-file reader."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from silx.io.specfile import SpecFile
from writer_docs import scalar_run

from acq.writers import MemoryDestination, SpecWriter, export_spec


@pytest.fixture
def spec_path(tmp_path: Path) -> Path:
    writer = SpecWriter(tmp_path)
    writer.consume(scalar_run(3, motors=["x"], plan_args={"num": 3}, count_time=0.1))
    writer.consume(scalar_run(2, motors=["x", "y"], scan_id=8, owner="ada"))
    writer.close()
    [path] = writer.artifacts["spec"]
    return Path(path)


def test_read_by_silx(spec_path: Path) -> None:
    sf = SpecFile(str(spec_path))
    try:
        assert sf.keys() == ["7.1", "8.1"]
        first = sf[0]
        assert first.labels == ["x", "Epoch", "det", "y"]
        np.testing.assert_array_equal(first.data_column_by_name("det"), [0.0, 1.0, 4.0])
        assert first.motor_names == ["x"]
        assert first.motor_positions == [0.5]  # from the baseline reading
        assert first.scan_header_dict["S"] == "7 count 3"
        assert first.scan_header_dict["T"] == "0.1  (Seconds)"
        second = sf[1]
        assert second.labels == ["x", "y", "Epoch", "det"]
        assert second.motor_names == ["x", "y"]
        assert second.file_header_dict["C"] == "acq  User = ada"
    finally:
        sf.close()


def test_layout(spec_path: Path) -> None:
    text = spec_path.read_text()
    assert text.startswith("#F scans.spec\n#E ")
    for tag in ("#D ", "#C ", "#O0 x", "#o0 x", "#S 7 ", "#T ", "#P0 ", "#N 4", "#L x  Epoch"):
        assert f"\n{tag}" in "\n" + text, tag
    assert "run ended: success" in text


def test_appends_across_writers(tmp_path: Path) -> None:
    export_spec(scalar_run(1, motors=["x"]), tmp_path)
    export_spec(scalar_run(1, motors=["x"], scan_id=9), tmp_path)
    sf = SpecFile(str(tmp_path / "scans.spec"))
    try:
        assert sf.keys() == ["7.1", "9.1"]
    finally:
        sf.close()


def test_unstopped_and_empty_runs(tmp_path: Path) -> None:
    writer = SpecWriter(tmp_path, file_prefix="{start[plan_name]}")
    writer.consume(scalar_run(0))  # no events at all
    writer.consume(scalar_run(2, motors=["x"])[:-1])  # never stopped
    writer.close()
    text = (tmp_path / "count.spec").read_text()
    assert "run not stopped: writer closed" in text
    sf = SpecFile(str(tmp_path / "count.spec"))
    try:
        assert len(sf) == 2
        assert sf[1].data.shape == (4, 2)
    finally:
        sf.close()


def test_arrays_and_strings_are_not_columns() -> None:
    docs = scalar_run(1)
    docs[1][1]["data_keys"]["img"] = {"source": "s", "dtype": "array", "shape": [2, 2]}
    docs[1][1]["data_keys"]["name"] = {"source": "s", "dtype": "string", "shape": []}
    docs[4][1]["data"].update(img=[[1, 2], [3, 4]], name="a b")
    mem = MemoryDestination()
    export_spec(docs, mem)
    text = mem.buffers["scans.spec"].decode()
    assert "#L Epoch  det  x  y" in text


@pytest.mark.parametrize(
    ("md", "command"),
    [
        (
            {
                "plan_name": "scan",
                "motors": ["m1"],
                "plan_args": {
                    "detectors": ["<SimDetector 'd'>"],
                    "num": 10,
                    "args": ["<SimMotor 'm1'>", -1, 1],
                    "per_step": "None",
                },
            },
            "#S 3 scan m1 -1 1 10",
        ),
        (
            {
                "plan_name": "grid_scan",
                "motors": ["a", "b"],
                "plan_args": {"args": ["<M 'a'>", 0, 1, 3, "<M 'b'>", 2, 4, 5], "per_step": "x"},
            },
            "#S 3 grid_scan a 0 1 3 b 2 4 5",
        ),
        ({"plan_name": "fly", "motors": ["m"], "plan_args": {"flyer": "<F>"}}, "#S 3 fly m"),
        ({"plan_name": "odd plan", "plan_args": [1, 2]}, "#S 3 odd_plan"),
    ],
)
def test_scan_line_is_spec_style(md: dict, command: str) -> None:
    mem = MemoryDestination()
    docs = scalar_run(1, scan_id=3, **md)
    export_spec(docs, mem)
    [text] = [b.decode() for b in mem.buffers.values()]
    assert command + "\n" in text

from __future__ import annotations

import pytest

from acq.cli import main


def test_demo_prints_one_line_per_document(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo"]) == 0
    lines = capsys.readouterr().out.splitlines()
    names = [line.split()[0] for line in lines[:-1]]
    assert names == ["start", "descriptor"] + ["event"] * 5 + ["stop"]
    assert "seq_num=1 motor=-1.0 det=367.9" in lines[2]
    assert "num_events={'primary': 5}" in lines[7]
    assert lines[-1].startswith("8 documents, ")
    assert lines[-1].endswith("decoded and validated back: ok")


def test_demo_quiet_prints_only_the_summary(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "--quiet"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 1
    assert out[0].endswith("ok")

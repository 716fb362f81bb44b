"""``acq catalog ls/search/show/export/ingest`` on a real SQLite catalog."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "catalog"))
from _docs import scalar_run

from acq.catalog import Catalog
from acq.cli import main


@pytest.fixture
def uri(tmp_path: Path) -> str:
    path = tmp_path / "cli.sqlite"
    with Catalog.open(path) as cat:
        for i, sample in enumerate(["Si", "Ge", "Si"]):
            cat.ingest(scalar_run(3, scan_id=i + 1, sample=sample, plan_name="count"))
    return str(path)


def test_ls_and_search(uri: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["catalog", "--uri", uri, "ls", "-n", "2"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 3
    assert "count" in out[1]
    assert main(["catalog", "--uri", uri, "search", "sample==Si", "scan_id>=2"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 2
    assert main(["catalog", "--uri", uri, "search", "sample=~^G", "--text", "count"]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 2
    args = ["search", "--since", "2000-01-01", "--until", "2999-01-01", "stop.exit_status!=x"]
    assert main(["catalog", "--uri", uri, *args]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 4
    assert main(["catalog", "--uri", uri, "search", "sample<1", "sample<=1", "a>1", "b=2"]) == 0
    assert main(["catalog", "--uri", uri, "search", "nonsense"]) == 1
    assert "cannot read the search condition" in capsys.readouterr().err


def test_show_export_ingest(uri: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["catalog", "--uri", uri, "show", "-1"]) == 0
    out = capsys.readouterr().out
    assert '"scan_id": 3' in out
    assert "stream 'primary'" in out
    assert main(["catalog", "--uri", uri, "export", "2", "jsonl", str(tmp_path / "out")]) == 0
    exported = Path(capsys.readouterr().out.strip())
    assert exported.exists()
    other = str(tmp_path / "other.sqlite")
    assert main(["catalog", "--uri", other, "ingest", str(exported)]) == 0
    assert "1 run(s)" in capsys.readouterr().out
    exported.write_text(exported.read_text() + "not json\n")
    assert main(["catalog", "--uri", other, "ingest", str(exported)]) == 1
    assert "skipped" in capsys.readouterr().err
    assert main(["catalog", "--uri", uri, "show", "zzzz"]) == 1
    assert main(["catalog", "--uri", uri]) == 2


def test_show_unknown_run_prints_clean_message(
    uri: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["catalog", "--uri", uri, "show", "zzz"]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("acq catalog: no run whose uid starts with 'zzz'")
    assert not err.startswith('acq catalog: "')
    assert err.endswith(uri) or uri in err

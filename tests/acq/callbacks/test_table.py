from __future__ import annotations

from io import StringIO

import numpy as np
import pytest
from rich.console import Console

from acq.callbacks import LiveTable

from ._docs import feed, scan_docs

KEYS = {
    "motor": {"source": "sim", "dtype": "number", "shape": [], "units": "mm", "precision": 2},
    "det": {"source": "sim", "dtype": "number", "shape": []},
    "label": {"source": "sim", "dtype": "string", "shape": []},
    "image": {"source": "sim", "dtype": "array", "shape": [2, 3]},
}
ROWS = [
    {"motor": i * 0.5, "det": i * 1.25, "label": f"p{i}", "image": np.zeros((2, 3))}
    for i in range(4)
]
DIMS = {"hints": {"dimensions": [(["motor"], "primary")]}}


def _lines(**kw: object) -> list[str]:
    out: list[str] = []
    table = LiveTable(mode="plain", out=out.append, **kw)  # type: ignore[arg-type]
    feed(table, scan_docs(ROWS, data_keys=KEYS, md=DIMS))
    return out


def test_plain_table_has_units_precision_and_rows() -> None:
    out = _lines()
    header = out[1]
    assert "motor (mm)" in header
    assert "det" in header
    assert "label" in header
    assert "image" not in header  # arrays are not default columns
    rows = [line for line in out if line.startswith("|") and "seq_num" not in line]
    assert len(rows) == 4
    assert "1.00" in rows[2]
    assert "1.000" not in rows[2].split("|")[3]
    assert "2.500" in rows[2]  # det default precision 3
    assert out[-1].startswith("Run ")
    assert "success, 4 rows" in out[-1]
    assert all("\x1b" not in line for line in out)


def test_column_selection_and_array_summary() -> None:
    out = _lines(fields=["det", "image", "missing"])
    assert "det" in out[1]
    assert "image" in out[1]
    assert "motor" not in out[1]
    assert "missing" not in out[1]
    assert "array(2x3)" in out[3]


def test_event_page_renders_like_events() -> None:
    plain: list[str] = []
    paged: list[str] = []
    feed(LiveTable(mode="plain", out=plain.append), scan_docs(ROWS, data_keys=KEYS, md=DIMS))
    docs = scan_docs(ROWS, data_keys=KEYS, md=DIMS, page=True)
    feed(LiveTable(mode="plain", out=paged.append), docs)
    strip = lambda lines: [ln.split("|")[3:] for ln in lines[:-1]]  # noqa: E731 (drop time)
    assert strip(plain) == strip(paged)


def test_rich_mode_on_a_terminal_console() -> None:
    buf = StringIO()
    console = Console(file=buf, force_terminal=True, width=200, color_system="standard")
    table = LiveTable(console=console)
    assert table.mode == "rich"
    feed(table, scan_docs(ROWS, data_keys=KEYS, md=DIMS))
    text = buf.getvalue()
    assert "\x1b[" in text  # styled
    assert "│" in text
    assert "motor (mm)" in text


def test_auto_mode_is_plain_for_files() -> None:
    buf = StringIO()
    table = LiveTable(console=Console(file=buf))
    assert table.mode == "plain"
    feed(table, scan_docs(ROWS, data_keys=KEYS, md=DIMS))
    assert "\x1b" not in buf.getvalue()
    assert "motor (mm)" in buf.getvalue()


def test_streams_primary_by_default_and_all_on_request() -> None:
    baseline = [{"temp": 20.0}, {"temp": 21.0}]
    docs = scan_docs(ROWS, data_keys=KEYS, md=DIMS, extra_stream=baseline)
    only: list[str] = []
    feed(LiveTable(mode="plain", out=only.append), docs)
    assert not any("temp" in line for line in only)
    both: list[str] = []
    feed(LiveTable(mode="plain", out=both.append, streams=None), docs)
    assert "stream: primary" in both
    assert "stream: baseline" in both
    assert any("temp" in line for line in both)


def test_failed_run_reports_reason() -> None:
    out: list[str] = []
    feed(LiveTable(mode="plain", out=out.append), scan_docs(ROWS[:1], exit_status="abort"))
    assert "abort" in out[-1]


def test_bad_mode_is_rejected() -> None:
    with pytest.raises(ValueError, match="mode must be"):
        LiveTable(mode="fancy")  # type: ignore[arg-type]

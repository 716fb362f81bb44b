from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from matplotlib.figure import Figure

from acq.callbacks import BestEffortCallback, LiveGrid, LivePlot, LiveScatter
from acq.callbacks._figure import _FigureOutput

from ._docs import feed, scan_docs

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
DIMS_1D = {"hints": {"dimensions": [(["motor"], "primary")]}, "plan_name": "scan", "scan_id": 3}
DIMS_2D = {"hints": {"dimensions": [(["y"], "primary"), (["x"], "primary")]}, "scan_id": 4}
KEYS = {
    "motor": {"source": "s", "dtype": "number", "shape": [], "units": "mm"},
    "det": {"source": "s", "dtype": "number", "shape": [], "units": "counts"},
    "det2": {"source": "s", "dtype": "number", "shape": []},
    "label": {"source": "s", "dtype": "string", "shape": []},
}


def _peak_rows(n: int = 21) -> list[dict[str, Any]]:
    x = np.linspace(-1, 1, n)
    y = 5 * np.exp(-(x**2) / 0.1) + 1
    return [
        {"motor": float(a), "det": float(b), "det2": float(a), "label": "p"}
        for a, b in zip(x, y, strict=True)
    ]


def _grid_rows(rows: int = 3, cols: int = 4) -> list[dict[str, float]]:
    return [
        {"y": float(r), "x": float(c), "I": float(r * cols + c)}
        for r in range(rows)
        for c in range(cols)
    ]


def _is_png(path: Path) -> bool:
    return path.read_bytes()[:8] == PNG_MAGIC


def test_live_plot_saves_png_per_run(tmp_path: Path) -> None:
    plot = LivePlot("det", "motor", figure_dir=tmp_path)
    feed(plot, scan_docs(_peak_rows(), data_keys=KEYS, md=DIMS_1D))
    feed(plot, scan_docs(_peak_rows(5), data_keys=KEYS, md={"scan_id": 9}, page=True))
    assert [p.name for p in plot.saved] == ["3-det.png", "9-det.png"]
    assert all(_is_png(p) for p in plot.saved)
    assert len(plot.ax.get_lines()) == 2  # one line per run
    assert plot.ax.get_legend() is not None
    assert plot.ax.get_xlabel() == "motor (mm)"
    assert plot.ax.get_ylabel() == "det (counts)"
    xs, ys = plot.data
    assert len(xs) == len(ys) == 5


def test_live_plot_against_seq_num_and_save_to(tmp_path: Path) -> None:
    target = tmp_path / "sub" / "plot.png"
    plot = LivePlot("det", save_to=target)
    feed(plot, scan_docs(_peak_rows(4), data_keys=KEYS))
    assert plot.data[0] == [1, 2, 3, 4]
    assert plot.ax.get_xlabel() == "seq_num"
    assert _is_png(target)


def test_live_plot_ignores_events_without_its_fields(tmp_path: Path) -> None:
    plot = LivePlot("nope", "motor")
    feed(plot, scan_docs(_peak_rows(4), data_keys=KEYS))
    assert plot.data == ([], [])
    assert plot.saved == []  # headless and no destination: nothing written


def test_live_scatter(tmp_path: Path) -> None:
    scatter = LiveScatter("x", "y", "I", save_to=tmp_path / "s.png")
    feed(scatter, scan_docs(_grid_rows(), md=DIMS_2D))
    assert scatter._scatter.get_offsets().shape == (12, 2)
    assert scatter._scatter.get_clim() == (0.0, 11.0)
    assert _is_png(tmp_path / "s.png")
    feed(scatter, scan_docs([{"x": 1.0}]))  # missing fields: ignored, no error


@pytest.mark.parametrize("snaking", [False, True])
def test_live_grid_fills_cells_in_order(tmp_path: Path, snaking: bool) -> None:
    grid = LiveGrid((3, 4), "I", x="x", y="y", snaking=snaking, figure_dir=tmp_path)
    rows = [*_grid_rows(), {"y": 9.0, "x": 9.0, "I": 99.0}]  # 13th point: outside, dropped
    feed(grid, scan_docs(rows, md=DIMS_2D))
    expected = np.arange(12.0).reshape(3, 4)
    if snaking:
        expected[1] = expected[1][::-1]
    np.testing.assert_array_equal(grid.grid, expected)
    assert grid.ax.get_xlabel() == "x"
    assert [p.name for p in grid.saved] == ["4-I-grid.png"]
    feed(grid, scan_docs([{"other": 1.0}]))
    assert np.isnan(grid.grid).all()


def test_plot_on_given_axes_neither_shows_nor_saves() -> None:
    fig = Figure()
    ax = fig.add_subplot()
    plot = LivePlot("det", "motor", ax=ax)
    feed(plot, scan_docs(_peak_rows(3), data_keys=KEYS))
    assert plot.figure is fig
    assert plot.saved == []
    assert not plot.output.live


def test_live_display_updates_one_handle_per_run() -> None:
    shown: list[tuple[bytes, Any]] = []
    clock = [0.0]

    def display(png: bytes, handle: Any) -> Any:
        shown.append((png, handle))
        return handle or object()

    out = _FigureOutput(live=True, display=display, clock=lambda: clock[0], min_interval=1.0)
    out.figure.add_subplot().plot([1, 2], [3, 4])
    out.refresh()
    out.refresh()  # throttled
    clock[0] = 2.0
    out.refresh()
    assert len(shown) == 2
    assert shown[0][0][:8] == PNG_MAGIC
    assert shown[0][1] is None  # first: a new display
    assert shown[1][1] is not None  # then: updated in place
    out.new_run()
    out.refresh()
    assert shown[2][1] is None
    assert out.finish({"uid": "abc"}, "x") is None  # no destination given


def test_best_effort_1d_table_plots_peaks(tmp_path: Path) -> None:
    out: list[str] = []
    bec = BestEffortCallback(figure_dir=tmp_path, mode="plain", out=out.append)
    docs = scan_docs(
        _peak_rows(), data_keys=KEYS, md=DIMS_1D, hints={"det": {"fields": ["det", "label"]}}
    )
    feed(bec, docs)
    assert [type(p).__name__ for p in bec.plots] == ["LivePlot"]
    assert set(bec.peaks) == {"det"}
    assert bec.peaks["det"].cen == pytest.approx(0.0, abs=1e-9)
    assert [p.name for p in bec.saved] == ["3-scan.png"]
    assert _is_png(bec.saved[0])
    assert "motor (mm)" in out[1]
    assert "label" in out[1]  # the table shows hinted strings; plots skip them
    assert any(line.startswith("Peak stats for det: cen=") for line in out)
    assert any(line.startswith("Plot saved to") for line in out)


def test_best_effort_without_hints_plots_numeric_fields(tmp_path: Path) -> None:
    bec = BestEffortCallback(figure_dir=tmp_path, mode="plain", out=lambda s: None)
    feed(bec, scan_docs(_peak_rows(), data_keys=KEYS, md={"motors": ["motor"]}))
    assert [p.y for p in bec.plots] == ["det", "det2"]  # type: ignore[attr-defined]
    assert bec.figure is not None
    assert len(bec.figure.axes) == 2


def test_best_effort_2d_grid_and_scatter(tmp_path: Path) -> None:
    grid_md = {**DIMS_2D, "shape": [3, 4], "extents": [[0, 2], [0, 3]], "snaking": [False, True]}
    bec = BestEffortCallback(figure_dir=tmp_path, mode="plain", out=lambda s: None, table=False)
    feed(bec, scan_docs(_grid_rows(), md=grid_md, hints={"I": {"fields": ["I"]}}))
    assert isinstance(bec.plots[0], LiveGrid)
    assert bec.plots[0].snaking
    assert list(bec.plots[0]._image.get_extent()) == [-0.5, 3.5, -0.5, 2.5]  # cells on points
    assert bec.peaks == {}
    feed(bec, scan_docs(_grid_rows(), md=DIMS_2D, hints={"I": {"fields": ["I"]}}))
    assert isinstance(bec.plots[0], LiveScatter)
    assert len(bec.saved) == 2


def test_best_effort_switches_off_and_progress(tmp_path: Path) -> None:
    out: list[str] = []
    bec = BestEffortCallback(
        table=False, plots=False, peaks=False, progress=True, mode="plain", out=out.append
    )
    feed(bec, scan_docs(_peak_rows(), data_keys=KEYS, md={**DIMS_1D, "num_points": 21}))
    assert bec.plots == []
    assert bec.peaks == {}
    assert bec.saved == []
    assert out[-1].endswith("done")  # only progress lines


def test_best_effort_nothing_to_plot() -> None:
    bec = BestEffortCallback(mode="plain", out=lambda s: None)
    feed(bec, scan_docs([{"label": "a"}], data_keys={"label": KEYS["label"]}))
    assert bec.plots == []
    assert bec.figure is None


def test_best_effort_rich_table_and_progress_share_a_console(tmp_path: Path) -> None:
    from io import StringIO

    from rich.console import Console

    buf = StringIO()
    console = Console(file=buf, force_terminal=True, width=160)
    bec = BestEffortCallback(console=console, progress=True, figure_dir=tmp_path)
    feed(bec, scan_docs(_peak_rows(), data_keys=KEYS, md={**DIMS_1D, "num_points": 21}))
    text = buf.getvalue()
    assert "motor (mm)" in text
    assert "━" in text
    assert "Peak stats for det" in text
    assert bec.progress is not None
    assert bec.progress._progress is None  # the live display was closed at stop

from __future__ import annotations

from io import StringIO

import event_model
from rich.console import Console

from acq.callbacks import ProgressBars, ProgressReporter, ProgressUpdate

from ._docs import feed, scan_docs


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


ROWS = [{"motor": float(i), "det": float(i)} for i in range(20)]


def _plain(**kw: object) -> tuple[ProgressBars, list[str]]:
    out: list[str] = []
    return ProgressBars(mode="plain", out=out.append, **kw), out  # type: ignore[arg-type]


def test_plan_progress_from_num_points_prints_every_ten_percent() -> None:
    bars, out = _plain()
    feed(bars, scan_docs(ROWS, md={"num_points": 20, "plan_name": "scan", "scan_id": 7}))
    assert out[0].startswith("scan 7 scan")
    assert "  0%" in out[0]
    assert len(out) == 11  # 0 %, 10 % ... 90 %, then the final line
    assert "100%" in out[-1]
    assert "20/20 points" in out[-1]
    assert out[-1].endswith("done")
    assert bars.statistics()["scan 7 scan"]["done"] is True


def test_plan_progress_from_estimated_duration() -> None:
    clock = FakeClock()
    bars, out = _plain(clock=clock)
    docs = scan_docs(ROWS[:4], md={"estimated_duration": 10.0})
    bars(*docs[0])
    bars(*docs[1])
    for name, doc in docs[2:-1]:
        clock.now += 2.5
        bars(name, doc)
    fractions = [round(v["fraction"], 2) for v in bars.statistics().values()]
    assert fractions == [1.0]
    assert "10/10 s" in out[-1]
    bars(*docs[-1])
    assert out[-1].endswith("done")


def test_counter_without_total_is_throttled() -> None:
    clock = FakeClock()
    bars, out = _plain(clock=clock)
    docs = scan_docs(ROWS)
    feed(bars, docs[:-1])
    assert len(out) == 1  # the opening line; later ones within 1 s are skipped
    clock.now += 2
    bars("event", {**docs[2][1], "seq_num": 99})
    assert "20 points" in out[-1] or "21 points" in out[-1]
    bars(*docs[-1])
    assert "[????" in out[-1]
    assert out[-1].endswith("done")


def test_move_updates_and_finish() -> None:
    clock = FakeClock()
    bars, out = _plain(clock=clock)
    assert isinstance(bars, ProgressReporter)
    bars.update("stage-x", 5.0, 0.0, 5.0, "mm")
    clock.now += 1
    bars.update("stage-x", 2.5, 0.0, 5.0, "mm", time_elapsed=1.0)
    assert "5 -> 0 mm" in out[0]
    assert " 50%" in out[1]
    assert "left 0:00:01" in out[1]  # estimated from elapsed and fraction
    bars.finish("stage-x")
    bars.finish("stage-x")  # finishing twice is harmless
    bars.finish("unknown")
    assert out[-1].endswith("done")
    assert "0 -> 0 mm" in out[-1] or "100%" in out[-1]


def test_failed_move_is_marked() -> None:
    bars, out = _plain()
    bars.update("y", 1.0, 2.0)
    bars.finish("y", success=False)
    assert out[-1].endswith("FAILED")


def test_watcher_takes_status_watch_keywords() -> None:
    bars, out = _plain()
    watch = bars.watcher()
    watch(name="m1", current=0.0, initial=0.0, target=4.0, unit="deg", fraction=0.0)
    watch(name="m1", current=None)  # ignored
    watch(current=2.0, initial=0.0, target=4.0, time_remaining=3.0)  # no name: "move"
    assert bars.statistics()["m1"]["fraction"] == 0.0
    assert bars.statistics()["move"]["fraction"] == 0.5
    assert "left 0:00:03" in out[-1]
    named = bars.watcher("det")
    named(current=1.0, target=None)
    assert bars.statistics()["det"]["fraction"] is None


def test_progress_update_fraction() -> None:
    assert ProgressUpdate("a", 3, 3, 3).fraction == 1.0
    assert ProgressUpdate("a", 9, 4).fraction == 1.0
    assert ProgressUpdate("a", 1, None).fraction is None


def test_fly_scan_frames_from_stream_datum() -> None:
    bars, out = _plain()
    bundle = event_model.compose_run()
    bars("start", bundle.start_doc)
    keys = {"img": {"source": "file", "dtype": "array", "shape": [4, 4], "external": "STREAM:"}}
    desc = bundle.compose_descriptor(name="det_stream", data_keys=keys)
    bars("descriptor", desc.descriptor_doc)
    res = bundle.compose_stream_resource(
        mimetype="application/x-hdf5",
        uri="file://localhost/tmp/x.h5",
        data_key="img",
        parameters={},
    )
    bars("stream_resource", res.stream_resource_doc)
    for stop in (10, 20):
        datum = res.compose_stream_datum(
            indices={"start": stop - 10, "stop": stop},
        )
        bars("stream_datum", {**datum, "descriptor": desc.descriptor_doc["uid"]})
    assert bars.statistics()["det_stream frames"]["current"] == 20.0
    bars("stop", bundle.compose_stop())
    assert any("det_stream frames" in line and "20 frames" in line for line in out)


def test_rich_bars_on_a_terminal() -> None:
    buf = StringIO()
    console = Console(file=buf, force_terminal=True, width=160)
    bars = ProgressBars(console=console, min_interval=0)
    assert bars.mode == "rich"
    feed(bars, scan_docs(ROWS, md={"num_points": 20}))
    bars.update("m", 0.0, 2.0, units="mm")
    bars.finish("m")
    text = buf.getvalue()
    assert "━" in text
    assert "100%" in text
    assert "done" in text
    assert bars._progress is None  # closed when every bar finished


def test_failed_run_marks_plan_bar() -> None:
    bars, out = _plain()
    feed(bars, scan_docs(ROWS[:3], md={"num_points": 10}, exit_status="fail"))
    assert out[-1].endswith("FAILED")
    assert "3/10" in out[-1]


class FakeStatus:
    """A watchable status (ophyd-async style) completed by the test."""

    def __init__(self) -> None:
        self.watchers: list[object] = []
        self.callbacks: list[object] = []
        self.success = False

    def watch(self, watcher: object) -> None:
        self.watchers.append(watcher)

    def add_callback(self, cb: object) -> None:
        self.callbacks.append(cb)

    def finish(self, success: bool) -> None:
        self.success = success
        for cb in self.callbacks:
            cb(self)  # type: ignore[operator]


def test_track_a_watchable_status() -> None:
    bars, out = _plain()
    status = FakeStatus()
    bars.track(status, "stage_x")
    for watcher in status.watchers:
        watcher(current=1.0, initial=0.0, target=4.0, unit="mm")  # type: ignore[operator]
    assert bars.statistics()["stage_x"]["fraction"] == 0.25
    status.finish(success=True)
    assert bars.statistics()["stage_x"]["done"] is True
    assert out[-1].endswith("done")
    assert "4/4 mm" in out[-1]


def test_track_a_plain_status_that_fails() -> None:
    bars, out = _plain()

    class Plain:
        success = False

        def add_callback(self, cb: object) -> None:
            cb(self)  # type: ignore[operator]

    bars.track(Plain(), "shutter")
    assert out[-1].endswith("FAILED")

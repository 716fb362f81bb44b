"""SimHDF5Detector: step and fly scans writing HDF5, asset documents, catalog round trip."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import bluesky.protocols as bp
import event_model
import h5py
import numpy as np
import pytest

import acq
import plans
import plans.stubs as ps
from acq.catalog import Catalog
from devices import DeviceError
from devices import protocols as dp
from devices.sim import SimHDF5Detector, SimMotor, VirtualClock


class Docs:
    """Validates every document against the official event-model schema, keeps it."""

    def __init__(self) -> None:
        self.docs: list[tuple[str, dict[str, Any]]] = []

    def __call__(self, name: str, doc: dict[str, Any]) -> None:
        event_model.schema_validators[event_model.DocumentNames[name]].validate(doc)
        self.docs.append((name, doc))

    def names(self) -> list[str]:
        return [n for n, _ in self.docs]

    def of(self, name: str) -> list[dict[str, Any]]:
        return [d for n, d in self.docs if n == name]


@pytest.fixture(autouse=True)
def _data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ACQ_DATA_DIR", str(tmp_path / "acq-data"))


@pytest.fixture
def docs() -> Docs:
    return Docs()


@pytest.fixture
def RE(docs: Docs) -> Iterator[Any]:
    engine = acq.RunEngine()
    engine.subscribe(docs)
    yield engine
    engine.close()


@pytest.fixture
async def rig(tmp_path: Path) -> tuple[SimMotor, SimHDF5Detector]:
    clock = VirtualClock()
    motor = SimMotor("m")
    det = SimHDF5Detector(
        "cam", motors=[motor], shape=(8, 12), directory=tmp_path / "data", clock=clock, seed=3
    )
    await motor.connect()
    await det.connect()
    return motor, det


def _file_of(docs: Docs) -> str:
    (uri,) = {d["uri"] for d in docs.of("stream_resource")}
    assert uri.startswith("file://localhost/")
    return str(uri[len("file://localhost") :])


def _fly(det: SimHDF5Detector, frames: int) -> Any:
    async def plan() -> Any:
        await ps.stage(det, wait=True)
        await ps.prepare(det, {"frames": frames, "exposure": 0.1}, wait=True)
        uid = await plans.fly([det])
        await ps.unstage(det, wait=True)
        return uid

    return plan()


async def test_satisfies_bluesky_protocols(rig: tuple[SimMotor, SimHDF5Detector]) -> None:
    _, det = rig
    for proto in (
        bp.Readable,
        bp.Triggerable,
        bp.Stageable,
        bp.Preparable,
        bp.Flyable,
        bp.Collectable,
        bp.WritesStreamAssets,
        bp.Stoppable,
        dp.Flyable,
        dp.WritesStreamAssets,
        dp.Preparable,
    ):
        assert isinstance(det, proto), proto


async def test_step_scan_writes_frames_and_stream_documents(
    RE: Any, docs: Docs, rig: tuple[SimMotor, SimHDF5Detector]
) -> None:
    motor, det = rig
    await RE(plans.scan([det], motor, -1, 1, 5))
    assert docs.names() == [
        "start",
        "descriptor",
        "stream_resource",
        *["stream_datum", "event"] * 5,
        "stop",
    ]
    (desc,) = docs.of("descriptor")
    image = desc["data_keys"]["cam-image"]
    assert image["external"] == "STREAM:"
    assert image["shape"] == [8, 12]
    assert image["dtype_numpy"] == "<f4"
    (sr,) = docs.of("stream_resource")
    assert sr["mimetype"] == "application/x-hdf5"
    assert sr["parameters"]["dataset"] == "/entry/data/data"
    assert sr["data_key"] == "cam-image"
    assert sr["run_start"] == docs.of("start")[0]["uid"]
    datums = docs.of("stream_datum")
    assert [d["indices"] for d in datums] == [{"start": i, "stop": i + 1} for i in range(5)]
    assert [d["seq_nums"]["start"] for d in datums] == [e["seq_num"] for e in docs.of("event")]
    assert all(d["descriptor"] == desc["uid"] and d["stream_resource"] == sr["uid"] for d in datums)
    assert len({d["uid"] for d in datums}) == 5
    events = docs.of("event")
    assert all("cam-image" not in e["data"] for e in events)
    with h5py.File(_file_of(docs), "r") as f:
        frames = f["/entry/data/data"][:]
        totals = f["/entry/data/total"][:]
    assert frames.shape == (5, 8, 12)
    assert frames.dtype == np.float32
    np.testing.assert_allclose(totals, [e["data"]["cam-total"] for e in events])
    np.testing.assert_allclose(frames.sum(axis=(1, 2)), totals, rtol=1e-5)
    assert totals[2] > totals[0]  # the blob is brightest at the centre, motor = 0
    assert det.path is None  # unstaged: file closed


async def test_count_with_two_files_gets_two_resources(
    RE: Any, docs: Docs, rig: tuple[SimMotor, SimHDF5Detector]
) -> None:
    _, det = rig
    await RE(plans.count([det], num=2))
    await RE(plans.count([det], num=3))
    resources = docs.of("stream_resource")
    assert len(resources) == 2
    assert resources[0]["uri"] != resources[1]["uri"]
    assert [d["seq_nums"]["start"] for d in docs.of("stream_datum")] == [1, 2, 1, 2, 3]


async def test_fly_scan_collects_n_frames(
    RE: Any, docs: Docs, rig: tuple[SimMotor, SimHDF5Detector]
) -> None:
    _, det = rig
    await RE(_fly(det, 7))
    assert docs.names() == [
        "start",
        "descriptor",
        "stream_resource",
        "stream_resource",
        "stream_datum",
        "stream_datum",
        "stop",
    ]
    (desc,) = docs.of("descriptor")
    assert desc["name"] == "cam"
    assert {k: v["external"] for k, v in desc["data_keys"].items()} == {
        "cam-image": "STREAM:",
        "cam-total": "STREAM:",
    }
    datasets = {d["data_key"]: d["parameters"]["dataset"] for d in docs.of("stream_resource")}
    assert datasets == {"cam-image": "/entry/data/data", "cam-total": "/entry/data/total"}
    for datum in docs.of("stream_datum"):
        assert datum["indices"] == {"start": 0, "stop": 7}
        assert datum["seq_nums"] == {"start": 1, "stop": 8}
    with h5py.File(_file_of_any(docs), "r") as f:
        assert f["/entry/data/data"].shape == (7, 8, 12)


def _file_of_any(docs: Docs) -> str:
    return str(docs.of("stream_resource")[0]["uri"][len("file://localhost") :])


async def test_complete_reports_frame_progress(rig: tuple[SimMotor, SimHDF5Detector]) -> None:
    _, det = rig
    await det.stage()
    await det.prepare(4)
    await det.kickoff()
    status = det.complete()
    seen: list[tuple[int, int]] = []
    status.watch(lambda current, target, **_: seen.append((current, target)))
    await status
    assert seen[-1] == (4, 4)
    assert await det.get_index() == 4
    # a file written while it is read (SWMR): a reader sees the frames before unstage
    assert det.path is not None
    with h5py.File(det.path, "r", swmr=True, locking=False) as f:
        assert f["/entry/data/data"].shape[0] == 4
    await det.unstage()


async def test_catalog_returns_frames_without_paths(
    RE: Any, tmp_path: Path, rig: tuple[SimMotor, SimHDF5Detector]
) -> None:
    motor, det = rig
    catalog = Catalog.open(tmp_path / "catalog.sqlite")
    RE.subscribe(catalog)
    await RE(plans.scan([det], motor, -1, 1, 5, md={"sample": "silicon"}))
    await RE(_fly(det, 6), sample="quartz")
    catalog.flush()
    step = catalog.search(acq.catalog.Key("sample") == "silicon")[-1]
    table = step.primary.read()
    frames = np.asarray(table["cam-image"])
    assert frames.shape == (5, 8, 12)
    np.testing.assert_allclose(frames.sum(axis=(1, 2)), table["cam-total"], rtol=1e-5)
    fly = catalog[-1]
    assert fly.metadata["start"]["sample"] == "quartz"
    lazy = fly.streams["cam"]["cam-image"]
    assert len(lazy) == 6
    frame3 = np.asarray(lazy[3])
    whole = np.asarray(fly.streams["cam"].read()["cam-image"])
    assert frame3.shape == (8, 12)
    np.testing.assert_array_equal(frame3, whole[3])
    step.close()
    fly.close()


async def test_unwritable_directory_names_the_path(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    det = SimHDF5Detector("cam", shape=(4, 4), directory=blocker / "sub")
    await det.connect()
    with pytest.raises(DeviceError, match="a-file/sub") as info:
        await det.stage()
    assert "writable directory" in str(info.value)


async def test_directory_may_be_a_callable(tmp_path: Path) -> None:
    det = SimHDF5Detector("cam", shape=(4, 4), directory=lambda: tmp_path / "by-call")
    await det.connect()
    await det.stage()
    assert det.path is not None
    assert det.path.startswith(str(tmp_path / "by-call"))
    await det.unstage()
    await det.unstage()  # not staged: nothing to do


async def test_default_directory_follows_acq_data_dir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ACQ_DATA_DIR", str(tmp_path / "acq"))
    det = SimHDF5Detector("cam", shape=(4, 4))
    await det.connect()
    await det.stage()
    assert det.path is not None
    assert det.path.startswith(str(tmp_path / "acq" / "sim-data"))
    await det.unstage()


async def test_stage_twice_fails(rig: tuple[SimMotor, SimHDF5Detector]) -> None:
    _, det = rig
    await det.stage()
    with pytest.raises(DeviceError, match="already staged"):
        await det.stage()
    await det.unstage()


async def test_kickoff_without_prepare_or_stage_fails(
    RE: Any, rig: tuple[SimMotor, SimHDF5Detector]
) -> None:
    _, det = rig
    await det.stage()
    with pytest.raises(DeviceError, match="before prepare"):
        await det.kickoff()
    with pytest.raises(DeviceError, match="before kickoff"):
        await det.complete()
    await det.unstage()
    await det.prepare(2)
    with pytest.raises(DeviceError, match="stage the detector first"):
        await det.kickoff()

    async def plan() -> None:
        await ps.stage(det, wait=True)
        await ps.kickoff(det, wait=True)

    det2 = SimHDF5Detector("cam2", shape=(4, 4), directory=det.directory)
    await det2.connect()
    det = det2
    with pytest.raises(DeviceError, match="before prepare"):
        await RE(plan())
    assert det2.path is None  # the engine unstaged it on the way out


async def test_trigger_without_stage_and_bad_prepare(
    rig: tuple[SimMotor, SimHDF5Detector],
) -> None:
    _, det = rig
    with pytest.raises(DeviceError, match="stage the detector first"):
        await det.trigger()
    for bad in (0, {"frames": 2, "speed": 1.0}, {"frames": 1.5}, True):
        with pytest.raises(DeviceError, match="frame count"):
            await det.prepare(bad)  # type: ignore[arg-type]
    with pytest.raises(DeviceError, match="shorter than the exposure"):
        await det.prepare({"frames": 2, "exposure": 1.0, "period": 0.5})


async def test_kickoff_while_running_and_stop(rig: tuple[SimMotor, SimHDF5Detector]) -> None:
    _, det = rig
    det._clock = _Blocking()
    await det.stage()
    await det.prepare({"frames": 3, "exposure": 1.0})
    await det.kickoff()
    with pytest.raises(DeviceError, match="while an acquisition is running"):
        await det.kickoff()
    status = det.complete()
    await det.stop()
    with pytest.raises(DeviceError, match="stopped after 0 of 3 frames"):
        await status
    assert await det.get_index() == 0
    await det.unstage()


async def test_unstage_stops_a_running_acquisition(
    rig: tuple[SimMotor, SimHDF5Detector],
) -> None:
    _, det = rig
    det._clock = _Blocking()
    await det.stage()
    await det.prepare({"frames": 3, "exposure": 1.0})
    await det.kickoff()
    await det.unstage()
    assert det.path is None
    assert [x async for x in det.collect_asset_docs()] == []
    assert await det.get_index() == 0


class _Blocking(VirtualClock):
    """A clock whose sleeps never end (until cancelled)."""

    async def sleep(self, seconds: float) -> None:
        import asyncio

        await asyncio.Event().wait()


async def test_two_kickoffs_two_collects_number_on(
    RE: Any, docs: Docs, tmp_path: Path, rig: tuple[SimMotor, SimHDF5Detector]
) -> None:
    _, det = rig
    catalog = Catalog.open(tmp_path / "catalog.sqlite")
    RE.subscribe(catalog)

    async def plan() -> None:
        await ps.stage(det, wait=True)
        await ps.prepare(det, 3, wait=True)
        await ps.open_run()
        for _ in range(2):
            await ps.kickoff(det, wait=True)
            await ps.complete(det, wait=True)
            await ps.collect(det)
        await ps.close_run()
        await ps.unstage(det, wait=True)

    await RE(plan())
    images = [d for d in docs.of("stream_datum") if d["uid"].startswith(_image_uid(docs))]
    assert [d["indices"] for d in images] == [{"start": 0, "stop": 3}, {"start": 3, "stop": 6}]
    assert [d["seq_nums"] for d in images] == [{"start": 1, "stop": 4}, {"start": 4, "stop": 7}]
    catalog.flush()
    run = catalog[-1]
    assert np.asarray(run.streams["cam"].read()["cam-total"]).shape == (6,)
    run.close()


def _image_uid(docs: Docs) -> str:
    (res,) = [r for r in docs.of("stream_resource") if r["data_key"] == "cam-image"]
    return str(res["uid"])


def test_bluesky_run_engine_step_and_fly(tmp_path: Path) -> None:
    import bluesky.plan_stubs as bps
    import bluesky.plans as bpp
    from bluesky import RunEngine
    from bluesky.run_engine import call_in_bluesky_event_loop

    bRE = RunEngine(context_managers=[])
    docs = Docs()
    bRE.subscribe(docs)
    motor = SimMotor("m")
    det = SimHDF5Detector("cam", motors=[motor], shape=(4, 4), directory=tmp_path)

    async def connect() -> None:
        await motor.connect()
        await det.connect()

    call_in_bluesky_event_loop(connect())
    bRE(bpp.scan([det], motor, -1, 1, 3))

    def fly() -> Any:
        yield from bps.stage(det, wait=True)
        yield from bps.prepare(det, 4, wait=True)
        yield from bps.open_run()
        yield from bps.declare_stream(det, name="primary", collect=True)
        yield from bps.kickoff(det, wait=True)
        yield from bps.complete(det, wait=True)
        yield from bps.collect(det, name="primary")
        yield from bps.close_run()
        yield from bps.unstage(det, wait=True)

    bRE(fly())
    seq = [d["seq_nums"] for d in docs.of("stream_datum")]
    assert seq == [
        *({"start": i, "stop": i + 1} for i in (1, 2, 3)),
        {"start": 1, "stop": 5},
        {"start": 1, "stop": 5},
    ]
    assert det.path is None

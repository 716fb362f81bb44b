"""EPICS signals in the declarative and attribute styles, against the real IOC."""

from __future__ import annotations

import numpy as np
import pytest

from devices import (
    Component,
    Device,
    DeviceError,
    Kind,
    LimitError,
    NotConnectedError,
    ReadOnlyError,
    SoftSignalRO,
    StandardReadable,
)
from devices.epics import (
    CaDisconnectedError,
    CaLimitError,
    EpicsSignal,
    EpicsSignalRO,
    EpicsSignalWithRBV,
    EpicsSignalX,
)


class XYStage(Device):
    x = Component(EpicsSignal, "Mtr-X")
    y = Component(EpicsSignal, "Mtr-Y")


async def test_the_seeds_xystage_connects_and_moves(ioc: object) -> None:
    left_stage = XYStage("Left-", name="left_stage")
    await left_stage.connect()
    assert left_stage.x.source == "ca://Left-Mtr-X"
    await left_stage.x.set(1.5)
    await left_stage.y.set(-2.25)
    assert await left_stage.x.get_value() == 1.5
    assert await left_stage.y.get_value() == -2.25
    reading = await left_stage.x.read()
    assert reading["left_stage-x"]["value"] == 1.5
    key = (await left_stage.x.describe())["left_stage-x"]
    assert key["units"] == "mm"
    assert key["source"] == "ca://Left-Mtr-X"


async def test_a_limit_violation_is_a_limit_error_naming_signal_and_pv(ioc: object) -> None:
    stage = XYStage("Left-", name="stage")
    await stage.connect()
    with pytest.raises(LimitError) as info:
        await stage.x.set(99.0)
    assert isinstance(info.value, CaLimitError)
    assert "stage-x (ca://Left-Mtr-X)" in str(info.value)


class Panel(StandardReadable):
    reading = Component(EpicsSignalRO, "ai", kind=Kind.hinted, datatype=float)
    setpoint = Component(EpicsSignal, "ao", datatype=float)
    mode = Component(EpicsSignal, "mbbo", kind=Kind.config, datatype=str)
    trace = Component(EpicsSignalRO, "waveform", datatype=np.ndarray)
    go = Component(EpicsSignalX, "bo", kind=Kind.omitted)


async def test_standard_readable_over_ca(pv: str) -> None:
    panel = Panel(pv, name="panel")
    await panel.connect()
    await panel.setpoint.set(4.0)
    await panel.mode.set("High")
    await panel.go.trigger()
    reading = await panel.read()
    assert set(reading) == {"panel-reading", "panel-setpoint", "panel-trace"}
    assert reading["panel-setpoint"]["value"] == 4.0
    config = await panel.read_configuration()
    assert config["panel-mode"]["value"] == "High"
    described = await panel.describe()
    assert described["panel-trace"]["shape"] == [10]
    assert panel.hints == {"fields": ["panel-reading"]}


async def test_read_only_signal_cannot_be_set(pv: str) -> None:
    ro = EpicsSignalRO(pv + "ai", name="ro")
    await ro.connect()
    with pytest.raises(ReadOnlyError):
        ro.set(1.0)  # type: ignore[attr-defined]


async def test_with_rbv_and_separate_write_pv(pv: str) -> None:
    both = EpicsSignal(pv + "longin", pv + "longout", datatype=int, name="pair")
    await both.connect()
    await both.set(12)
    assert await both.locate() == {"setpoint": 12, "readback": 42}
    assert both.source == f"ca://{pv}longin"
    rbv = EpicsSignalWithRBV(pv + "fake", datatype=float, name="rbv")
    assert rbv.source == f"ca://{pv}fake_RBV"


async def test_device_connect_reports_every_missing_pv(pv: str) -> None:
    class Broken(Device):
        good = Component(EpicsSignal, "ai")
        bad1 = Component(EpicsSignal, "nope1")
        bad2 = Component(EpicsSignalRO, "nope2")

    with pytest.raises(NotConnectedError) as info:
        await Broken(pv, name="broken").connect(timeout=0.5)
    text = str(info.value)
    assert f"ca://{pv}nope1" in text
    assert f"ca://{pv}nope2" in text
    assert "EPICS_CA_ADDR_LIST" in text


async def test_errors_are_device_errors(pv: str) -> None:
    assert issubclass(CaDisconnectedError, DeviceError)
    sig = EpicsSignal(pv + "mbbo", datatype=str, name="mode")
    await sig.connect()
    with pytest.raises(DeviceError, match=r"mode \(ca://ACQTEST:mbbo\).*not one of its choices"):
        await sig.set("Extreme")


async def test_monitored_signal_reads_without_round_trips(pv: str) -> None:
    ticker = EpicsSignalRO(pv + "ticker", datatype=float, name="ticker", monitor=True)
    await ticker.connect()
    a = await ticker.get_value()
    await ticker.wait_for_value(lambda v: v > a, timeout=5)
    b = await ticker.get_value()
    assert b > a
    assert ticker.backend.statistics()["updates"] >= 2  # type: ignore[attr-defined]
    ticker.backend._close_monitor()  # type: ignore[attr-defined]


class MixedPanel(StandardReadable):
    """Soft and CA signals side by side; ``monitor`` picks cached or round-trip reads."""

    def __init__(self, pv: str, monitor: bool) -> None:
        with self.add_children_as_readables():
            self.soft = SoftSignalRO(datatype=float, initial_value=7.5)
            self.longin = EpicsSignalRO(pv + "longin", datatype=int, monitor=monitor)
            self.ao = EpicsSignalRO(pv + "ao", datatype=float, monitor=monitor)
            self.text = EpicsSignalRO(pv + "stringin", datatype=str, monitor=monitor)
        with self.add_children_as_readables(Kind.config):
            self.mode = EpicsSignalRO(pv + "mbbo", datatype=str)
            self.units = SoftSignalRO(datatype=str, initial_value="mm")
        super().__init__(name="mixed")


@pytest.mark.parametrize("monitor", [False, True])
async def test_mixed_soft_and_ca_device_reads_every_signal(pv: str, monitor: bool) -> None:
    panel = MixedPanel(pv, monitor)
    await panel.connect()
    sp = EpicsSignal(pv + "ao", datatype=float, name="sp")
    await sp.connect()
    await sp.set(3.25)
    if monitor:
        await panel.ao.wait_for_value(3.25, timeout=5)
    for _ in range(2):  # the second read answers from the monitors when monitor=True
        reading = await panel.read()
        assert list(reading) == ["mixed-soft", "mixed-longin", "mixed-ao", "mixed-text"]
        assert reading["mixed-soft"]["value"] == 7.5
        assert reading["mixed-longin"]["value"] == 42
        assert reading["mixed-ao"]["value"] == 3.25
        assert isinstance(reading["mixed-text"]["value"], str)
    config = await panel.read_configuration()
    assert list(config) == ["mixed-mode", "mixed-units"]
    described = await panel.describe()
    assert described["mixed-ao"]["source"] == f"ca://{pv}ao"
    assert described["mixed-longin"]["dtype"] == "integer"
    assert list(await panel.describe_configuration()) == ["mixed-mode", "mixed-units"]
    if monitor:
        for sig in (panel.longin, panel.ao, panel.text):
            assert sig.backend.get_reading_nowait() is not None  # type: ignore[attr-defined]
            sig.backend._close_monitor()  # type: ignore[attr-defined]

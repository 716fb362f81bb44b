"""The seed's ``XYStage(Device)`` with ``Component``s, counted on acq's RunEngine."""

from __future__ import annotations

from typing import Any

import bluesky.protocols as bp

import acq
import plans
from devices import (
    Component,
    Device,
    Kind,
    SignalW,
    SoftSignalBackend,
    StandardReadable,
    init_devices,
)
from devices.epics import EpicsSignal


class XYStage(Device):
    x = Component(EpicsSignal, "Mtr-X")
    y = Component(EpicsSignal, "Mtr-Y")


class TunedStage(Device):
    x = Component(EpicsSignal, "Mtr-X", kind=Kind.hinted)
    y = Component(EpicsSignal, "Mtr-Y", kind="config")
    z = Component(EpicsSignal, "Mtr-Z", kind=Kind.omitted)


async def test_xystage_verbatim_is_counted_by_the_engine() -> None:
    async with init_devices(mock=True):
        left_stage = XYStage("Left-", name="left_stage")  # PVs Left-Mtr-X, Left-Mtr-Y
    assert isinstance(left_stage, bp.Readable)
    await left_stage.x.set(1.5)
    docs: list[tuple[str, dict[str, Any]]] = []
    RE = acq.RunEngine()
    RE.subscribe(lambda name, doc: docs.append((name, doc)))
    await RE(plans.count([left_stage], 2))
    (desc,) = [d for n, d in docs if n == "descriptor"]
    assert set(desc["data_keys"]) == {"left_stage-x", "left_stage-y"}
    assert desc["data_keys"]["left_stage-x"]["source"] == "mock+ca://Left-Mtr-X"
    events = [d for n, d in docs if n == "event"]
    assert [e["data"]["left_stage-x"] for e in events] == [1.5, 1.5]


async def test_component_kinds_rule_reads_configuration_and_hints() -> None:
    stage = TunedStage("T-", name="t")
    await stage.connect(mock=True)
    assert list(await stage.read()) == ["t-x"]
    assert list(await stage.describe()) == ["t-x"]
    assert list(await stage.read_configuration()) == ["t-y"]
    assert list(await stage.describe_configuration()) == ["t-y"]
    assert stage.hints == {"fields": ["t-x"]}
    assert isinstance(stage, StandardReadable)


def test_plain_devices_and_signals_stay_non_readable() -> None:
    class Holder(Device):
        pass

    assert not isinstance(Device(), bp.Readable)
    assert not isinstance(Holder(), bp.Readable)
    assert not isinstance(SignalW(SoftSignalBackend(float)), bp.Readable)

"""Device trees: naming, components, connect, kinds, init_devices and bad input."""

from __future__ import annotations

import pytest
from _devices_fakes import FakeRemoteBackend, FakeSignal

from devices import (
    BackendMismatchError,
    Component,
    Device,
    DeviceVector,
    FormattedComponent,
    Kind,
    MockSignal,
    NameCollisionError,
    NotConnectedError,
    SignalRW,
    SoftSignal,
    SoftSignalRO,
    StandardReadable,
    get_mock_puts,
    init_devices,
    soft_signal_r_and_setter,
    soft_signal_rw,
)


class XYStage(Device):
    x = Component(SoftSignal, "Mtr-X")
    y = Component(SoftSignal, "Mtr-Y")


async def test_xystage_verbatim_with_soft_signals() -> None:
    left_stage = XYStage("Left-", name="left_stage")
    assert left_stage.x.name == "left_stage-x"
    assert left_stage.y.source == "soft://Left-Mtr-Y"
    assert left_stage.x.parent is left_stage
    assert [a for a, _ in left_stage.children()] == ["x", "y"]
    await left_stage.connect()
    await left_stage.x.set(1.5)
    assert await left_stage.x.get_value() == 1.5
    assert XYStage.x.suffix == "Mtr-X"


async def test_component_passes_address_name_and_kwargs() -> None:
    calls: list[tuple] = []

    def factory(address: str, *, name: str = "", **kw: object) -> SignalRW[float]:
        calls.append((address, name, kw))
        return soft_signal_rw(float, name=name)

    class Stage(Device):
        x = Component(factory, "Mtr-X", write_pv="Mtr-X-SP")

    stage = Stage("Left-", name="left_stage")
    stage.x  # noqa: B018
    assert calls == [("Left-Mtr-X", "left_stage-x", {"write_pv": "Mtr-X-SP"})]


async def test_component_with_address_style_remote_signal() -> None:
    class Stage(Device):
        x = Component(FakeSignal, "Mtr-X")

    stage = Stage("Left-", name="left_stage")
    await stage.connect()
    assert stage.x.source == "fake://Left-Mtr-X"
    assert stage.x.backend.connected  # type: ignore[attr-defined]


class Axis(StandardReadable):
    readback = Component(SoftSignalRO, "RBV", kind=Kind.hinted, units="mm")
    setpoint = Component(SoftSignal, "VAL")
    velocity = Component(SoftSignal, "VELO", kind=Kind.config, initial_value=1.0)
    spare = Component(SoftSignal, "SPARE", kind="omitted")


class Table(StandardReadable):
    x = Component(Axis, "X:")
    y = Component(Axis, "Y:", kind=Kind.hinted)
    temp = FormattedComponent(SoftSignal, "{prefix}T{self.sensor}", kind=Kind.normal)

    def __init__(self, prefix: str, sensor: int, name: str = "") -> None:
        self.sensor = sensor
        super().__init__(prefix, name=name)


async def test_nested_and_formatted_components_and_kinds() -> None:
    table = Table("BL1:", sensor=3, name="table")
    assert table.x.readback.source == "soft://BL1:X:RBV"
    assert table.x.readback.name == "table-x-readback"
    assert table.temp.source == "soft://BL1:T3"
    await table.connect(mock=True)
    reading = await table.read()
    assert list(reading) == [
        "table-x-readback",
        "table-x-setpoint",
        "table-y-readback",
        "table-y-setpoint",
        "table-temp",
    ]
    describe = await table.describe()
    assert list(describe) == list(reading)
    assert describe["table-x-readback"]["units"] == "mm"
    config = await table.read_configuration()
    assert list(config) == ["table-x-velocity", "table-y-velocity"]
    assert config["table-x-velocity"]["value"] == 1.0
    assert list(await table.describe_configuration()) == list(config)
    assert table.hints == {"fields": ["table-y-readback"]}
    assert table.x.hints == {"fields": ["table-x-readback"]}


async def test_renaming_propagates_and_reads_follow() -> None:
    table = Table("BL1:", sensor=1, name="table")
    await table.read()
    table.set_name("t2")
    assert "t2-x-readback" in await table.read()
    table.set_name("")
    assert table.x.readback.name == ""


async def test_configurable_separator() -> None:
    class Dotted(Device):
        separator = "_"
        x = Component(SoftSignal, "X")

    assert Dotted(name="d").x.name == "d_x"


class Sensor(StandardReadable):
    def __init__(self, name: str = "") -> None:
        with self.add_children_as_readables(Kind.hinted):
            self.value, self._set_value = soft_signal_r_and_setter(float, 1.0)
        with self.add_children_as_readables(Kind.config):
            self.gain = soft_signal_rw(int, 2)
        self.untracked = soft_signal_rw(int, 0)
        super().__init__(name=name)


async def test_attribute_style_readables() -> None:
    s = Sensor(name="s")
    assert list(await s.read()) == ["s-value"]
    assert list(await s.read_configuration()) == ["s-gain"]
    assert s.hints == {"fields": ["s-value"]}
    assert s.value.parent is s


async def test_device_vector() -> None:
    class Bank(StandardReadable):
        def __init__(self, name: str = "") -> None:
            self.channels = DeviceVector({i: soft_signal_rw(float, float(i)) for i in (1, 2)})
            self.add_readables([self.channels])
            super().__init__(name=name)

    bank = Bank(name="bank")
    assert bank.channels[2].name == "bank-channels-2"
    assert len(bank.channels) == 2
    assert list(bank.channels) == [1, 2]
    assert bank.channels[1].parent is bank.channels
    await bank.connect(mock=True)
    assert bank.channels == bank.channels
    assert hash(bank.channels) == id(bank.channels)


async def test_connect_aggregates_every_failure() -> None:
    class Rig(Device):
        ok = Component(FakeSignal, "OK")
        bad = Component(FakeSignal, "BAD", fail="no server answered")
        slow = Component(FakeSignal, "SLOW", hang=True)
        inner = Component(XYStage, "IN:")

    rig = Rig("R:", name="rig")
    with pytest.raises(NotConnectedError) as info:
        await rig.connect(timeout=0.05)
    msg = str(info.value)
    assert "2 signal(s) failed to connect" in msg
    assert "rig-bad (fake://R:BAD): DeviceError: no server answered" in msg
    assert "rig-slow (fake://R:SLOW): TimeoutError: no connection within 0.05 s" in msg
    assert set(info.value.errors) == {"rig-bad (fake://R:BAD)", "rig-slow (fake://R:SLOW)"}


async def test_connecting_twice_with_different_backends_is_an_error() -> None:
    stage = XYStage("L-", name="stage")
    await stage.connect(mock=True)
    await stage.connect(mock=True)  # same backend again: fine
    with pytest.raises(BackendMismatchError, match="already connected with the mock backend"):
        await stage.connect(mock=False)
    real = XYStage("L-", name="real")
    await real.connect()
    with pytest.raises(BackendMismatchError, match="real backend"):
        await real.connect(mock=True)
    await real.connect(mock=True, force_reconnect=True)
    assert real.x.source == "mock://L-Mtr-X"


async def test_mock_connect_replaces_remote_backend_and_keeps_subscription() -> None:
    sig = SignalRW(FakeRemoteBackend("PV"), name="pv")
    seen: list[float] = []
    sig.subscribe_value(seen.append)
    await sig.connect(mock=True, force_reconnect=True)
    assert sig.source == "mock+fake://PV"
    await sig.set(2.0)
    assert seen[-1] == 2.0
    assert get_mock_puts(sig) == [2.0]
    sig.clear_sub(seen.append)


async def test_remote_read_gathers() -> None:
    class Remote(StandardReadable):
        a = Component(FakeSignal, "A")
        b = Component(FakeSignal, "B")

    dev = Remote(name="r")
    await dev.connect()
    assert list(await dev.read()) == ["r-a", "r-b"]
    await dev.a.set(3.0)
    assert (await dev.read())["r-a"]["value"] == 3.0


async def test_mock_signal_class() -> None:
    class Stage(Device):
        x = Component(MockSignal, "X", initial_value=1.0)

    s = Stage("P:", name="s")
    await s.connect()
    await s.x.set(2.0)
    assert get_mock_puts(s.x) == [2.0]
    assert s.x.source == "mock://P:X"


async def test_name_collision_in_readings() -> None:
    class Clash(StandardReadable):
        def __init__(self) -> None:
            with self.add_children_as_readables():
                self.a_b = soft_signal_rw(float)
                self.a = Sensor()
            super().__init__(name="d")

    class Sep(Clash):
        separator = "_"

    dev = Sep()
    dev.a.set_name("d_a")
    dev.a.add_readables([dev.a.value], Kind.normal)
    dev.a.value.set_name("d_a_b")
    with pytest.raises(NameCollisionError, match="both named 'd_a_b'"):
        await dev.read()


async def test_init_devices_names_and_connects() -> None:
    async with init_devices(mock=True) as ctx:
        stage = XYStage("S:")
        named = XYStage("N:", name="keep")
    assert stage.name == "stage"
    assert named.name == "keep"
    assert stage.x.source == "mock://S:Mtr-X"
    assert set(ctx.devices) == {"stage", "named"}


async def test_init_devices_aggregates_errors_and_collisions() -> None:
    class Rig(Device):
        bad = Component(FakeSignal, "BAD", fail="refused")

    with pytest.raises(NotConnectedError, match=r"in init_devices:\n  rig-bad \(fake://BAD\)"):
        async with init_devices(timeout=1):
            rig = Rig()
    assert rig.name == "rig"
    with pytest.raises(NameCollisionError, match="'a' and 'b' are both named 'same'"):  # noqa: PT012
        async with init_devices(mock=True):
            a = XYStage(name="same")
            b = XYStage(name="same")
    assert a is not b


async def test_init_devices_does_nothing_on_error() -> None:
    with pytest.raises(RuntimeError):  # noqa: PT012
        async with init_devices():
            stage = XYStage("E:")
            raise RuntimeError("in block")
    assert stage.name == ""


async def test_init_devices_without_connect() -> None:
    async with init_devices(connect=False):
        lazy = XYStage("Z:")
    assert lazy.name == "lazy"
    assert repr(lazy) == "<XYStage 'lazy'>"

"""Signals over soft and mock backends: values, datatypes, bad input, subscriptions."""

from __future__ import annotations

import asyncio
import enum

import numpy as np
import pytest

from devices import (
    ChoiceError,
    DatatypeError,
    DeviceError,
    DeviceTimeoutError,
    LimitError,
    MockSignalBackend,
    ReadOnlyError,
    SignalRW,
    SignalX,
    SoftSignalBackend,
    StrictEnum,
    SubsetEnum,
    callback_on_mock_put,
    fail_mock_put,
    get_mock_puts,
    set_mock_put_proceeds,
    set_mock_value,
    soft_signal_r_and_setter,
    soft_signal_rw,
)


class Mode(StrictEnum):
    FAST = "Fast"
    SLOW = "Slow"


class Shutter(SubsetEnum):
    OPEN = "Open"
    CLOSED = "Closed"


async def test_float_signal_set_get_read_describe() -> None:
    sig = soft_signal_rw(float, 1.5, "temp", units="K", precision=3, limits=(0.0, 400.0))
    assert await sig.get_value() == 1.5
    await sig.set(300)
    assert await sig.get_value() == 300.0
    reading = (await sig.read())["temp"]
    assert reading["value"] == 300.0
    assert reading["alarm_severity"] == 0
    assert isinstance(reading["timestamp"], float)
    dk = (await sig.describe())["temp"]
    assert dk == {
        "source": "soft://temp",
        "dtype": "number",
        "shape": [],
        "dtype_numpy": "<f8",
        "units": "K",
        "precision": 3,
        "limits": {"control": {"low": 0.0, "high": 400.0}},
    }
    assert await sig.locate() == {"setpoint": 300.0, "readback": 300.0}


@pytest.mark.parametrize(
    ("datatype", "good", "dtype", "dtype_numpy"),
    [
        (bool, True, "boolean", "|b1"),
        (int, 3, "integer", "<i8"),
        (str, "abc", "string", "|S40"),
        (float, 2.5, "number", "<f8"),
    ],
)
async def test_scalar_datatypes(datatype: type, good: object, dtype: str, dtype_numpy: str) -> None:
    sig = soft_signal_rw(datatype, name="s")
    await sig.set(good)
    assert await sig.get_value() == good
    dk = (await sig.describe())["s"]
    assert (dk["dtype"], dk["dtype_numpy"], dk["shape"]) == (dtype, dtype_numpy, [])


@pytest.mark.parametrize(
    ("datatype", "bad"),
    [(float, "1.0"), (int, 1.5), (int, True), (bool, 1), (str, 3), (float, None)],
)
async def test_wrong_datatype_is_rejected(datatype: type, bad: object) -> None:
    sig = soft_signal_rw(datatype, name="s")
    with pytest.raises(DatatypeError, match=r"s \(soft://s\): expected"):
        await sig.set(bad)


async def test_numpy_scalars_are_accepted() -> None:
    f = soft_signal_rw(float, name="f")
    await f.set(np.float32(2.0))
    assert type(await f.get_value()) is float
    i = soft_signal_rw(int, name="i")
    await i.set(np.int16(4))
    await i.set(5.0)
    assert await i.get_value() == 5
    b = soft_signal_rw(bool, name="b")
    await b.set(np.bool_(True))
    assert await b.get_value() is True


async def test_outside_limits_is_rejected_and_value_kept() -> None:
    sig = soft_signal_rw(float, 1.0, "m", limits=(-5.0, 5.0))
    status = sig.set(6.0)
    with pytest.raises(LimitError, match=r"m \(soft://m\): 6.0 is outside .*\[-5.0, 5.0\]"):
        await status
    assert status.done
    assert not status.success
    assert isinstance(status.exception(), LimitError)
    assert await sig.get_value() == 1.0
    low_only = soft_signal_rw(int, 0, "n", limits=(0, None))
    await low_only.set(10**9)
    with pytest.raises(LimitError):
        await low_only.set(-1)


async def test_enums_strict_and_subset() -> None:
    sig = soft_signal_rw(Mode, name="mode")
    assert await sig.get_value() is Mode.FAST
    await sig.set("Slow")
    assert await sig.get_value() is Mode.SLOW
    await sig.set(Mode.FAST)
    dk = (await sig.describe())["mode"]
    assert dk["choices"] == ["Fast", "Slow"]
    assert dk["dtype"] == "string"
    with pytest.raises(ChoiceError, match=r"'Medium' is not one of the choices \['Fast', 'Slow'\]"):
        await sig.set("Medium")
    with pytest.raises(DatatypeError):
        await sig.set(1)
    sh = soft_signal_rw(Shutter, Shutter.CLOSED, name="sh")
    await sh.set("Open")
    assert await sh.get_value() == "Open"


async def test_plain_enum_is_supported() -> None:
    class Color(enum.Enum):
        RED = "red"
        BLUE = "blue"

    sig = soft_signal_rw(Color, name="c")
    await sig.set("blue")
    assert await sig.get_value() is Color.BLUE


async def test_unsupported_datatype() -> None:
    with pytest.raises(DatatypeError, match="unsupported signal datatype"):
        soft_signal_rw(dict, name="d")


async def test_1d_and_nd_arrays() -> None:
    sig = soft_signal_rw(np.ndarray, np.zeros(3), name="wave")
    dk = (await sig.describe())["wave"]
    assert (dk["dtype"], dk["shape"], dk["dtype_numpy"]) == ("array", [3], "<f8")
    await sig.set(np.arange(5, dtype=np.int32))
    assert (await sig.describe())["wave"]["shape"] == [5]
    assert (await sig.get_value()).dtype == np.float64
    await sig.set([1.0, 2.0])
    np.testing.assert_array_equal(await sig.get_value(), [1.0, 2.0])
    with pytest.raises(DatatypeError, match="expected an array of float64"):
        await sig.set(np.array(["a", "b"]))
    with pytest.raises(DatatypeError):
        await sig.set("nope")
    with pytest.raises(DatatypeError):
        await sig.set([[1, 2], [3]])
    image = soft_signal_rw(np.ndarray, np.zeros((4, 6), dtype=np.uint16), name="img")
    assert (await image.describe())["img"]["shape"] == [4, 6]
    assert (await image.describe())["img"]["dtype_numpy"] == "<u2"
    default = soft_signal_rw(np.ndarray, name="d")
    assert (await default.get_value()).shape == (0,)


async def test_tables_as_structured_arrays() -> None:
    dtype = np.dtype([("x", "<f8"), ("label", "<U8")])
    sig = soft_signal_rw(np.ndarray, np.zeros(2, dtype=dtype), name="table")
    dk = (await sig.describe())["table"]
    assert dk["dtype_numpy"] == [("x", "<f8"), ("label", "<U8")]
    assert dk["shape"] == [2]
    await sig.set(np.array([(1.0, "a")], dtype=dtype))
    assert (await sig.get_value())["label"][0] == "a"
    with pytest.raises(DatatypeError, match=r"columns \['x', 'label'\]"):
        await sig.set(np.array([(1.0,)], dtype=[("y", "<f8")]))
    with pytest.raises(DatatypeError):
        await sig.set(np.zeros(2))


async def test_read_only_signal_cannot_be_written() -> None:
    sig, setter = soft_signal_r_and_setter(float, 0.5, "ro", limits=(0, 1))
    with pytest.raises(ReadOnlyError, match="ro is read-only"):
        sig.set(1.0)  # type: ignore[attr-defined]
    assert not hasattr(sig, "set")
    with pytest.raises(AttributeError, match="no attribute 'other'"):
        sig.other  # type: ignore[attr-defined]  # noqa: B018
    setter(0.75)
    assert await sig.get_value() == 0.75
    with pytest.raises(LimitError, match=r"ro \(soft://ro\)"):
        setter(2.0)


async def test_subscribe_and_clear_sub() -> None:
    sig = soft_signal_rw(int, 0, "counter")
    seen: list[dict] = []
    values: list[int] = []
    sig.subscribe(seen.append)
    sig.subscribe_value(values.append)
    await sig.set(1)
    await sig.set(2)
    assert values == [0, 1, 2]
    assert [d["counter"]["value"] for d in seen] == [0, 1, 2]
    sig.clear_sub(seen.append)
    sig.clear_sub(values.append)
    await sig.set(3)
    assert values == [0, 1, 2]


async def test_observe_value_and_timeout() -> None:
    sig = soft_signal_rw(float, 0.0, "x")
    got: list[float] = []
    async for value in sig.observe_value():
        got.append(value)
        if value >= 2:
            break
        await sig.set(value + 1)
    assert got == [0.0, 1.0, 2.0]
    with pytest.raises(DeviceTimeoutError, match=r"no new value within 0\.01 s"):
        async for _ in sig.observe_value(timeout=0.01):
            pass


async def test_wait_for_value() -> None:
    sig = soft_signal_rw(int, 0, "n")

    async def bump() -> None:
        for i in range(1, 6):
            await asyncio.sleep(0)
            await sig.set(i)

    async with asyncio.TaskGroup() as tg:
        tg.create_task(bump())
        assert await sig.wait_for_value(3, timeout=5) == 3
    assert await sig.wait_for_value(lambda v: v > 4, timeout=5) == 5
    arr = soft_signal_rw(np.ndarray, np.ones(2), "arr")
    await arr.wait_for_value(np.ones(2), timeout=1)


async def test_wait_for_value_times_out_naming_last_value() -> None:
    sig = soft_signal_rw(int, 7, "n")
    with pytest.raises(
        DeviceTimeoutError, match=r"n \(soft://n\): waited 0.01 s for 8, last value 7"
    ):
        await sig.wait_for_value(8, timeout=0.01)

    def is_big(v: int) -> bool:
        return v > 100

    with pytest.raises(DeviceTimeoutError, match="for is_big"):
        await sig.wait_for_value(is_big, timeout=0.01)


async def test_second_subscriber_gets_current_value() -> None:
    sig = soft_signal_rw(int, 4, "n")
    a: list[int] = []
    b: list[int] = []
    sig.subscribe_value(a.append)
    sig.subscribe_value(b.append)
    assert a == b == [4]
    sig.clear_sub(a.append)
    sig.clear_sub(b.append)


async def test_signal_without_datatype_takes_anything() -> None:
    sig = SignalRW(SoftSignalBackend(None, 1), name="any")
    await sig.set("text")
    assert (await sig.describe())["any"]["dtype"] == "string"
    await sig.set(np.zeros(2))
    assert (await sig.describe())["any"]["dtype"] == "array"
    await sig.set(True)
    assert (await sig.describe())["any"]["dtype"] == "boolean"
    await sig.set(object())
    assert (await sig.describe())["any"]["dtype"] == "number"


async def test_mock_helpers() -> None:
    sig = soft_signal_rw(float, 1.0, "m")
    with pytest.raises(DeviceError, match="connect its device with connect"):
        set_mock_value(sig, 2.0)
    await sig.connect(mock=True)
    assert isinstance(sig.backend, MockSignalBackend)
    assert sig.source == "mock://m"
    set_mock_value(sig, 2.0)
    assert await sig.get_value() == 2.0
    with pytest.raises(DatatypeError, match=r"m \(mock://m\)"):
        set_mock_value(sig, "x")
    seen: list[tuple[float, bool]] = []
    callback_on_mock_put(sig, lambda v, wait: seen.append((v, wait)))

    async def async_cb(value: float, wait: bool) -> None:
        await asyncio.sleep(0)

    callback_on_mock_put(sig, async_cb)
    await sig.set(3.0)
    await sig.set(4.0, wait=False)
    assert get_mock_puts(sig) == [3.0, 4.0]
    assert seen == [(3.0, True), (4.0, False)]


async def test_mock_put_can_fail_and_hang() -> None:
    sig = soft_signal_rw(float, 0.0, "m")
    await sig.connect(mock=True)
    fail_mock_put(sig, DeviceError("interlock"))
    with pytest.raises(DeviceError, match="interlock"):
        await sig.set(1.0)
    fail_mock_put(sig, RuntimeError("boom"))
    with pytest.raises(Exception, match="boom"):
        await sig.set(1.0)
    fail_mock_put(sig, None)
    set_mock_put_proceeds(sig, False)
    with pytest.raises(DeviceTimeoutError, match=r"m \(mock://m\): put of 2.0 did not complete"):
        await sig.set(2.0, timeout=0.01)
    status = sig.set(3.0, timeout=None)
    await asyncio.sleep(0)
    assert not status.done
    set_mock_put_proceeds(sig, True)
    await status
    assert await sig.get_value() == 3.0


async def test_signal_x_trigger() -> None:
    backend: MockSignalBackend[None] = MockSignalBackend(None)
    sig = SignalX(backend, name="go")
    await sig.trigger()
    await sig.trigger(wait=False, timeout=None)
    assert backend.puts == [None, None]


async def test_local_backend_that_suspends_is_reported() -> None:
    from devices import Device, NotConnectedError

    class Liar(SoftSignalBackend[float]):
        async def connect(self, timeout: float) -> None:
            await asyncio.sleep(0)

    class Holder(Device):
        def __init__(self) -> None:
            self.sig = SignalRW(Liar(float), name="")
            super().__init__(name="h")

    with pytest.raises(NotConnectedError, match="local backend suspended"):
        await Holder().connect()


async def test_finished_status_from_fast_put() -> None:
    sig = soft_signal_rw(float, 0.0, "f")
    status = sig.set(1.0)
    assert status.done
    assert status.success
    assert not status.cancel()
    seen: list[object] = []
    status.add_callback(seen.append)
    assert seen == [status]
    await status.wait(1.0)


async def test_mock_of_a_soft_subclass_keeps_value_and_metadata() -> None:
    class Custom(SoftSignalBackend[float]):
        pass

    sig = SignalRW(Custom(float, 2.0, units="V", limits=(0, 5)), name="c")
    await sig.connect(mock=True)
    assert await sig.get_value() == 2.0
    assert (await sig.describe())["c"]["units"] == "V"
    with pytest.raises(LimitError):
        await sig.set(9.0)

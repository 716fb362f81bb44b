"""CaSignalBackend against a real IOC: types, readings, data keys, puts, monitors."""

from __future__ import annotations

import asyncio
import enum

import numpy as np
import pytest

from devices import SubsetEnum
from devices.epics import CaDatatypeError, CaSignalBackend


class Level(enum.StrEnum):
    LOW = "Low"
    MEDIUM = "Medium"
    HIGH = "High"


class JustHigh(SubsetEnum):
    HIGH = "High"


async def connected(datatype, read_pv, write_pv=None, **kw):
    backend = CaSignalBackend(datatype, read_pv, write_pv, **kw)
    await backend.connect(5.0)
    return backend


async def test_float_reading_and_datakey(pv: str) -> None:
    b = await connected(float, pv + "ai")
    reading = await b.get_reading()
    assert reading["value"] == 1.5
    assert isinstance(reading["value"], float)
    assert reading["timestamp"] > 1e9
    assert reading["alarm_severity"] == 0
    key = await b.get_datakey(b.source("x", True))
    assert key["source"] == f"ca://{pv}ai"
    assert key["dtype"] == "number"
    assert key["shape"] == []
    assert key["units"] == "mm"
    assert key["precision"] == 3
    assert key["limits"]["display"] == {"low": -10.0, "high": 10.0}
    assert key["limits"]["alarm"]["high"] == 9.0


async def test_put_with_and_without_completion(pv: str) -> None:
    b = await connected(float, pv + "ao")
    await b.put(12.5, wait=True)
    assert await b.get_value() == 12.5
    await b.put(13.5, wait=False)
    for _ in range(100):
        if await b.get_value() == 13.5:
            break
        await asyncio.sleep(0.01)
    assert await b.get_setpoint() == 13.5
    key = await b.get_datakey("ca://x")
    assert key["limits"]["control"] == {"low": -100.0, "high": 100.0}


async def test_datatype_none_takes_native_types(pv: str) -> None:
    expected = {
        "ai": float,
        "longin": int,
        "bi": str,
        "mbbi": str,
        "stringin": str,
        "waveform": np.ndarray,
        "char_waveform": str,
    }
    for suffix, cls in expected.items():
        b = await connected(None, pv + suffix)
        assert isinstance(await b.get_value(), cls), suffix


async def test_integers(pv: str) -> None:
    b = await connected(int, pv + "longout")
    await b.put(99, wait=True)
    assert await b.get_value() == 99
    key = await b.get_datakey("ca://x")
    assert key["dtype"] == "integer"


async def test_bool_on_binary_records(pv: str) -> None:
    b = await connected(bool, pv + "bo")
    await b.put(True, wait=True)
    assert await b.get_value() is True
    await b.put(False, wait=True)
    assert await b.get_value() is False
    assert (await b.get_datakey("ca://x"))["dtype"] == "boolean"


async def test_enum_strict_and_str(pv: str) -> None:
    b = await connected(Level, pv + "mbbo")
    await b.put(Level.HIGH, wait=True)
    assert await b.get_value() is Level.HIGH
    key = await b.get_datakey("ca://x")
    assert key["choices"] == ["Low", "Medium", "High"]
    assert key["dtype"] == "string"
    s = await connected(str, pv + "mbbo")
    await s.put("Medium", wait=True)
    assert await b.get_value() is Level.MEDIUM
    assert await s.get_value() == "Medium"


async def test_subset_enum(pv: str) -> None:
    b = await connected(JustHigh, pv + "mbbo")
    await b.put(JustHigh.HIGH, wait=True)
    assert await b.get_value() is JustHigh.HIGH
    await b.put("Low", wait=True)
    assert await b.get_value() == "Low"


async def test_strict_enum_must_match_choices(pv: str) -> None:
    with pytest.raises(CaDatatypeError, match=r"exactly the PV's choices.*SubsetEnum"):
        await connected(enum.StrEnum("Two", {"LOW": "Low"}), pv + "mbbo")


async def test_strings(pv: str) -> None:
    b = await connected(str, pv + "stringout")
    await b.put("acq was here", wait=True)
    assert await b.get_value() == "acq was here"
    assert (await b.get_datakey("ca://x"))["dtype"] == "string"


async def test_char_waveform_as_str(pv: str) -> None:
    b = await connected(str, pv + "char_waveform")
    long_text = "a path /data/2026/11/24/scan_0001.h5 longer than forty characters"
    await b.put(long_text, wait=True)
    assert await b.get_value() == long_text


async def test_numeric_arrays(pv: str) -> None:
    b = await connected(np.ndarray, pv + "waveform")
    await b.put(np.arange(4.0), wait=True)
    value = await b.get_value()
    assert type(value) is np.ndarray
    np.testing.assert_array_equal(value, [0.0, 1.0, 2.0, 3.0])
    key = await b.get_datakey("ca://x")
    assert key["dtype"] == "array"
    assert key["shape"] == [10]
    assert key["dtype_numpy"] == "<f8"
    ints = await connected(None, pv + "int_waveform")
    await ints.put([1, 2, 3, 4, 5], wait=True)
    np.testing.assert_array_equal(await ints.get_value(), [1, 2, 3, 4, 5])


@pytest.mark.parametrize(
    ("datatype", "suffix"),
    [(int, "ai"), (float, "longin"), (bool, "mbbi"), (np.ndarray, "ai"), (float, "stringin")],
)
async def test_datatype_mismatch_is_a_clear_error(pv: str, datatype: type, suffix: str) -> None:
    with pytest.raises(CaDatatypeError, match=rf"ca://{pv}{suffix}: declared datatype"):
        await connected(datatype, pv + suffix)


async def test_monitor_delivers_every_update(pv: str) -> None:
    b = await connected(float, pv + "ticker")
    got: list[float] = []
    b.set_callback(lambda r: got.append(r["value"]))
    try:
        for _ in range(100):
            if len(got) >= 4:
                break
            await asyncio.sleep(0.05)
    finally:
        b.set_callback(None)
    assert len(got) >= 4
    assert np.all(np.diff(got) == 1.0)  # no update merged away
    stats = b.statistics()
    assert stats["updates"] == len(got)
    assert stats["max_backlog"] >= 0
    assert stats["disconnects"] == 0


async def test_a_new_event_loop_works(pv: str) -> None:
    b = await connected(float, pv + "ai")

    def in_another_loop() -> float:
        return asyncio.run(b.get_value())

    assert await asyncio.to_thread(in_another_loop) == 1.5
    assert await b.get_value() == 1.5


async def test_monitor_reads_answer_from_the_monitor(pv: str) -> None:
    b = await connected(float, pv + "ticker", monitor_reads=True)
    first = await b.get_reading()
    assert b.statistics()["updates"] == 1  # the read started the monitor
    got: list[float] = []
    b.set_callback(lambda r: got.append(r["value"]))
    assert got == [first["value"]]  # a new callback gets the current reading at once
    value = await b.get_value()
    assert value >= first["value"]
    while len(got) < 3:
        await asyncio.sleep(0.05)
    assert await b.get_value() == got[-1]
    b.set_callback(None)
    assert b.statistics()["updates"] >= 3  # the monitor stays open for reads

    def in_another_loop() -> float:
        return asyncio.run(b.get_value())  # the monitor's loop is not this one: ask the IOC

    assert await asyncio.to_thread(in_another_loop) >= got[-1]
    b._close_monitor()

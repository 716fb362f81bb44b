"""Bad input against a real IOC: every failure is prompt and names the PV."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import numpy as np
import pytest

from devices.epics import (
    CaConnectionError,
    CaDisconnectedError,
    CaPutError,
    CaSignalBackend,
    CaTimeoutError,
    CaValueError,
)
from devices.epics.testing import SoftIoc


async def connected(datatype, read_pv, write_pv=None, **kw):
    backend = CaSignalBackend(datatype, read_pv, write_pv, **kw)
    await backend.connect(5.0)
    return backend


async def test_missing_pv_names_it_and_the_addr_list(pv: str) -> None:
    b = CaSignalBackend(float, pv + "no_such_record")
    with pytest.raises(CaConnectionError) as info:
        await b.connect(0.3)
    text = str(info.value)
    assert f"ca://{pv}no_such_record did not connect within 0.3 s" in text
    assert "EPICS_CA_ADDR_LIST" in text


async def test_use_before_connect_says_so(pv: str) -> None:
    b = CaSignalBackend(float, pv + "ai")
    with pytest.raises(CaConnectionError, match="not connected yet"):
        await b.get_value()


async def test_put_to_read_only_pv(pv: str) -> None:
    b = await connected(float, pv + "readonly")
    assert await b.get_value() == 3.25
    with pytest.raises(CaPutError, match=rf"ca://{pv}readonly: no write access"):
        await b.put(1.0, wait=True)


async def test_enum_string_not_in_choices(pv: str) -> None:
    b = await connected(str, pv + "mbbo")
    with pytest.raises(CaValueError, match=r"'Extreme' is not one of its choices \['Low'"):
        await b.put("Extreme", wait=True)


async def test_value_outside_drive_limits(pv: str) -> None:
    b = await connected(float, pv + "ao")
    with pytest.raises(CaValueError, match=r"outside its drive limits \[-100, 100\]"):
        await b.put(150.0, wait=True)
    i = await connected(int, pv + "longout")
    with pytest.raises(CaValueError, match=r"longout: -1 is outside"):
        await i.put(-1, wait=True)


async def test_array_longer_than_nelm(pv: str) -> None:
    b = await connected(np.ndarray, pv + "waveform")
    with pytest.raises(CaValueError, match=r"does not fit its 10 elements \(NELM\)"):
        await b.put(np.zeros(11), wait=True)


async def test_string_too_long(pv: str) -> None:
    b = await connected(str, pv + "stringout")
    with pytest.raises(CaValueError, match="at most 39"):
        await b.put("x" * 41, wait=True)


@pytest.fixture
def own_ioc() -> Iterator[SoftIoc]:
    """An IOC of this test's own, to stop and restart."""
    with SoftIoc([("records.db", "P=ACQSTOP:")]) as ioc:
        yield ioc


async def test_ioc_stopped_mid_operation_fails_cleanly_then_recovers(own_ioc: SoftIoc) -> None:
    b = await connected(float, "ACQSTOP:ticker", timeout=2.0)
    events: list[bool] = []
    b.add_connection_callback(events.append)
    got: list[float] = []
    b.set_callback(lambda r: got.append(r["value"]))
    try:
        while not got:
            await asyncio.sleep(0.02)
        own_ioc.kill()
        while not events:
            await asyncio.sleep(0.02)
        assert events == [False]
        assert not b.connected
        with pytest.raises(CaDisconnectedError, match="ca://ACQSTOP:ticker: disconnected"):
            await b.get_value()
        own_ioc.start()  # same port: the channel reconnects by itself
        async with asyncio.timeout(30):
            while events[-1] is not True:
                await asyncio.sleep(0.05)
        assert b.connected
        assert isinstance(await b.get_value(), float)
        assert b.statistics()["reconnects"] == 1
    finally:
        b.set_callback(None)


async def test_put_with_completion_interrupted_by_ioc_death(own_ioc: SoftIoc) -> None:
    """A put waiting for completion ends with an error naming the PV, not a hang."""
    b = await connected(float, "ACQSTOP:slow", timeout=2.0, put_timeout=20.0)
    put = asyncio.create_task(b.put(2.0, wait=True))
    await asyncio.sleep(0.3)
    assert not put.done()  # the IOC holds the completion for 2 s
    own_ioc.kill()
    with pytest.raises(CaDisconnectedError, match="ca://ACQSTOP:slow: disconnected during put"):
        await put
    with pytest.raises(CaDisconnectedError, match="ca://ACQSTOP:slow"):
        await b.put(3.0, wait=True)


async def test_put_timeout_is_ours(pv: str) -> None:
    b = await connected(float, pv + "slow", put_timeout=0.2)
    with pytest.raises(CaTimeoutError, match=rf"ca://{pv}slow: put with completion did not"):
        await b.put(1.0, wait=True)
    await b.put(1.0, wait=False)  # without completion the IOC's processing time is no matter

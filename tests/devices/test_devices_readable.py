"""StandardReadable reads: in-memory signals in place, round trips concurrently."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from _devices_fakes import FakeRemoteBackend

from devices import (
    DataKey,
    DeviceError,
    Kind,
    Reading,
    SignalR,
    SoftSignalRO,
    StandardReadable,
)


class Rendezvous:
    """Calls ``arrive()`` return only once ``n`` callers are inside at the same time.

    Sequential reads would wait forever here: each test bounds it with a timeout.
    """

    def __init__(self, n: int) -> None:
        self.n = n
        self.inside = 0
        self.all_in = asyncio.Event()
        self.cancelled: list[str] = []

    async def arrive(self, who: str) -> None:
        self.inside += 1
        if self.inside == self.n:
            self.all_in.set()
        try:
            await self.all_in.wait()
        except asyncio.CancelledError:
            self.cancelled.append(who)
            raise


class RoundTripBackend(FakeRemoteBackend):
    """A remote backend whose gets and data keys meet at a rendezvous (or fail)."""

    def __init__(self, address: str, meet: Rendezvous, fail: Exception | None = None) -> None:
        super().__init__(address)
        self.meet = meet
        self.read_error = fail
        self.value = float(len(address))

    async def get_reading(self) -> Reading[float]:
        if self.read_error is not None:
            await asyncio.sleep(0)
            raise self.read_error
        await self.meet.arrive(self.address)
        return self._reading()

    async def get_datakey(self, source: str) -> DataKey:
        await self.meet.arrive(self.address)
        return {"source": source, "dtype": "number", "shape": [], "units": "mm"}


class Mixed(StandardReadable):
    """Soft and remote signals interleaved, some of them configuration."""

    def __init__(self, meet: Rendezvous, fail: dict[str, Exception] | None = None) -> None:
        fail = fail or {}

        def remote(addr: str) -> SignalR[float]:
            return SignalR(RoundTripBackend(addr, meet, fail.get(addr)))

        with self.add_children_as_readables():
            self.a = SoftSignalRO(datatype=float, initial_value=1.0)
            self.r1 = remote("r1")
            self.b = SoftSignalRO(datatype=float, initial_value=2.0)
            self.r22 = remote("r22")
            self.r333 = remote("r333")
        with self.add_children_as_readables(Kind.config):
            self.c = SoftSignalRO(datatype=str, initial_value="cfg")
            self.q1 = remote("q1")
            self.q22 = remote("q22")
        super().__init__(name="mixed")


@contextmanager
def counting_tasks() -> Iterator[list[asyncio.Task[Any]]]:
    """Record every task created on the running loop inside the block."""
    loop = asyncio.get_running_loop()
    created: list[asyncio.Task[Any]] = []
    old = loop.get_task_factory()

    def factory(loop: asyncio.AbstractEventLoop, coro: Any, **kw: Any) -> asyncio.Task[Any]:
        task = asyncio.Task(coro, loop=loop, **kw)
        created.append(task)
        return task

    loop.set_task_factory(factory)  # type: ignore[arg-type]
    try:
        yield created
    finally:
        loop.set_task_factory(old)


async def bounded(aw: Any) -> Any:
    async with asyncio.timeout(10):  # a sequential read would never meet: fail, not hang
        return await aw


async def test_mixed_read_is_concurrent_correct_and_ordered() -> None:
    dev = Mixed(Rendezvous(3))
    await dev.connect()
    with counting_tasks() as tasks:
        reading = await bounded(dev.read())
    assert list(reading) == ["mixed-a", "mixed-r1", "mixed-b", "mixed-r22", "mixed-r333"]
    assert [r["value"] for r in reading.values()] == [1.0, 2.0, 2.0, 3.0, 4.0]
    assert len(tasks) == 3  # one per round trip, none for the soft signals


async def test_mixed_configuration_and_describes_are_concurrent() -> None:
    meet = Rendezvous(2)
    dev = Mixed(meet)
    await dev.connect()
    config = await bounded(dev.read_configuration())
    assert list(config) == ["mixed-c", "mixed-q1", "mixed-q22"]
    assert config["mixed-q22"]["value"] == 3.0
    for method, keys, remote in (
        ("describe_configuration", ["mixed-c", "mixed-q1", "mixed-q22"], 2),
        ("describe", ["mixed-a", "mixed-r1", "mixed-b", "mixed-r22", "mixed-r333"], 3),
    ):
        meet.inside, meet.n, meet.all_in = 0, remote, asyncio.Event()
        described = await bounded(getattr(dev, method)())
        assert list(described) == keys
        assert described[keys[1]]["units"] == "mm"
        assert described[keys[1]]["source"] == f"fake://{keys[1].removeprefix('mixed-')}"


async def test_in_memory_reads_create_no_tasks() -> None:
    class Soft(StandardReadable):
        def __init__(self) -> None:
            with self.add_children_as_readables():
                self.x = SoftSignalRO(datatype=float, initial_value=1.5)
                self.y = SoftSignalRO(datatype=int, initial_value=2)
            with self.add_children_as_readables(Kind.config):
                self.z = SoftSignalRO(datatype=str, initial_value="z")
            super().__init__(name="soft")

    dev = Soft()
    await dev.connect(mock=True)
    with counting_tasks() as tasks:
        reading = await dev.read()
        config = await dev.read_configuration()
        described = await dev.describe()
    assert tasks == []
    assert reading["soft-x"]["value"] == 1.5
    assert reading["soft-y"]["value"] == 2
    assert config["soft-z"]["value"] == "z"
    assert described["soft-y"]["dtype"] == "integer"


async def test_one_round_trip_is_awaited_without_a_task() -> None:
    class One(StandardReadable):
        def __init__(self) -> None:
            with self.add_children_as_readables():
                self.x = SoftSignalRO(datatype=float, initial_value=1.5)
                self.r = SignalR(RoundTripBackend("r", Rendezvous(1)))
            super().__init__(name="one")

    dev = One()
    await dev.connect()
    with counting_tasks() as tasks:
        reading = await bounded(dev.read())
    assert tasks == []
    assert reading["one-r"]["value"] == 1.0


async def test_a_failed_read_is_raised_naming_its_signal_and_cancels_the_rest() -> None:
    meet = Rendezvous(3)  # never complete: the failing read will not arrive
    dev = Mixed(meet, fail={"r22": DeviceError("fake://r22: get failed: IOC said no")})
    await dev.connect()
    with pytest.raises(DeviceError) as info:
        await bounded(dev.read())
    assert str(info.value) == "mixed-r22: fake://r22: get failed: IOC said no"
    assert isinstance(info.value.__cause__, DeviceError)
    assert sorted(meet.cancelled) == ["r1", "r333"]


async def test_several_failures_raise_the_first_in_signal_order() -> None:
    dev = Mixed(
        Rendezvous(1),
        fail={"r333": DeviceError("late"), "r1": DeviceError("early"), "r22": ValueError("bug")},
    )
    await dev.connect()
    with pytest.raises(DeviceError) as info:
        await bounded(dev.read())
    assert str(info.value) == "mixed-r1 (fake://r1): early"
    assert "2 more reading failure(s)" in info.value.__notes__[0]


async def test_a_non_device_error_keeps_its_type_with_a_note() -> None:
    dev = Mixed(Rendezvous(1), fail={"r1": ValueError("a bug")})
    await dev.connect()
    with pytest.raises(ValueError, match="a bug") as info:
        await bounded(dev.read())
    assert info.value.__notes__ == ["mixed: while reading mixed-r1 (fake://r1)"]


async def test_cancelling_a_read_cancels_its_round_trips() -> None:
    meet = Rendezvous(4)  # three reads arrive, and wait for a fourth that never comes
    dev = Mixed(meet)
    await dev.connect()
    task = asyncio.create_task(dev.read())
    async with asyncio.timeout(10):
        while meet.inside < 3:
            await asyncio.sleep(0)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert sorted(meet.cancelled) == ["r1", "r22", "r333"]


async def test_a_timeout_around_read_reaches_the_round_trips() -> None:
    meet = Rendezvous(4)
    dev = Mixed(meet)
    await dev.connect()
    with pytest.raises(TimeoutError):
        async with asyncio.timeout(0.05):
            await dev.read()
    assert sorted(meet.cancelled) == ["r1", "r22", "r333"]

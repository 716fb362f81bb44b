"""Live writing behind a bounded queue; web destination against a real HTTP server."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from writer_docs import scalar_run

import acq
from acq.writers import JSONLWriter, LiveWriter, MemoryDestination, Writer, read_jsonl


async def test_live_writes_everything_and_closes(tmp_path: Path) -> None:
    docs = scalar_run(50)
    writer = JSONLWriter(tmp_path)
    async with LiveWriter(writer, maxsize=8) as live:
        for name, doc in docs:
            await live.put(name, doc)
    stats = live.statistics()
    assert stats.accepted == stats.written == len(docs)
    assert stats.max_queued <= 8
    assert stats.waited_puts > 0  # back-pressure happened
    assert stats.error is None
    assert writer.closed
    assert len(list(read_jsonl(writer.artifacts["stream_data"][0]))) == len(docs)


async def test_sync_call_refuses_when_full() -> None:
    docs = scalar_run(5)
    async with LiveWriter(JSONLWriter(MemoryDestination()), maxsize=2) as live:
        live(*docs[0])
        live(*docs[1])
        with pytest.raises(acq.WriterError, match="queue is full"):
            live(*docs[2])
        assert live.statistics().rejected == 1


async def test_run_that_never_stops_is_closed_on_shutdown(tmp_path: Path) -> None:
    docs = scalar_run(3)[:-1]
    writer = JSONLWriter(tmp_path)

    async def engine() -> None:
        async with LiveWriter(writer) as live:
            for name, doc in docs:
                live(name, doc)
            await asyncio.Event().wait()  # the run hangs until shutdown

    task = asyncio.create_task(engine())
    await asyncio.sleep(0.01)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert [n for n, _ in read_jsonl(writer.artifacts["stream_data"][0])] == [n for n, _ in docs]


async def test_failing_writer_is_reported_not_raised_into_producer() -> None:
    docs = scalar_run(2)
    bad = list(docs)
    bad.insert(1, ("event", docs[4][1]))  # event before its descriptor
    live = LiveWriter(Writer(MemoryDestination()))
    await live.__aenter__()
    for name, doc in bad:
        live(name, doc)
    for _ in range(100):
        if live.statistics().error is not None:
            break
        await asyncio.sleep(0.001)
    assert "send the descriptor before its events" in str(live.statistics().error)
    with pytest.raises(acq.WriterError, match="stopped writing"):
        live(*docs[-1])
    with pytest.raises(acq.WriterError, match="failed while writing live"):
        await live.__aexit__(None, None, None)


async def test_not_running_and_bad_size() -> None:
    live = LiveWriter(Writer(MemoryDestination()))
    with pytest.raises(acq.WriterError, match="not running"):
        live("start", {})
    with pytest.raises(acq.WriterError, match="at least 1"):
        LiveWriter(Writer(MemoryDestination()), maxsize=0)


class _SlowDestination(MemoryDestination):
    needs_async = True

    async def drain(self) -> None:
        await asyncio.Event().wait()


async def test_close_timeout_bounds_shutdown() -> None:
    docs = scalar_run(1)
    with pytest.raises(acq.WriterError, match="did not finish writing within"):
        async with LiveWriter(JSONLWriter(_SlowDestination()), close_timeout=0.05) as live:
            live(*docs[0])

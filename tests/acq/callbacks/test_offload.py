from __future__ import annotations

import threading
from typing import Any

import pytest

from acq.callbacks import BufferedCallback, PeakStats, dispatch

from ._docs import scan_docs

ROWS = [{"motor": float(i), "det": float(i % 7)} for i in range(50)]


class Gated:
    """A callback that blocks on its first document until the test opens the gate."""

    def __init__(self) -> None:
        self.gate = threading.Event()
        self.entered = threading.Event()
        self.docs: list[tuple[str, dict[str, Any]]] = []

    def __call__(self, name: str, doc: dict[str, Any]) -> None:
        self.entered.set()
        assert self.gate.wait(10)
        self.docs.append((name, doc))

    def seq_nums(self) -> list[int]:
        out: list[int] = []
        for name, doc in self.docs:
            if name == "event":
                out.append(doc["seq_num"])
            elif name == "event_page":
                out.extend(doc["seq_num"])
        return out


def _run_blocked(policy: str, page: bool = False) -> tuple[Gated, BufferedCallback]:
    slow = Gated()
    buffered = BufferedCallback(slow, maxsize=5, policy=policy)  # type: ignore[arg-type]
    docs = scan_docs(ROWS, page=page)
    buffered(*docs[0])
    assert slow.entered.wait(10)  # the worker is now stuck inside the callback
    for name, doc in docs[1:]:
        buffered(name, doc)  # returns at once although the callback is blocked
    slow.gate.set()
    assert buffered.flush(timeout=10)
    return slow, buffered


def test_coalesce_keeps_every_row_in_order() -> None:
    slow, buffered = _run_blocked("coalesce")
    assert slow.seq_nums() == list(range(1, 51))
    names = [n for n, _ in slow.docs]
    assert names[0] == "start"
    assert names[1] == "descriptor"
    assert names[-1] == "stop"
    assert "event_page" in names
    stats = buffered.statistics()
    assert stats.received == 53
    assert stats.coalesced_events > 0
    assert stats.dropped_events == 0
    assert stats.max_queued <= 5 + 1  # events bounded; the stop document is never refused
    assert stats.delivered == len(slow.docs)
    assert not stats.worker_running  # exits after the stop document


def test_coalesce_event_pages_without_mutating_the_input() -> None:
    docs = scan_docs(ROWS, page=True)
    original = list(docs[2][1]["seq_num"])
    slow = Gated()
    buffered = BufferedCallback(slow, maxsize=1)
    buffered(*docs[0])
    assert slow.entered.wait(10)
    buffered(*docs[1])
    buffered(*docs[2])
    buffered(*docs[2])  # merged into a copy of the queued page
    slow.gate.set()
    buffered(*docs[3])
    assert buffered.flush(timeout=10)
    assert docs[2][1]["seq_num"] == original
    assert slow.seq_nums() == original + original


def test_drop_policy_counts_what_it_drops() -> None:
    slow, buffered = _run_blocked("drop")
    stats = buffered.statistics()
    assert stats.dropped_events > 0
    assert len(slow.seq_nums()) + stats.dropped_events == 50
    assert slow.docs[-1][0] == "stop"


def test_async_callback_and_errors_are_contained() -> None:
    seen: list[str] = []

    async def acb(name: str, doc: dict[str, Any]) -> None:
        if name == "descriptor":
            raise RuntimeError("boom")
        seen.append(name)

    buffered = BufferedCallback(acb)
    for name, doc in scan_docs(ROWS[:3]):
        buffered(name, doc)
    assert buffered.flush(timeout=10)
    assert seen == ["start", "event", "event", "event", "stop"]
    stats = buffered.statistics()
    assert stats.errors == 1
    assert stats.last_error == "RuntimeError: boom"


def test_worker_exits_when_idle_and_restarts() -> None:
    got: list[str] = []
    buffered = BufferedCallback(lambda n, d: got.append(n), idle_timeout=0.01)
    docs = scan_docs(ROWS[:1])
    buffered(*docs[0])
    thread = buffered._thread
    assert thread is not None
    thread.join(10)
    assert not thread.is_alive()
    assert not buffered.statistics().worker_running
    for name, doc in docs[1:]:
        buffered(name, doc)
    assert buffered.flush(timeout=10)
    assert got == ["start", "descriptor", "event", "stop"]


async def test_drain_and_timeouts() -> None:
    slow = Gated()
    buffered = BufferedCallback(slow)
    buffered("start", {"uid": "u"})
    assert slow.entered.wait(10)
    assert not buffered.flush(timeout=0.01)
    with pytest.raises(TimeoutError, match="still had 0 document"):
        await buffered.drain(timeout=0.01)
    slow.gate.set()
    await buffered.drain(timeout=10)


async def test_peak_stats_behind_a_buffer_resolve_the_awaitable() -> None:
    peaks = PeakStats("motor", "det")
    buffered = BufferedCallback(peaks, maxsize=2)
    for name, doc in scan_docs(ROWS):
        buffered(name, doc)
    result = await peaks.wait_result(timeout=10)
    assert result.npoints == 50
    assert result.max == (6.0, 6.0)


async def test_dispatch_sync_and_async() -> None:
    got: list[str] = []

    async def acb(name: str, doc: dict[str, Any]) -> None:
        got.append("async " + name)

    await dispatch(lambda n, d: got.append("sync " + n), "start", {})
    await dispatch(acb, "stop", {})
    assert got == ["sync start", "async stop"]


def test_bad_arguments() -> None:
    with pytest.raises(ValueError, match="policy must be"):
        BufferedCallback(print, policy="block")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="maxsize must be >= 1"):
        BufferedCallback(print, maxsize=0)

"""Queued document consumers: drained when the run ends, strict failures fail the plan."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from engine_fakes import Det

import acq
from acq.messages import Msg


def ONE_EVENT() -> list[Msg]:
    return [Msg("open_run"), Msg("create"), Msg("read", Det()), Msg("save"), Msg("close_run")]


@pytest.mark.parametrize("flavour", ["async", "queue_size"])
async def test_queued_consumer_is_drained_when_the_run_ends(
    docs: Any, caplog: Any, flavour: str
) -> None:
    RE = acq.RunEngine()
    got: list[str] = []

    async def consumer(name: str, doc: dict[str, Any]) -> None:
        got.append(name)

    def sync_consumer(name: str, doc: dict[str, Any]) -> None:
        got.append(name)

    if flavour == "async":
        RE.subscribe(consumer)
    else:
        RE.subscribe(sync_consumer, queue_size=10)
    with caplog.at_level(logging.ERROR, logger="acq.engine"):
        for _ in range(2):
            got.clear()
            await RE(ONE_EVENT())
            assert got == ["start", "descriptor", "event", "stop"]
            assert RE.statistics()["queues"][0]["queued"] == 0
    assert "did not finish" not in caplog.text


@pytest.mark.parametrize("fail_on", ["event", "stop"])
@pytest.mark.parametrize("flavour", ["async", "queue_size"])
async def test_strict_queued_consumer_fails_like_a_plain_one(
    docs: Any, fail_on: str, flavour: str
) -> None:
    RE = acq.RunEngine(strict=True)
    RE.subscribe(docs)

    async def bad(name: str, doc: dict[str, Any]) -> None:
        if name == fail_on:
            raise RuntimeError("writer broke")

    def sync_bad(name: str, doc: dict[str, Any]) -> None:
        if name == fail_on:
            raise RuntimeError("writer broke")

    if flavour == "async":
        RE.subscribe(bad)
    else:
        RE.subscribe(sync_bad, queue_size=10)
    with pytest.raises(RuntimeError, match="writer broke"):
        await RE(ONE_EVENT())
    result = RE.last_result
    assert result.exit_status == "fail"
    assert isinstance(result.exception, RuntimeError)
    assert RE.state.value == "idle"
    (stop,) = docs.of("stop")
    if fail_on == "event":  # found before the run closed: the run failed
        assert stop["exit_status"] == "fail"
        assert "writer broke" in stop["reason"]
    # the engine is usable again
    RE2_docs: list[str] = []
    RE.subscribe(lambda n, d: RE2_docs.append(n))

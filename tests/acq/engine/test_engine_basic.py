"""Running plans: await and blocking modes, results, documents."""

from __future__ import annotations

import asyncio
import gc
from typing import Any

import bluesky.plan_stubs as bps
import bluesky.plans as bp
import pytest
from bluesky.utils import Msg as BMsg
from engine_fakes import Det, Motor, SyncDet

import acq
from acq.engine import RunEngineState
from acq.messages import Msg, send


async def count(dets: list[Any], num: int = 3, md: dict[str, Any] | None = None) -> str:
    uid = await send(Msg("open_run", **(md or {})))
    for _ in range(num):
        await send(Msg("checkpoint"))
        for d in dets:
            await send(Msg("trigger", d, group="t"))
        await send(Msg("wait", group="t"))
        await send(Msg("create", name="primary"))
        for d in dets:
            await send(Msg("read", d))
        await send(Msg("save"))
    await send(Msg("close_run"))
    return uid


async def test_await_mode_runs_plan_and_returns_result(RE: Any, docs: Any) -> None:
    det = Det()
    result = await RE(count([det], 3, md={"sample": "Si"}))
    assert isinstance(result, acq.RunResult)
    assert result.exit_status == "success"
    assert not result.interrupted
    assert result.plan_result == result.run_start_uids[0]
    assert docs.names() == ["start", "descriptor", "event", "event", "event", "stop"]
    start = docs.of("start")[0]
    assert start["sample"] == "Si"
    assert start["plan_name"] == "count"
    assert start["plan_args"] == {"dets": ["det"], "num": 3, "md": {"sample": "Si"}}
    assert start["scan_id"] == 1
    assert start["versions"]["acq"] == acq.__version__
    desc = docs.of("descriptor")[0]
    assert desc["configuration"]["det"]["data"] == {"det-gain": 2}
    assert desc["data_keys"]["det"]["object_name"] == "det"
    assert desc["hints"] == {"det": {"fields": ["det"]}}
    assert [e["seq_num"] for e in docs.of("event")] == [1, 2, 3]
    stop = docs.of("stop")[0]
    assert stop["num_events"] == {"primary": 3}
    assert stop["exit_status"] == "success"
    assert RE.state is RunEngineState.IDLE


async def test_run_method_and_per_call_subs(RE: Any) -> None:
    seen: list[str] = []
    result = await RE.run(count([Det()], 1), lambda n, d: seen.append(n))
    assert result.exit_status == "success"
    assert seen == ["start", "descriptor", "event", "stop"]
    seen.clear()
    await RE(count([Det()], 1), {"stop": [lambda n, d: seen.append(n)]})
    assert seen == ["stop"]


async def test_scan_id_persists_across_engines(docs: Any) -> None:
    RE1 = acq.RunEngine()
    await RE1(count([Det()], 1))
    RE2 = acq.RunEngine()
    RE2.subscribe(docs)
    await RE2(count([Det()], 1))
    assert docs.of("start")[0]["scan_id"] == 2
    assert RE2.md["scan_id"] == 2
    assert RE2.md.path is not None
    assert RE2.md.path.exists()


async def test_md_merged_and_validated(RE: Any, docs: Any) -> None:
    RE.md["operator"] = "ada"
    await RE(count([Det()], 1, md={"sample": "x"}), beamline="bl1")
    start = docs.of("start")[0]
    assert (start["operator"], start["beamline"], start["sample"]) == ("ada", "bl1", "x")
    with pytest.raises(acq.EngineError, match="JSON"):
        RE.md["bad"] = object()
    with pytest.raises(acq.EngineError, match="filled by the RunEngine"):
        RE.md["uid"] = "x"
    with pytest.raises(acq.EngineError, match="must be str"):
        RE.md[1] = "x"
    with pytest.raises(acq.EngineError, match="scan_id"):
        RE.md["scan_id"] = "one"
    del RE.md["operator"]
    assert "operator" not in acq.RunEngine().md
    assert len(RE.md) >= 1
    assert "scan_id" in list(RE.md)
    assert "path=" in repr(RE.md)


def test_md_file_errors(tmp_path: Any) -> None:
    bad = tmp_path / "md.json"
    bad.write_text("{nope")
    for text, what in (("{nope", "unreadable"), ("[1]", "not a dict")):
        bad.write_text(text)
        with pytest.raises(acq.EngineError, match=what) as info:
            acq.RunEngine(md_path=bad)
        message = str(info.value)
        assert str(bad) in message  # names the file
        assert "delete it" in message
        assert "md_path=" in message
    RE = acq.RunEngine({"a": 1}, md_path="")
    assert RE.md.path is None
    assert RE.md["a"] == 1


def test_blocking_mode_keeps_one_loop(docs: Any) -> None:
    RE = acq.RunEngine()
    RE.subscribe(docs)
    loops = []

    async def remember() -> None:
        loops.append(asyncio.get_running_loop())
        await send(Msg("null"))

    r1 = RE(remember())
    RE(remember())
    assert loops[0] is loops[1] is RE.loop
    assert r1.exit_status == "success"
    assert r1.run_start_uids == ()
    result = RE(count([Det()], 2))
    assert result.exit_status == "success"
    assert docs.names().count("event") == 2
    RE.close()


async def test_bluesky_plans_run_unchanged(RE: Any, docs: Any) -> None:
    det, motor = Det(), Motor()
    result = await RE(bp.count([det], num=3))
    assert result.exit_status == "success"
    assert docs.names().count("event") == 3
    assert docs.of("start")[0]["plan_name"] == "count"
    await RE(bp.scan([det], motor, 0, 1, 5))
    assert motor.history == [0, 0.25, 0.5, 0.75, 1.0]
    assert docs.of("stop")[-1]["num_events"] == {"primary": 5}
    await RE(bps.mv(motor, 3))
    assert motor.position == 3
    await RE([BMsg("open_run"), BMsg("close_run")])


async def test_sync_device_and_callback_status(RE: Any, docs: Any) -> None:
    await RE(count([SyncDet()], 2))
    assert [e["data"] for e in docs.of("event")] == [{"sdet": 3}, {"sdet": 3}]


def test_generator_plan_in_blocking_mode(docs: Any) -> None:
    RE = acq.RunEngine()
    RE.subscribe(docs)

    def plan() -> Any:
        yield Msg("open_run")
        yield Msg("create", name="primary")
        reading = yield Msg("read", Det())
        assert reading["det"]["value"] == 1.0
        yield Msg("save")
        yield Msg("close_run")
        return "done"

    assert RE(plan()).plan_result == "done"
    RE.close()


async def test_unawaited_call_warns_clearly(RE: Any) -> None:
    with pytest.warns(RuntimeWarning, match="never awaited"):
        _call_and_forget(RE)
    assert RE.state is RunEngineState.IDLE
    gc.collect()


def _call_and_forget(RE: Any) -> None:
    RE(count([Det()], 1))  # the returned awaitable is dropped here


async def test_read_outside_bundle_and_drop(RE: Any, docs: Any) -> None:
    async def plan() -> Any:
        r = await send(Msg("read", Det(value=5)))
        await send(Msg("open_run"))
        await send(Msg("create", name="primary"))
        await send(Msg("read", Det()))
        await send(Msg("drop"))
        await send(Msg("close_run", exit_status="success", reason="ok"))
        return r

    result = await RE(plan())
    assert result.plan_result["det"]["value"] == 5
    assert "event" not in docs.names()
    assert docs.of("stop")[0]["reason"] == "ok"


async def test_statistics(RE: Any) -> None:
    await RE(count([Det()], 2))
    stats = RE.statistics()
    assert stats["documents"]["event"] == 2
    assert stats["messages"] > 10
    assert stats["state"] == "idle"
    assert stats["callback_errors"] == 0

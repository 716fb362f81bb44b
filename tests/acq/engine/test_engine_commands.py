"""The rest of the vocabulary: monitors, flyers, assets, concurrency, consumers, hooks."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from engine_fakes import Det, EventFlyer, Flyer, Motor, ResourceDet, SoftSignal, StreamDet

import acq
from acq.messages import Msg, send


async def test_monitor_emits_event_pages(RE: Any, docs: Any) -> None:
    sig = SoftSignal("temp", 20.0)

    async def plan() -> None:
        await send(Msg("open_run"))
        await send(Msg("monitor", sig, name="temp_monitor"))
        sig.put(21.0)
        sig.put(22.0)
        await send(Msg("sleep", None, 0.01))
        sig.put(23.0)
        await send(Msg("unmonitor", sig))
        sig.put(99.0)
        await send(Msg("monitor", sig))
        await send(Msg("close_run"))

    await RE(plan())
    pages = docs.of("event_page")
    values = [v for p in pages for v in p["data"]["temp"]]
    assert values[:4] == [20.0, 21.0, 22.0, 23.0]
    assert 99.0 not in values[:4]
    seqs = [s for p in pages[:2] for s in p["seq_num"]]
    assert seqs == [1, 2, 3, 4]
    assert docs.of("descriptor")[0]["name"] == "temp_monitor"
    assert docs.of("stop")[0]["num_events"]["temp_monitor"] == 5  # re-monitor adds 99


async def test_fly_scan_with_collect_pages_and_events(RE: Any, docs: Any) -> None:
    flyer, ev = Flyer(n=3), EventFlyer("evfly", n=2)

    async def plan() -> Any:
        await send(Msg("open_run"))
        await send(Msg("declare_stream", None, flyer, name="fly", collect=True))
        await send(Msg("kickoff", flyer, group="k"))
        await send(Msg("wait", group="k"))
        await send(Msg("complete", flyer, wait=True))
        pages = await send(Msg("collect", flyer, name="fly"))
        await send(Msg("kickoff", ev, group="k2"))
        await send(Msg("complete", ev, group="k2"))
        await send(Msg("wait", group="k2"))
        await send(Msg("collect", ev, return_payload=False))
        await send(Msg("close_run"))
        return pages

    result = await RE(plan())
    pages = docs.of("event_page")
    assert pages[0]["data"]["fly_x"] == [0, 1, 2]
    assert pages[0]["seq_num"] == [1, 2, 3]
    assert pages[1]["data"]["fly_x"] == [0, 1]
    assert result.plan_result == [pages[0]]
    assert docs.of("stop")[0]["num_events"] == {"fly": 3, "evfly": 2}


async def test_stream_assets_from_step_scan(RE: Any, docs: Any) -> None:
    cam = StreamDet()

    async def plan() -> None:
        await send(Msg("open_run"))
        for _ in range(2):
            await send(Msg("trigger", cam, group="t"))
            await send(Msg("wait", group="t"))
            await send(Msg("create", name="primary"))
            await send(Msg("read", cam))
            await send(Msg("save"))
        await send(Msg("close_run"))

    await RE(plan())
    assert docs.names() == [
        "start",
        "descriptor",
        "stream_resource",
        "stream_datum",
        "event",
        "stream_datum",
        "event",
        "stop",
    ]
    desc = docs.of("descriptor")[0]
    assert docs.of("stream_datum")[0]["descriptor"] == desc["uid"]
    assert docs.of("stream_resource")[0]["run_start"] == docs.of("start")[0]["uid"]
    assert "cam-image" not in docs.of("event")[0]["data"]


async def test_resource_and_datum_from_sync_device(RE: Any, docs: Any) -> None:
    adet = ResourceDet()
    plan = []
    for _ in range(2):
        plan += [Msg("trigger", adet, group="t"), Msg("wait", group="t")]
        plan += [Msg("create"), Msg("read", adet), Msg("save")]
    await RE([Msg("open_run"), *plan, Msg("close_run")])
    assert docs.names().count("resource") == 1
    assert docs.names().count("datum") == 2
    assert docs.of("event")[0]["filled"] == {"adet-img": False}
    assert docs.of("event")[1]["data"] == {"adet-img": "datum-2"}


async def test_concurrent_trigger_and_read(RE: Any, docs: Any) -> None:
    dets = [Det(f"d{i}", value=i, delay=0.01) for i in range(5)]

    async def trigger_and_read() -> None:
        for d in dets:
            await send(Msg("trigger", d, group="t"))
        await send(Msg("wait", group="t"))
        await send(Msg("create", name="primary"))
        async with asyncio.TaskGroup() as tg:
            for d in dets:
                tg.create_task(send(Msg("read", d)))
        await send(Msg("save"))

    async def plan() -> None:
        await send(Msg("open_run"))
        await trigger_and_read()
        await send(Msg("close_run"))

    await RE(plan())
    assert docs.of("event")[0]["data"] == {f"d{i}": i for i in range(5)}


async def test_concurrent_subplans_and_multiple_runs(RE: Any, docs: Any) -> None:
    m1, m2 = Motor("m1", delay=0.01), Motor("m2", delay=0.01)

    async def sub(key: str, motor: Any) -> str:
        uid = await send(Msg("open_run", run=key, purpose=key))
        for x in (1, 2):
            await send(Msg("set", motor, x, group=key))
            await send(Msg("wait", group=key))
            await send(Msg("create", name="primary", run=key))
            await send(Msg("read", motor, run=key))
            await send(Msg("save", run=key))
        await send(Msg("close_run", run=key))
        return str(uid)

    async def plan() -> list[str]:
        async with asyncio.TaskGroup() as tg:
            t1 = tg.create_task(sub("a", m1))
            t2 = tg.create_task(sub("b", m2))
        return [t1.result(), t2.result()]

    result = await RE(plan())
    assert list(result.run_start_uids) == sorted(
        result.run_start_uids, key=result.plan_result.index
    )
    assert len(docs.of("stop")) == 2
    for stop in docs.of("stop"):
        assert stop["num_events"] == {"primary": 2}


async def test_queued_async_consumer_with_backpressure(docs: Any) -> None:
    RE = acq.RunEngine()
    RE.subscribe(docs)
    got: list[str] = []

    async def slow(name: str, doc: dict[str, Any]) -> None:
        await asyncio.sleep(0)
        got.append(name)

    def sync_queued(name: str, doc: dict[str, Any]) -> None:
        if name == "stop":
            raise RuntimeError("consumer fault")

    RE.subscribe(slow, queue_size=2)
    RE.subscribe(sync_queued, queue_size=100)
    msgs, det = [Msg("open_run")], Det()
    for _ in range(20):
        msgs += [Msg("create"), Msg("read", det), Msg("save")]
    await RE([*msgs, Msg("close_run")])
    assert got == docs.names()
    stats = RE.statistics()["queues"]
    assert stats[0]["delivered"] == 23
    assert stats[0]["backpressure_waits"] > 0
    assert stats[0]["high_water"] >= 2
    assert stats[0]["queued"] == 0
    assert stats[1]["errors"] == 1
    token = RE.subscribe(slow)
    RE.unsubscribe(token)


async def test_strict_queued_consumer_failure(docs: Any) -> None:
    RE = acq.RunEngine(strict=True)

    async def bad(name: str, doc: dict[str, Any]) -> None:
        raise RuntimeError("writer broke")

    RE.subscribe(bad)
    with pytest.raises(RuntimeError, match="writer broke"):
        await RE([Msg("open_run"), Msg("close_run")])


async def test_register_command_preprocessor_and_hook(RE: Any) -> None:
    seen: list[str] = []

    async def hello(msg: Msg) -> str:
        return f"hello {msg.obj}"

    RE.register_command("hello", hello)
    assert "hello" in RE.commands
    RE.msg_hook = lambda m: seen.append(m.command)

    async def drop_nulls(msg: Msg) -> Msg | None:
        return None if msg.command == "null" else msg

    RE.message_preprocessors.append(drop_nulls)
    RE.message_preprocessors.append(lambda m: m)

    async def plan() -> Any:
        await send(Msg("null"))
        return await send(Msg("hello", "world"))

    assert (await RE(plan())).plan_result == "hello world"
    assert seen == ["null", "hello"]
    RE.unregister_command("hello")
    assert "hello" not in RE.commands


async def test_misc_commands(RE: Any, docs: Any) -> None:
    motor, det = Motor(), Det()
    RE2 = acq.RunEngine(input_func=_answer)
    prompts: list[Any] = []

    class Conf(Det):
        def configure(self, **kw: Any) -> tuple[dict[str, Any], dict[str, Any]]:
            return {}, kw

        def prepare(self, value: Any) -> Any:
            prompts.append(value)
            return None

    conf = Conf("conf")

    async def plan() -> Any:
        token = await send(Msg("subscribe", None, lambda n, d: prompts.append(n), "stop"))
        await send(Msg("open_run"))
        await send(Msg("set", motor, 4, group="g"))
        await send(Msg("wait", group="g"))
        loc = await send(Msg("locate", motor))
        locs = await send(Msg("locate", motor, motor, squeeze=False))
        await send(Msg("create"))
        await send(Msg("read", conf))
        await send(Msg("save"))
        await send(Msg("configure", conf, gain=3))
        await send(Msg("prepare", conf, 7, group="p"))
        await send(Msg("wait", group="p"))
        await send(Msg("create"))
        await send(Msg("read", conf))
        await send(Msg("save"))
        await send(Msg("stop", motor))
        await send(Msg("unsubscribe", None, token))
        await send(Msg("close_run"))
        return loc, locs

    loc, locs = (await RE(plan())).plan_result
    assert loc == {"setpoint": 4, "readback": 4}
    assert len(locs) == 2
    assert len(docs.of("descriptor")) == 2  # configure made a new descriptor
    assert prompts == [7]  # unsubscribed before stop
    assert motor.stops == 1
    assert (await RE2([Msg("input", None, "name? ")])).exit_status == "success"
    del det


async def _answer(prompt: str) -> str:
    return "yes"


async def test_subscribe_temporary_subscriptions_removed(RE: Any) -> None:
    seen: list[str] = []

    def plan() -> Any:
        yield Msg("subscribe", None, lambda n, d: seen.append(n))
        yield Msg("open_run")
        yield Msg("close_run")

    await RE(plan())
    await RE([Msg("open_run"), Msg("close_run")])
    assert seen == ["start", "stop"]

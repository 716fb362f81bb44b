"""Failures in plans, devices and callbacks; bad input names the step and the object."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from engine_fakes import Det, Motor

import acq
from acq.messages import Msg, send


async def test_plan_exception_closes_runs_and_reraises(RE: Any, docs: Any) -> None:
    det, motor = Det(), Motor()

    async def plan() -> None:
        await send(Msg("open_run", run="a"))
        await send(Msg("open_run", run="b"))
        await send(Msg("stage", det, run="a"))
        await send(Msg("set", motor, 1, group="g"))
        raise ValueError("bad sample")

    with pytest.raises(ValueError, match="bad sample"):
        await RE(plan())
    stops = docs.of("stop")
    assert len(stops) == 2
    assert {s["exit_status"] for s in stops} == {"fail"}
    assert stops[0]["reason"] == "ValueError: bad sample"
    assert det.staged == 0
    assert motor.stops == 1
    assert RE.last_result.exception is not None
    assert RE.last_result.exit_status == "fail"
    assert RE.state.value == "idle"


async def test_device_failure_names_step(RE: Any, docs: Any) -> None:
    motor = Motor(fail=True)

    async def plan() -> None:
        await send(Msg("open_run"))
        await send(Msg("set", motor, 1, group="g"))
        await send(Msg("wait", group="g"))

    with pytest.raises(RuntimeError, match="limit switch") as info:
        await RE(plan())
    assert any("plan step 'wait'" in n for n in info.value.__notes__)
    assert docs.of("stop")[0]["exit_status"] == "fail"


async def test_generator_plan_sees_device_error(RE: Any) -> None:
    motor = Motor(fail=True)
    caught: list[str] = []

    def plan() -> Any:
        try:
            yield Msg("set", motor, 1, group="g")
            yield Msg("wait", group="g")
        except RuntimeError as exc:
            caught.append(str(exc))
        return "recovered"

    assert (await RE(plan())).plan_result == "recovered"
    assert caught == ["motor hit a limit switch"]


async def test_failing_callback_is_isolated(RE: Any, docs: Any, caplog: Any) -> None:
    def bad(name: str, doc: dict[str, Any]) -> None:
        raise RuntimeError("callback broke")

    RE.subscribe(bad, "event")
    result = await RE(
        [Msg("open_run"), Msg("create"), Msg("read", Det()), Msg("save"), Msg("close_run")]
    )
    assert result.exit_status == "success"
    assert "callback broke" in caplog.text
    assert RE.statistics()["callback_errors"] == 1


async def test_strict_callback_fails_the_plan(docs: Any) -> None:
    RE = acq.RunEngine(strict=True)
    RE.subscribe(docs)

    def bad(name: str, doc: dict[str, Any]) -> None:
        raise RuntimeError("callback broke")

    RE.subscribe(bad, "event")
    with pytest.raises(RuntimeError, match="callback broke"):
        await RE(
            [Msg("open_run"), Msg("create"), Msg("read", Det()), Msg("save"), Msg("close_run")]
        )
    assert docs.of("stop")[0]["exit_status"] == "fail"


def ONE_EVENT() -> list[Msg]:
    return [Msg("open_run"), Msg("create"), Msg("read", Det()), Msg("save"), Msg("close_run")]


class NotADevice:
    name = "thing"


@pytest.mark.parametrize(
    ("msgs", "match"),
    [
        ([Msg("read", NotADevice())], "'read' needs a Readable object .* thing"),
        ([Msg("set", NotADevice(), 1)], "'set' needs a Movable object .* thing"),
        ([Msg("trigger", NotADevice())], "Triggerable"),
        ([Msg("open_run"), Msg("open_run")], "already open"),
        ([Msg("open_run"), Msg("create"), Msg("create")], "still being made"),
        ([Msg("create")], "needs an open run"),
        ([Msg("open_run"), Msg("save")], "nothing to save"),
        ([Msg("open_run"), Msg("drop")], "nothing to drop"),
        ([Msg("open_run"), Msg("create"), Msg("checkpoint")], "put checkpoints between"),
        ([Msg("no_such_command")], "not a command this RunEngine knows"),
        ([Msg("open_run"), Msg("declare_stream", None, Det())], "needs a stream name"),
        ([Msg("unmonitor", Det())], "not monitored"),
        ([Msg("close_run")], "needs an open run"),
    ],
)
async def test_bad_plan_steps(RE: Any, msgs: list[Msg], match: str) -> None:
    with pytest.raises(acq.PlanError, match=match):
        await RE(msgs)


async def test_read_twice_and_stream_objects_change(RE: Any) -> None:
    det, other = Det(), Det("other")
    with pytest.raises(acq.PlanError, match="twice"):
        await RE([Msg("open_run"), Msg("create"), Msg("read", det), Msg("read", det)])
    with pytest.raises(acq.PlanError, match="other objects"):
        await RE(
            [
                Msg("open_run"),
                *(Msg("create"), Msg("read", det), Msg("save")),
                *(Msg("create"), Msg("read", other), Msg("save")),
            ]
        )


@pytest.mark.parametrize("bad", [42, "count", None])
async def test_non_plans_rejected(RE: Any, bad: Any) -> None:
    with pytest.raises(acq.InvalidPlanError, match="expected a plan"):
        RE(bad)


async def test_plan_function_not_called(RE: Any) -> None:
    async def my_plan() -> None:
        pass

    with pytest.raises(acq.InvalidPlanError, match=r"Call it: RE\(my_plan"):
        RE(my_plan)


async def test_generator_yielding_junk(RE: Any) -> None:
    def plan() -> Any:
        yield "open_run"

    with pytest.raises(acq.InvalidPlanError, match="must yield Msg"):
        await RE(plan())


async def test_called_while_running(RE: Any) -> None:
    gate = asyncio.Event()

    async def plan() -> None:
        await send(Msg("wait_for", None, [gate.wait]))

    task = asyncio.create_task(RE(plan()))
    await asyncio.sleep(0.01)

    async def other() -> None:
        pass

    coro = other()
    with pytest.raises(acq.IllegalStateError, match="one plan at a time"):
        RE(coro)
    coro.close()
    gate.set()
    await task


async def test_wait_timeout(RE: Any) -> None:
    motor = Motor(delay=5)

    async def plan(move_on: bool) -> None:
        await send(Msg("set", motor, 1, group="g"))
        await send(Msg("wait", group="g", timeout=0.01, move_on=move_on))

    await RE(plan(True))
    with pytest.raises(acq.PlanError, match=r"timed out after 0\.01 s"):
        await RE(plan(False))
    assert motor.stops == 1


async def test_send_outside_engine() -> None:
    with pytest.raises(acq.PlanError, match="outside a RunEngine"):
        await send(Msg("null"))


async def test_subscribe_errors(RE: Any) -> None:
    with pytest.raises(TypeError, match="callable"):
        RE.subscribe(42)
    with pytest.raises(ValueError, match="name must be"):
        RE.subscribe(print, "nonsense")
    with pytest.raises(ValueError, match="no subscription"):
        RE.unsubscribe(999)
    with pytest.raises(ValueError, match=">= 1"):
        RE.subscribe(print, queue_size=0)
    with pytest.raises(TypeError, match="async callable"):
        RE.register_command("x", 42)
    with pytest.raises(acq.EngineError, match="built-in"):
        RE.unregister_command("read")

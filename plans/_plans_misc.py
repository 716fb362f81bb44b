"""ramp_plan (read while something ramps) and fly (kick off, complete, collect flyers)."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any

from acq._exceptions import PlanError
from plans._plans_core import Plan
from plans._stubs_msgs import close_run, collect, complete, kickoff, open_run, sleep
from plans._wrappers_run import run_wrapper
from plans._wrappers_supp import monitor_during_wrapper


class RampFail(PlanError):
    """The ramp of :func:`ramp_plan` did not finish within its timeout."""


def ramp_plan(
    go_plan: Awaitable[Any],
    monitor_sig: Any,
    inner_plan_func: Callable[[], Awaitable[Any]],
    take_pre_data: bool = True,
    timeout: float | None = None,
    period: float | None = None,
    md: Mapping[str, Any] | None = None,
) -> Plan:
    """Start a ramp with ``go_plan`` (it returns a status) and run ``inner_plan_func``
    repeatedly, every ``period`` s, until the status is done; ``monitor_sig`` is
    monitored throughout. Raises :class:`RampFail` after ``timeout`` s."""
    _md = {"plan_name": "ramp_plan", **(md or {})}

    async def polling() -> None:
        fail_time = None if timeout is None else time.monotonic() + timeout
        if take_pre_data:
            await inner_plan_func()
        status = await go_plan
        while not status.done:
            started = time.monotonic()
            await inner_plan_func()
            if fail_time is not None and time.monotonic() > fail_time:
                raise RampFail(f"ramp_plan(): the ramp did not finish within timeout={timeout} s.")
            if period is not None:
                left = started + period - time.monotonic()
                if left > 0:
                    await sleep(left)
        await inner_plan_func()

    return monitor_during_wrapper(run_wrapper(polling(), md=_md), [monitor_sig])


def fly(flyers: Sequence[Any], *, md: Mapping[str, Any] | None = None) -> Plan:
    """Open a run, kick off every flyer, complete them, collect their data, close the run."""

    async def inner() -> Any:
        uid = await open_run(md)
        for f in flyers:
            await kickoff(f, wait=True)
        for f in flyers:
            await complete(f, wait=True)
        for f in flyers:
            await collect(f)
        await close_run()
        return uid

    return inner()

"""Baseline readings, monitors and flyers around every run (SupplementalData)."""

from __future__ import annotations

from collections.abc import Awaitable, Iterable
from typing import Any, TypeVar

from acq.messages import Msg, send
from plans._mutator import Forward, plan_mutator
from plans._stubs_msgs import declare_stream
from plans._stubs_steps import trigger_and_read
from plans._util import _group
from plans._wrappers_run import set_run_key_wrapper

T = TypeVar("T")


async def _keyed(plan: Awaitable[T], run: Any) -> T:
    return await (set_run_key_wrapper(plan, run) if run is not None else plan)


async def baseline_wrapper(plan: Awaitable[T], devices: Iterable[Any], name: str = "baseline") -> T:
    """Read ``devices`` into stream ``name`` right after open_run and before close_run."""
    devs = list(devices)
    if not devs:
        return await plan

    async def head() -> None:
        await declare_stream(*devs, name=name)
        await trigger_and_read(devs, name=name)

    async def intercept(msg: Msg, forward: Forward) -> Any:
        if msg.command == "open_run":
            ret = await forward(msg)
            await _keyed(head(), msg.run)
            return ret
        if msg.command == "close_run":
            await _keyed(trigger_and_read(devs, name=name), msg.run)
        return await forward(msg)

    return await plan_mutator(plan, intercept)


async def monitor_during_wrapper(plan: Awaitable[T], signals: Iterable[Any]) -> T:
    """Monitor ``signals`` (stream ``<name>_monitor``) while each run is open."""
    sigs = list(signals)

    async def intercept(msg: Msg, forward: Forward) -> Any:
        if msg.command == "open_run":
            ret = await forward(msg)
            for sig in sigs:
                await send(Msg("monitor", sig, name=sig.name + "_monitor"))
            return ret
        if msg.command == "close_run":
            for sig in sigs:
                await send(Msg("unmonitor", sig))
        return await forward(msg)

    return await plan_mutator(plan, intercept)


async def fly_during_wrapper(plan: Awaitable[T], flyers: Iterable[Any]) -> T:
    """Kick off ``flyers`` after open_run; complete and collect them before close_run."""
    fls = list(flyers)
    kick, done = _group("flyers-kickoff"), _group("flyers-complete")

    async def intercept(msg: Msg, forward: Forward) -> Any:
        if msg.command == "open_run":
            ret = await forward(msg)
            for f in fls:
                await send(Msg("kickoff", f, group=kick))
            if fls:
                await send(Msg("wait", None, group=kick))
            return ret
        if msg.command == "close_run":
            for f in fls:
                await send(Msg("complete", f, group=done))
            if fls:
                await send(Msg("wait", None, group=done))
            for f in fls:
                await send(Msg("collect", f))
        return await forward(msg)

    return await plan_mutator(plan, intercept)


class SupplementalData:
    """A preprocessor adding baseline readings, monitors and flyers to every run.

    ``RE.preprocessors.append(sd)``; ``sd.baseline``, ``sd.monitors`` and
    ``sd.flyers`` are plain lists the user may edit between runs.
    """

    def __init__(
        self,
        *,
        baseline: Iterable[Any] = (),
        monitors: Iterable[Any] = (),
        flyers: Iterable[Any] = (),
    ) -> None:
        self.baseline = list(baseline)
        self.monitors = list(monitors)
        self.flyers = list(flyers)

    def __repr__(self) -> str:
        return (
            f"SupplementalData(baseline={self.baseline!r}, monitors={self.monitors!r}, "
            f"flyers={self.flyers!r})"
        )

    def __call__(self, plan: Awaitable[T]) -> Awaitable[T]:
        wrapped = fly_during_wrapper(plan, self.flyers)
        wrapped = monitor_during_wrapper(wrapped, self.monitors)
        return baseline_wrapper(wrapped, self.baseline)

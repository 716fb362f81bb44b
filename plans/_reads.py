"""Concurrent reads without task overhead for reads that finish at once.

``trigger_and_read`` sends one ``read`` per device. Most reads (soft signals,
simulators, sync ``read()``) complete without ever suspending; giving each a
task costs a task object plus an event-loop round trip per read. Instead each
read coroutine is started eagerly, in its own copy of the context (as a task
would run it): one that finishes in that first step costs no task at all.
The first read that suspends is carried on by the plan's own task, exactly as
if it had been awaited directly (same current task, so ``asyncio.timeout`` and
task groups inside the device keep working), while the reads after it run as
tasks in a TaskGroup owned by the plan: they wait concurrently, a failure
cancels the others, and cancelling the plan cancels all of them.
"""

from __future__ import annotations

import asyncio
import contextvars
from collections.abc import Coroutine, Sequence
from typing import Any

from acq.messages import Msg, send

__all__: list[str] = []


async def _carry_on(coro: Coroutine[Any, Any, Any], ctx: contextvars.Context, yielded: Any) -> Any:
    """Drive ``coro`` (suspended on ``yielded``) to its end in the current task.

    Mirrors what a task's step does: wait for the future the coroutine yielded,
    then resume it with the outcome; an exception (cancellation included) that
    reaches this coroutine while it waits is thrown into ``coro``.
    """
    while True:
        try:
            if yielded is None:  # a bare yield (asyncio.sleep(0))
                await asyncio.sleep(0)
            elif getattr(yielded, "_asyncio_future_blocking", None) is not None:
                yielded._asyncio_future_blocking = False
                await yielded
            else:
                raise RuntimeError(f"read coroutine yielded {yielded!r}, not an asyncio future")
        except BaseException as exc:  # the outcome goes into coro, which decides
            step: Any = coro.throw
            arg: Any = exc
        else:
            step, arg = coro.send, None
        try:
            yielded = ctx.run(step, arg)
        except StopIteration as stop:
            return stop.value


async def _finish(
    coro: Coroutine[Any, Any, Any], ctx: contextvars.Context, yielded: Any, rest: Sequence[Any]
) -> list[Any]:
    """Results of the suspended read ``coro`` and of the reads of ``rest``, concurrently."""
    if not rest:
        return [await _carry_on(coro, ctx, yielded)]
    try:
        async with asyncio.TaskGroup() as tg:
            tasks = [tg.create_task(send(Msg("read", d))) for d in rest]
            first = await _carry_on(coro, ctx, yielded)
    except BaseExceptionGroup as eg:
        if len(eg.exceptions) == 1:
            raise eg.exceptions[0] from None
        raise
    return [first, *(t.result() for t in tasks)]


async def _read_concurrently(devices: Sequence[Any]) -> list[Any]:
    """The result of one ``read`` message per device, in device order.

    The messages reach the handler in device order. Reads that complete without
    suspending create no task; see the module docstring for the others.
    """
    results: list[Any] = []
    for k, dev in enumerate(devices):
        coro = send(Msg("read", dev))
        ctx = contextvars.copy_context()
        try:
            yielded = ctx.run(coro.send, None)
        except StopIteration as stop:
            results.append(stop.value)
            continue
        results.extend(await _finish(coro, ctx, yielded, devices[k + 1 :]))
        break
    return results

"""Wrappers that add cleanup and error paths around a coroutine plan.

Cancellation of the plan's task (the coroutine analogue of closing a bluesky
generator, used by the engine on halt) skips the cleanup plans: the engine
owns that path. Every other exception runs them, then propagates.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from plans._stubs_msgs import pause

T = TypeVar("T")

FinalPlan = Callable[[], Awaitable[Any]] | Awaitable[Any] | None


def _discard(plan: FinalPlan) -> None:
    if inspect.iscoroutine(plan):
        plan.close()


async def _run_final(plan: FinalPlan) -> Any:
    if plan is None:
        return None
    if callable(plan):
        return await plan()
    return await plan


async def finalize_wrapper(
    plan: Awaitable[T], final_plan: FinalPlan, *, pause_for_debug: bool = False
) -> T:
    """Await ``plan``, then always await ``final_plan`` (a plan or a plan factory)."""
    try:
        ret = await plan
    except asyncio.CancelledError:
        _discard(final_plan)
        raise
    except BaseException:
        if pause_for_debug:
            await pause()
        await _run_final(final_plan)
        raise
    await _run_final(final_plan)
    return ret


async def contingency_wrapper(
    plan: Awaitable[Any],
    *,
    except_plan: Callable[[Exception], Awaitable[Any]] | None = None,
    else_plan: Callable[[], Awaitable[Any]] | None = None,
    final_plan: Callable[[], Awaitable[Any]] | None = None,
    pause_for_debug: bool = False,
    auto_raise: bool = True,
) -> Any:
    """try/except/else/finally for plans, each branch being a plan factory.

    ``except_plan(exc)`` runs on an ``Exception`` (then the exception is re-raised
    unless ``auto_raise=False``, in which case its return value is returned);
    ``else_plan()`` on success; ``final_plan()`` always, except on cancellation.
    """
    cancelled = False
    try:
        ret = await plan
    except asyncio.CancelledError:
        cancelled = True
        raise
    except Exception as exc:
        if pause_for_debug:
            await pause()
        if except_plan is None:
            raise
        ret = await except_plan(exc)
        if auto_raise:
            raise
        return ret
    else:
        if else_plan is not None:
            await else_plan()
    finally:
        if final_plan is not None and not cancelled:
            await final_plan()
    return ret

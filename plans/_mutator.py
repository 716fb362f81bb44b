"""Message interception for coroutine plans: the handler chain behind every wrapper.

A coroutine plan cannot be iterated and rewritten like a generator. Instead a
wrapper binds, for the duration of ``await plan``, a handler that sees each of
the plan's messages first and forwards (possibly changed) messages to the
handler that was bound before it (the engine, a simulator, another wrapper).
See docs/explanations/decisions/0005-plans-coroutines-and-wrappers.md.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, ParamSpec, TypeVar

from acq._exceptions import PlanError
from acq.messages import MessageHandler, Msg, bind_handler, current_handler, unbind_handler

T = TypeVar("T")
P = ParamSpec("P")

Forward = Callable[[Msg], Awaitable[Any]]
Interceptor = Callable[[Msg, Forward], Awaitable[Any]]


def _replace(msg: Msg, **changes: Any) -> Msg:
    """A copy of ``msg`` with some of command/obj/args/kwargs/run replaced."""
    new = Msg(
        changes.get("command", msg.command),
        changes.get("obj", msg.obj),
        *changes.get("args", msg.args),
        run=changes.get("run", msg.run),
        **changes.get("kwargs", msg.kwargs),
    )
    return new


def _outer(wrapper: str) -> MessageHandler:
    outer = current_handler()
    if outer is None:
        raise PlanError(
            f"{wrapper}: the wrapped plan was awaited outside a RunEngine. Run it with "
            "`await RE(plan)` or simulate it with plans.sim."
        )
    return outer


class _Forwarding:
    """A handler in front of ``outer``, applying ``fn``; forwards ``concurrent_reads``."""

    __slots__ = ("fn", "outer")

    def __init__(self, outer: MessageHandler, fn: Any) -> None:
        self.outer = outer
        self.fn = fn

    @property
    def concurrent_reads(self) -> bool:
        return bool(getattr(self.outer, "concurrent_reads", True))


class _MutatingHandler(_Forwarding):
    """Applies ``fn`` to each message; ``None`` drops the message (the plan gets None)."""

    __slots__ = ()
    fn: Callable[[Msg], Msg | None]

    async def process(self, msg: Msg) -> Any:
        new = self.fn(msg)
        if new is None:
            return None
        return await self.outer.process(new)


class _InterceptingHandler(_Forwarding):
    """Runs an async interceptor per message with the OUTER handler bound.

    While the interceptor runs, stubs it awaits (``await mv(...)``) reach the outer
    handler, so an interceptor can insert whole sub-plans before or after
    forwarding the original message, or answer it without forwarding.
    """

    __slots__ = ()
    fn: Interceptor

    async def process(self, msg: Msg) -> Any:
        token = bind_handler(self.outer)
        try:
            return await self.fn(msg, self.outer.process)
        finally:
            unbind_handler(token)


async def _with_handler(plan: Awaitable[T], handler: MessageHandler) -> T:
    token = bind_handler(handler)
    try:
        return await plan
    finally:
        unbind_handler(token)


async def msg_mutator(plan: Awaitable[T], fn: Callable[[Msg], Msg | None]) -> T:
    """Await ``plan`` with every message it sends passed through ``fn`` first.

    ``fn(msg)`` returns the message to forward (the same, or a changed copy) or
    ``None`` to drop it; the plan then receives ``None`` as the result.
    """
    return await _with_handler(plan, _MutatingHandler(_outer("msg_mutator"), fn))


async def plan_mutator(plan: Awaitable[T], interceptor: Interceptor) -> T:
    """Await ``plan`` with every message handed to ``await interceptor(msg, forward)``.

    The interceptor may await stubs (they reach the outer handler) before or after
    ``await forward(msg)``; what it returns is what the plan's ``await`` receives.
    This is the coroutine equivalent of bluesky's ``plan_mutator`` head/tail plans.
    """
    return await _with_handler(plan, _InterceptingHandler(_outer("plan_mutator"), interceptor))


def make_decorator(
    wrapper: Callable[..., Coroutine[Any, Any, Any]],
) -> Callable[..., Callable[[Callable[P, Awaitable[Any]]], Callable[P, Coroutine[Any, Any, Any]]]]:
    """Turn ``wrapper(plan, *args, **kwargs)`` into ``@decorator(*args, **kwargs)``."""

    @functools.wraps(wrapper)
    def outer(
        *args: Any, **kwargs: Any
    ) -> Callable[[Callable[P, Awaitable[Any]]], Callable[P, Coroutine[Any, Any, Any]]]:
        def decorate(func: Callable[P, Awaitable[Any]]) -> Callable[P, Coroutine[Any, Any, Any]]:
            @functools.wraps(func)
            async def inner(*a: P.args, **k: P.kwargs) -> Any:
                return await wrapper(func(*a, **k), *args, **kwargs)

            return inner

        return decorate

    return outer

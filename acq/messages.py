"""Messages: the one currency between plans and the engine.

A plan (an ``async def`` coroutine) never calls the engine directly: each plan
stub builds a :class:`Msg` and awaits :func:`send`, which hands it to the
message handler bound to the current context (a :mod:`contextvars` variable the
RunEngine sets while it runs a plan). Generator plans in the bluesky style
``yield`` the same messages; bluesky's own ``Msg`` objects are accepted too,
since both have the fields ``command, obj, args, kwargs, run``.

This module sits below ``plans`` and above the document consumers in the
layering, so both plans and the engine can import it.
"""

from __future__ import annotations

import inspect
from collections.abc import Hashable
from contextvars import ContextVar, Token
from typing import Any, Protocol

from acq._exceptions import InvalidPlanError, PlanError

__all__ = ["MessageHandler", "Msg", "bind_handler", "current_handler", "send", "unbind_handler"]


class Msg:
    """One instruction for the engine, e.g. ``Msg("set", motor, 1.0, group="A")``.

    The signature matches bluesky's ``Msg(command, obj=None, *args, run=None,
    **kwargs)`` so code written for bluesky reads the same.
    """

    __slots__ = ("args", "command", "kwargs", "obj", "run")

    command: str
    obj: Any
    args: tuple[Any, ...]
    kwargs: dict[str, Any]
    run: Hashable | None

    def __init__(
        self,
        command: str,
        obj: Any = None,
        *args: Any,
        run: Hashable | None = None,
        **kwargs: Any,
    ) -> None:
        self.command = command
        self.obj = obj
        self.args = args
        self.kwargs = kwargs
        self.run = run

    def __repr__(self) -> str:
        return (
            f"Msg({self.command!r}, obj={self.obj!r}, args={self.args!r}, "
            f"kwargs={self.kwargs!r}, run={self.run!r})"
        )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Msg):
            return NotImplemented
        return (
            self.command == other.command
            and self.obj is other.obj
            and self.args == other.args
            and self.kwargs == other.kwargs
            and self.run == other.run
        )

    __hash__ = None  # type: ignore[assignment]  # mutable kwargs: not hashable


class MessageHandler(Protocol):
    """What a plan's messages are sent to (the RunEngine, a simulator, a recorder)."""

    async def process(self, msg: Msg) -> Any: ...


_handler: ContextVar[MessageHandler | None] = ContextVar("acq_message_handler", default=None)


def current_handler() -> MessageHandler | None:
    """The handler bound to the current context, or None outside a running plan."""
    return _handler.get()


def bind_handler(handler: MessageHandler) -> Token[MessageHandler | None]:
    """Bind ``handler`` for the current context; undo with :func:`unbind_handler`."""
    return _handler.set(handler)


def unbind_handler(token: Token[MessageHandler | None]) -> None:
    """Restore the binding that was in force before :func:`bind_handler`."""
    _handler.reset(token)


def _check_unstarted(plan: Any) -> None:
    """Raise InvalidPlanError if the coroutine or generator ``plan`` already ran (or runs).

    Plans are single-use: ``RE(p)`` twice with the same ``p`` would otherwise fail with
    a bare RuntimeError (coroutines) or silently do nothing (generators).
    """
    if inspect.iscoroutine(plan):
        started = inspect.getcoroutinestate(plan) != inspect.CORO_CREATED
    elif inspect.isgenerator(plan):
        started = inspect.getgeneratorstate(plan) != inspect.GEN_CREATED
    else:
        return
    if started:
        name = getattr(plan, "__qualname__", type(plan).__name__)
        raise InvalidPlanError(
            f"the plan {name!r} has already been run: plans are single-use coroutines "
            "(or generators). Fix: call the plan function again for a fresh plan, e.g. "
            "RE(scan(...)) each time, not RE(p) twice."
        )


async def send(msg: Msg) -> Any:
    """Hand ``msg`` to the bound handler and return its result."""
    handler = _handler.get()
    if handler is None:
        raise PlanError(
            f"plan step {msg.command!r} was awaited outside a RunEngine. "
            "Run the plan with `await RE(plan())` (or RE(plan()) in a script), "
            "or simulate it with plans.sim."
        )
    return await handler.process(msg)

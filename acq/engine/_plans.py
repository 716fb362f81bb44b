"""Turning what the user passed into one coroutine the engine awaits."""

from __future__ import annotations

import inspect
import warnings
from collections.abc import Awaitable, Callable, Coroutine, Generator, Iterable
from typing import Any

from acq._exceptions import InvalidPlanError
from acq.messages import MessageHandler, _check_unstarted

__all__: list[str] = []


def _describe_arg(value: Any) -> Any:
    """Plan arguments for the start document: devices become their names."""
    if value is None or isinstance(value, str | int | float | bool):
        return value
    name = getattr(value, "name", None)
    if isinstance(name, str):
        return name
    if isinstance(value, list | tuple):
        return [_describe_arg(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _describe_arg(v) for k, v in value.items()}
    return repr(value)


def _plan_identity(plan: Any) -> tuple[str, dict[str, Any]]:
    """(name, arguments) of a coroutine or generator that has not started yet."""
    inner = getattr(plan, "_iter", None)  # bluesky's Plan wraps the generator
    if inspect.isgenerator(inner):
        plan = inner
    name = getattr(plan, "__qualname__", None) or type(plan).__name__
    frame = getattr(plan, "cr_frame", None) or getattr(plan, "gi_frame", None)
    args: dict[str, Any] = {}
    if inspect.iscoroutine(plan):
        fresh = inspect.getcoroutinestate(plan) == inspect.CORO_CREATED
    else:
        fresh = inspect.isgenerator(plan) and inspect.getgeneratorstate(plan) == "GEN_CREATED"
    if frame is not None and fresh:
        code = frame.f_code
        nargs = code.co_argcount + code.co_kwonlyargcount
        for key in code.co_varnames[:nargs]:
            if key in frame.f_locals and key != "self":
                args[key] = _describe_arg(frame.f_locals[key])
    return str(name), args


def _as_coroutine(plan: Any, handler: MessageHandler) -> Coroutine[Any, Any, Any]:
    """The coroutine that runs ``plan``, or InvalidPlanError saying what was wrong."""
    _check_unstarted(plan)
    if inspect.iscoroutine(plan):
        return plan
    if inspect.isgenerator(plan) or (
        hasattr(plan, "send") and hasattr(plan, "throw") and hasattr(plan, "__next__")
    ):  # generators, and wrappers such as bluesky's Plan
        return _drive_generator(plan, handler.process)
    if inspect.iscoroutinefunction(plan) or inspect.isgeneratorfunction(plan):
        raise InvalidPlanError(
            f"RE was given the plan function {plan.__qualname__!r} itself, not a plan. "
            f"Call it: RE({plan.__name__}(...))."
        )
    if isinstance(plan, list | tuple) and all(hasattr(m, "command") for m in plan):
        return _drive_generator(_messages(plan), handler.process)
    raise InvalidPlanError(
        f"RE expected a plan (an `async def` coroutine such as count([det]), or a "
        f"generator yielding Msg objects), but got {type(plan).__name__}: {plan!r:.80}."
    )


def _messages(msgs: Iterable[Any]) -> Generator[Any, Any, None]:
    for m in msgs:  # noqa: UP028 - a list iterator has no send()
        yield m


async def _drive_generator(
    gen: Generator[Any, Any, Any], process: Callable[[Any], Awaitable[Any]]
) -> Any:
    """Run a bluesky-style generator plan: each yielded Msg goes through ``process``.

    ``process`` is the engine's ``handler.process``, or ``acq.messages.send`` when a
    coroutine wrapper (a plan preprocessor) must see the generator's messages.
    """
    from acq.engine._errors import _HaltRequested

    value: Any = None
    error: BaseException | None = None
    try:
        while True:
            try:
                msg = gen.send(value) if error is None else gen.throw(error)
            except StopIteration as done:
                return done.value
            error = None
            if not hasattr(msg, "command"):
                raise InvalidPlanError(
                    f"plan {getattr(gen, '__qualname__', gen)!r} yielded {msg!r}; "
                    "a plan must yield Msg objects."
                )
            try:
                value = await process(msg)
            except _HaltRequested:
                raise
            except Exception as exc:
                error = exc
    finally:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            gen.close()

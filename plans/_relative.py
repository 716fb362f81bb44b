"""relative_set_wrapper and reset_positions_wrapper (the relative plans use both)."""

from __future__ import annotations

from collections.abc import Awaitable, Iterable
from contextvars import ContextVar
from typing import Any, TypeVar

from acq.messages import Msg, send
from plans._flow import finalize_wrapper
from plans._mutator import Forward, _replace, plan_mutator
from plans._util import _group, _hinted_fields

T = TypeVar("T")

# (devices or None for all, {id(device): start position}) of each relative_set_wrapper
# being awaited, outermost first: plans checking limits up front add these offsets
_Frame = tuple[list[Any] | None, dict[int, Any]]
_frames: ContextVar[tuple[_Frame, ...]] = ContextVar("acq_relative_frames", default=())


async def _initial_position(obj: Any) -> Any:
    """Where ``obj`` is now, asked the way bluesky asks (locate, position, read)."""
    if callable(getattr(obj, "locate", None)):
        location = await send(Msg("locate", obj))
        return 0 if location is None else location["setpoint"]
    if hasattr(obj, "position"):
        return obj.position
    reading = await send(Msg("read", obj))
    if reading is None:
        return 0
    fields = _hinted_fields(obj)
    key = fields[0] if len(fields) == 1 else next(iter(reading))
    return reading[key]["value"]


def _eligible(devices: list[Any] | None, obj: Any) -> bool:
    return devices is None or any(obj is d for d in devices)


async def _relative_offset(obj: Any) -> tuple[Any, list[Any]]:
    """What the enclosing relative_set_wrappers will add to ``obj``'s set values, and the
    start positions making it up (located now, once: the wrappers reuse them)."""
    offset: Any = 0
    starts: list[Any] = []
    for devs, initial in _frames.get():
        if _eligible(devs, obj):
            if id(obj) not in initial:
                initial[id(obj)] = await _initial_position(obj)
            offset = offset + initial[id(obj)]
            starts.append(initial[id(obj)])
    return offset, starts


async def relative_set_wrapper(plan: Awaitable[T], devices: Iterable[Any] | None = None) -> T:
    """Interpret ``set`` values of ``devices`` (all, if None) as relative to where they start.

    The first set of each device asks for its position (``locate``, else its
    ``position`` attribute, else a ``read``) and later sets add that offset.
    """
    devs = None if devices is None else list(devices)
    initial: dict[int, Any] = {}

    async def intercept(msg: Msg, forward: Forward) -> Any:
        if msg.command != "set":
            return await forward(msg)
        key = id(msg.obj)
        if key not in initial and _eligible(devs, msg.obj):
            initial[key] = await _initial_position(msg.obj)
        if key in initial:
            (rel,) = msg.args
            msg = _replace(msg, args=(initial[key] + rel,))
        return await forward(msg)

    token = _frames.set((*_frames.get(), (devs, initial)))
    try:
        return await plan_mutator(plan, intercept)
    finally:
        _frames.reset(token)


async def reset_positions_wrapper(plan: Awaitable[T], devices: Iterable[Any] | None = None) -> T:
    """Move ``devices`` (all that the plan sets, if None) back to where they started."""
    devs = None if devices is None else list(devices)
    initial: dict[int, tuple[Any, Any]] = {}

    async def intercept(msg: Msg, forward: Forward) -> Any:
        if msg.command == "set" and id(msg.obj) not in initial and _eligible(devs, msg.obj):
            initial[id(msg.obj)] = (msg.obj, await _initial_position(msg.obj))
        return await forward(msg)

    async def reset() -> None:
        if not initial:
            return  # nothing was moved (e.g. a plan refused before its first set)
        group = _group("reset")
        for obj, value in initial.values():
            await send(Msg("set", obj, value, group=group))
        await send(Msg("wait", None, group=group))

    return await finalize_wrapper(plan_mutator(plan, intercept), reset)

"""Run, staging, subscription, suspender and metadata wrappers for coroutine plans."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Mapping
from typing import Any, TypeVar

from acq.messages import Msg, send
from plans._flow import contingency_wrapper, finalize_wrapper
from plans._mutator import Forward, _replace, msg_mutator, plan_mutator
from plans._stubs_msgs import close_run, open_run, stage_all, unstage_all
from plans._stubs_steps import mv, rd
from plans._util import _root, _separate_devices

T = TypeVar("T")


async def run_wrapper(plan: Awaitable[Any], *, md: Mapping[str, Any] | None = None) -> Any:
    """Open a run around ``plan`` and always close it; returns the run uid.

    An exception closes the run with ``exit_status="fail"`` and the reason (or the
    exception's own ``exit_status``, e.g. an abort) and propagates.
    """
    uid = await open_run(md)

    async def on_error(exc: Exception) -> None:
        status = getattr(exc, "exit_status", None)
        if status is not None:
            await close_run(exit_status=status)
        else:
            await close_run(exit_status="fail", reason=str(exc))

    await contingency_wrapper(plan, except_plan=on_error, else_plan=close_run)
    return uid


async def stage_wrapper(plan: Awaitable[T], devices: Iterable[Any]) -> T:
    """Stage the root devices of ``devices`` before ``plan`` and unstage them after."""
    roots = _separate_devices(_root(d) for d in devices)

    async def inner() -> T:
        await stage_all(*roots)
        return await plan

    async def cleanup() -> None:
        await unstage_all(*reversed(roots))

    return await finalize_wrapper(inner(), cleanup)


async def lazily_stage_wrapper(plan: Awaitable[T]) -> T:
    """Stage each device the first time the plan uses it; unstage all at the end."""
    staged: list[Any] = []

    async def intercept(msg: Msg, forward: Forward) -> Any:
        if msg.command in ("read", "set", "trigger", "kickoff") and not any(
            msg.obj is s for s in staged
        ):
            root = _root(msg.obj)
            ret = await send(Msg("stage", root))
            staged.extend(ret if isinstance(ret, list) else [root])
        return await forward(msg)

    async def cleanup() -> None:
        await unstage_all(*reversed(staged))

    return await finalize_wrapper(plan_mutator(plan, intercept), cleanup)


def _normalize_subs(subs: Any) -> dict[str, list[Callable[..., Any]]]:
    if callable(subs):
        return {"all": [subs]}
    if isinstance(subs, Mapping):
        return {k: list(v) if isinstance(v, Iterable) else [v] for k, v in subs.items()}
    return {"all": list(subs)}


async def subs_wrapper(plan: Awaitable[T], subs: Any) -> T:
    """Subscribe callbacks (a callable, a list, or ``{name: callable(s)}``) for the plan."""
    tokens: list[Any] = []

    async def inner() -> T:
        for name, funcs in _normalize_subs(subs).items():
            for func in funcs:
                tokens.append(await send(Msg("subscribe", None, func, name)))
        return await plan

    async def cleanup() -> None:
        for token in tokens:
            await send(Msg("unsubscribe", None, token=token))

    return await finalize_wrapper(inner(), cleanup)


async def suspend_wrapper(plan: Awaitable[T], suspenders: Any) -> T:
    """Install ``suspenders`` (one or several) for the duration of ``plan``."""
    susp = list(suspenders) if isinstance(suspenders, Iterable) else [suspenders]

    async def inner() -> T:
        for s in susp:
            await send(Msg("install_suspender", None, s))
        return await plan

    async def cleanup() -> None:
        for s in susp:
            await send(Msg("remove_suspender", None, s))

    return await finalize_wrapper(inner(), cleanup)


async def inject_md_wrapper(plan: Awaitable[T], md: Mapping[str, Any]) -> T:
    """Add ``md`` to every ``open_run`` of ``plan`` (``md`` wins over the plan's own)."""

    def inject(msg: Msg) -> Msg:
        if msg.command == "open_run":
            return _replace(msg, kwargs={**msg.kwargs, **md})
        return msg

    return await msg_mutator(plan, inject)


async def set_run_key_wrapper(plan: Awaitable[T], run: Any) -> T:
    """Give every message of ``plan`` without a run key the key ``run``."""
    if run is None:
        raise ValueError("set_run_key_wrapper(): run key must not be None")

    def key(msg: Msg) -> Msg:
        return _replace(msg, run=run) if msg.run is None else msg

    return await msg_mutator(plan, key)


async def stub_wrapper(plan: Awaitable[Any]) -> dict[str, Any]:
    """Run ``plan`` as a stub: drop its open/close_run and stage/unstage; return its md."""
    md: dict[str, Any] = {}

    def block(msg: Msg) -> Msg | None:
        if msg.command == "open_run":
            md.update(msg.kwargs)
            return None
        if msg.command in ("close_run", "stage", "unstage"):
            return None
        return msg

    await msg_mutator(plan, block)
    return md


async def rewindable_wrapper(plan: Awaitable[T], rewindable: bool) -> T:
    """Run ``plan`` with the engine's rewindable flag set to ``rewindable``."""
    if rewindable:
        return await plan
    initial = await send(Msg("rewindable", None, None))
    if initial != rewindable:
        await send(Msg("rewindable", None, rewindable))

    async def restore() -> None:
        if initial != rewindable:
            await send(Msg("rewindable", None, initial))

    return await finalize_wrapper(plan, restore)


async def configure_count_time_wrapper(plan: Awaitable[T], time: float | None) -> T:
    """Set ``count_time`` of every device used that has one to ``time``; restore after."""
    if time is None:
        return await plan
    seen: set[int] = set()
    original: list[tuple[Any, Any]] = []

    async def intercept(msg: Msg, forward: Forward) -> Any:
        obj = msg.obj
        if obj is not None and id(obj) not in seen:
            seen.add(id(obj))
            if hasattr(obj, "count_time"):
                original.append((obj, await rd(obj.count_time)))
                await mv(obj.count_time, time)
        return await forward(msg)

    async def reset() -> None:
        for obj, value in original:
            await mv(obj.count_time, value)

    return await finalize_wrapper(plan_mutator(plan, intercept), reset)

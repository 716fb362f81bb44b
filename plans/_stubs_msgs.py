"""Plan stubs that each send one message (or one message and a wait).

Every stub is a plain ``async def``: it builds a :class:`acq.messages.Msg` and
awaits :func:`acq.messages.send`; there is no per-call stack capture or
bookkeeping. Names, arguments and messages follow bluesky's ``plan_stubs``.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from types import TracebackType
from typing import Any

from acq.messages import Msg, send
from plans._util import _group, _is_status, _separate_devices

_NO_GROUP: Any = None


def _json_shaped(value: Any) -> Any:
    """``value`` with every tuple (at any depth in dicts and lists) turned into a list."""
    if isinstance(value, dict):
        return {k: _json_shaped(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_shaped(v) for v in value]
    return value


async def open_run(md: Mapping[str, Any] | None = None) -> Any:
    """Open a run; the start document carries ``md`` (tuples become lists, as in JSON).
    Returns the run uid."""
    return await send(Msg("open_run", **_json_shaped(dict(md or {}))))


async def close_run(exit_status: str | None = None, reason: str | None = None) -> Any:
    """Close the open run (``exit_status`` None means success)."""
    return await send(Msg("close_run", exit_status=exit_status, reason=reason))


class run:
    """``async with run(md={...}) as uid:`` opens a run and always closes it.

    An exception inside the block closes the run with ``exit_status="fail"``
    (or the exception's own ``exit_status``) and the reason, then propagates.
    """

    def __init__(self, md: Mapping[str, Any] | None = None) -> None:
        self.md = md
        self.uid: Any = None

    async def __aenter__(self) -> Any:
        self.uid = await open_run(self.md)
        return self.uid

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc is None:
            await close_run()
        elif isinstance(exc, Exception):
            status = getattr(exc, "exit_status", None)
            if status is not None:
                await close_run(exit_status=status)
            else:
                await close_run(exit_status="fail", reason=str(exc))


async def declare_stream(*objs: Any, name: str, collect: bool = False) -> Any:
    """Declare an event stream (descriptor) for ``objs`` before the first event."""
    return await send(
        Msg("declare_stream", None, *_separate_devices(objs), name=name, collect=collect)
    )


async def create(name: str = "primary") -> Any:
    """Start bundling readings into an event of stream ``name``."""
    return await send(Msg("create", name=name))


async def save() -> Any:
    """Emit the event bundled since ``create``."""
    return await send(Msg("save"))


async def drop() -> Any:
    """Discard the event bundled since ``create``."""
    return await send(Msg("drop"))


async def read(obj: Any) -> Any:
    """Read ``obj``; returns its reading dict."""
    return await send(Msg("read", obj))


async def locate(*objs: Any, squeeze: bool = True) -> Any:
    """Where ``objs`` are (setpoint and readback), without adding to an event."""
    return await send(Msg("locate", *objs, squeeze=squeeze))


async def monitor(obj: Any, *, name: str | None = None, **kwargs: Any) -> Any:
    """Subscribe to ``obj`` and emit its updates as a stream while the run is open."""
    return await send(Msg("monitor", obj, name=name, **kwargs))


async def unmonitor(obj: Any) -> Any:
    """Stop monitoring ``obj``."""
    return await send(Msg("unmonitor", obj))


async def null() -> Any:
    """A message that does nothing (useful to measure overhead)."""
    return await send(Msg("null"))


async def abs_set(
    obj: Any, *args: Any, group: Hashable | None = None, wait: bool = False, **kwargs: Any
) -> Any:
    """Set ``obj`` to a value; returns its status. ``wait=True`` waits for it."""
    if wait and group is None:
        group = _group("set")
    ret = await send(Msg("set", obj, *args, group=group, **kwargs))
    if wait:
        await send(Msg("wait", None, group=group))
    return ret


async def stop(obj: Any) -> Any:
    """Stop ``obj`` (a motor, a ramp)."""
    return await send(Msg("stop", obj))


async def trigger(obj: Any, *, group: Hashable | None = None, wait: bool = False) -> Any:
    """Trigger ``obj``; returns its status. ``wait=True`` waits for it."""
    ret = await send(Msg("trigger", obj, group=group))
    if wait:
        await send(Msg("wait", None, group=group))
    return ret


async def sleep(time: float) -> Any:
    """Let ``time`` seconds pass (the engine stays responsive)."""
    return await send(Msg("sleep", None, time))


async def wait(
    group: Hashable | None = None,
    *,
    timeout: float | None = None,
    error_on_timeout: bool = True,
    watch: Sequence[str] = (),
) -> Any:
    """Wait for every status of ``group``; returns True when all are done."""
    return await send(
        Msg(
            "wait",
            None,
            group=group,
            error_on_timeout=error_on_timeout,
            timeout=timeout,
            watch=watch,
        )
    )


_wait = wait  # for stubs whose ``wait`` parameter shadows the stub


async def checkpoint() -> Any:
    """Mark a point the engine may rewind to on pause/resume."""
    return await send(Msg("checkpoint"))


async def clear_checkpoint() -> Any:
    """Forget the last checkpoint (the plan cannot be rewound past here)."""
    return await send(Msg("clear_checkpoint"))


async def pause() -> Any:
    """Pause the engine now."""
    return await send(Msg("pause", None, defer=False))


async def deferred_pause() -> Any:
    """Pause the engine at the next checkpoint."""
    return await send(Msg("pause", None, defer=True))


async def input_plan(prompt: str = "") -> Any:
    """Ask the user for input (bluesky's ``input_plan``); returns the text."""
    return await send(Msg("input", prompt=prompt))


async def prepare(
    obj: Any, *args: Any, group: Hashable | None = None, wait: bool = False, **kwargs: Any
) -> Any:
    """Prepare ``obj`` (e.g. a flyer's trajectory); returns its status."""
    group = group if group is not None or not wait else _group("prepare")
    ret = await send(Msg("prepare", obj, *args, group=group, **kwargs))
    if wait:
        await _wait(group=group)
    return ret


async def kickoff(obj: Any, *, group: Hashable | None = None, wait: bool = False, **kw: Any) -> Any:
    """Start a flyer; returns its status."""
    group = group if group is not None or not wait else _group("kickoff")
    ret = await send(Msg("kickoff", obj, group=group, **kw))
    if wait:
        await _wait(group=group)
    return ret


async def complete(
    obj: Any, *, group: Hashable | None = None, wait: bool = False, **kw: Any
) -> Any:
    """Tell a flyer to finish; returns its status."""
    group = group if group is not None or not wait else _group("complete")
    ret = await send(Msg("complete", obj, group=group, **kw))
    if wait:
        await _wait(group=group)
    return ret


async def kickoff_all(
    *objs: Any, group: Hashable | None = None, wait: bool = True, **kwargs: Any
) -> tuple[Any, ...]:
    """Kick off several flyers in one group (and wait, by default)."""
    group = group or _group("kickoff")
    statuses = [await send(Msg("kickoff", obj, group=group, **kwargs)) for obj in objs]
    if wait:
        await _wait(group=group)
    return tuple(statuses)


async def complete_all(
    *objs: Any, group: Hashable | None = None, wait: bool = False, **kwargs: Any
) -> tuple[Any, ...]:
    """Complete several flyers in one group (optionally wait)."""
    group = group or _group("complete")
    statuses = [await send(Msg("complete", obj, group=group, **kwargs)) for obj in objs]
    if wait:
        await _wait(group=group)
    return tuple(statuses)


async def collect(
    obj: Any, *args: Any, stream: bool = False, return_payload: bool = True, name: str | None = None
) -> Any:
    """Collect what a flyer (or several) recorded."""
    return await send(
        Msg("collect", obj, *args, stream=stream, return_payload=return_payload, name=name)
    )


async def collect_while_completing(
    flyers: Sequence[Any],
    dets: Sequence[Any],
    flush_period: float | None = None,
    stream_name: str | None = None,
    watch: Sequence[str] = (),
) -> None:
    """Complete ``flyers`` and collect ``dets`` every ``flush_period`` until done."""
    group = _group("complete")
    await complete_all(*flyers, group=group, wait=False)
    done = False
    while not done:
        done = await wait(group=group, timeout=flush_period, error_on_timeout=False, watch=watch)
        await collect(*dets, name=stream_name)


async def configure(obj: Any, *args: Any, **kwargs: Any) -> Any:
    """Configure ``obj``; returns (old, new) configuration readings."""
    return await send(Msg("configure", obj, *args, **kwargs))


async def _stage_like(command: str, obj: Any, group: Hashable | None, wait: bool | None) -> Any:
    ret = await send(Msg(command, obj, group=group))
    if _is_status(ret):
        if wait:
            await send(Msg("wait", None, group=group))
    elif wait is not None and not wait:
        raise RuntimeError(f"{obj!r}: is an old-style device and cannot be told not to wait")
    return ret


async def stage(obj: Any, *, group: Hashable | None = None, wait: bool | None = None) -> Any:
    """Stage ``obj`` (prepare it for acquisition)."""
    return await _stage_like("stage", obj, group, wait)


async def unstage(obj: Any, *, group: Hashable | None = None, wait: bool | None = None) -> Any:
    """Unstage ``obj``."""
    return await _stage_like("unstage", obj, group, wait)


async def _all_like(command: str, objs: Iterable[Any], group: Hashable | None) -> None:
    group = group or _group(command)
    statuses = [await send(Msg(command, obj, group=group)) for obj in objs]
    if any(_is_status(s) for s in statuses):
        await send(Msg("wait", None, group=group))


async def stage_all(*objs: Any, group: Hashable | None = None) -> None:
    """Stage several devices in one group, then wait for those that return a status."""
    await _all_like("stage", objs, group)


async def unstage_all(*objs: Any, group: Hashable | None = None) -> None:
    """Unstage several devices in one group, then wait for those that return a status."""
    await _all_like("unstage", objs, group)


async def subscribe(name: str, func: Callable[[str, Mapping[str, Any]], Any]) -> Any:
    """Subscribe ``func(name, doc)`` to documents for the rest of the run; returns a token."""
    return await send(Msg("subscribe", None, func, name))


async def unsubscribe(token: Any) -> Any:
    """Remove a subscription made with :func:`subscribe`."""
    return await send(Msg("unsubscribe", token=token))


async def install_suspender(suspender: Any) -> Any:
    """Install a suspender for the rest of the plan."""
    return await send(Msg("install_suspender", None, suspender))


async def remove_suspender(suspender: Any) -> Any:
    """Remove a suspender installed with :func:`install_suspender`."""
    return await send(Msg("remove_suspender", None, suspender))


async def wait_for(futures: Iterable[Callable[[], Any]], **kwargs: Any) -> Any:
    """Wait for awaitables made by each callable of ``futures``."""
    return await send(Msg("wait_for", None, futures, **kwargs))


async def broadcast_msg(command: str, objs: Iterable[Any], *args: Any, **kwargs: Any) -> list[Any]:
    """Send ``Msg(command, obj, *args, **kwargs)`` for each of ``objs``."""
    return [await send(Msg(command, o, *args, **kwargs)) for o in objs]

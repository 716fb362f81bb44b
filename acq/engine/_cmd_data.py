"""Commands that make documents: runs, streams, events, monitors, collect, assets."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import acq
from acq.engine._core import _EngineCore, _plan_error
from acq.engine._devices import _maybe_await, _name, _require
from acq.engine._run import _Bundle, _Descriptor, _json_shaped, _Run, _uid
from acq.messages import Msg

__all__: list[str] = []


def _stream_name(msg: Msg, default: str = "primary") -> str:
    name = msg.kwargs.get("name")
    if name is None and msg.args and isinstance(msg.args[0], str):
        name = msg.args[0]
    return default if name is None else str(name)


class _DataCommands(_EngineCore):
    async def _cmd_open_run(self, msg: Msg) -> str:
        key = msg.run
        if key in self._runs:
            raise _plan_error(
                msg,
                f"with run key {key!r}: a run with that key is already open "
                f"(uid {self._runs[key].uid}). Close it first, or give the second run "
                "another key: Msg('open_run', run='other').",
            )
        start: dict[str, Any] = dict(self._md)
        start.update(self._call_md)
        start.update(msg.kwargs)
        start.setdefault("plan_name", self._plan_name)
        start.setdefault("plan_type", self._plan_type)  # bluesky's callbacks read it
        if "plan_args" not in start and self._plan_args:
            start["plan_args"] = self._plan_args
        versions = start.get("versions")
        start["versions"] = {"acq": acq.__version__, **(versions or {})}
        start = _json_shaped(start)
        start["uid"] = _uid()
        start["time"] = time.time()
        start["scan_id"] = self._md.next_scan_id()
        run = _Run(key, start)
        self._runs[key] = run
        self._run_uids.append(run.uid)
        self._subs.emit("start", start)
        return run.uid

    async def _cmd_close_run(self, msg: Msg) -> str:
        run = self._run_for(msg)
        if self._subs.strict and self._subs.queues:
            await self._settle()
            failure = self._subs.take_failure()
            if failure is not None:
                raise failure
        exit_status = msg.kwargs.get("exit_status") or "success"
        reason = msg.kwargs.get("reason") or (self._reason if self._requested else "")
        self._close(run, exit_status, reason)
        return run.uid

    def _close(self, run: _Run, exit_status: str, reason: str) -> None:
        for obj_id in list(run.monitors):
            self._unmonitor(run, obj_id)
        run.bundle = None
        del self._runs[run.key]
        self._subs.emit("stop", run.stop(exit_status, reason))

    def _cmd_create(self, msg: Msg) -> None:
        run = self._run_for(msg)
        if run.bundle is not None:
            raise _plan_error(
                msg,
                f"({_stream_name(msg)!r}) came while the event for stream "
                f"{run.bundle.name!r} is still being made: each 'create' needs a 'save' "
                "or 'drop' before the next 'create'.",
            )
        run.bundle = _Bundle(_stream_name(msg))

    async def _cmd_read(self, msg: Msg) -> Any:
        obj = msg.obj
        read = getattr(obj, "read", None)
        if read is None:
            read = _require(obj, "read", "Readable", msg)
        reading = read()
        if reading.__class__ is not dict:
            reading = await _maybe_await(reading)
        run = self._runs.get(msg.run)
        if run is not None and run.bundle is not None:
            bundle = run.bundle
            oid = id(obj)
            if oid in bundle.ids:
                raise _plan_error(msg, "read the same object twice in one event.")
            bundle.ids.add(oid)
            bundle.objs.append(obj)
            bundle.readings.append(reading)
        return reading

    async def _cmd_save(self, msg: Msg) -> None:
        run = self._runs.get(msg.run)
        bundle = run.bundle if run is not None else None
        if run is None or bundle is None:
            raise _plan_error(msg, "came without a 'create' before it: nothing to save.")
        run.bundle = None
        desc = run.last
        if desc is None or desc.name != bundle.name or desc.objs != bundle.ids:
            desc = await self._descriptor_for(run, msg, bundle.name, bundle.objs)
            run.last = desc
        if desc.assets:
            for obj in desc.assets:
                await self._collect_assets(run, desc, obj)
        doc = run.event(desc, bundle.readings)
        subs = self._subs
        subs.emitted["event"] += 1
        for cb in subs.by_name["event"]:
            try:
                cb("event", doc)
            except Exception:
                subs.errors += 1
                if subs.strict:
                    raise
                from acq.engine._consumers import log

                log.exception("callback %r failed on 'event' document", cb)
        if subs.queues and subs.congested():
            await self._relieve()

    def _cmd_drop(self, msg: Msg) -> None:
        run = self._run_for(msg)
        if run.bundle is None:
            raise _plan_error(msg, "came without a 'create' before it: nothing to drop.")
        run.bundle = None

    async def _describe(self, run: _Run, obj: Any, collect: bool = False) -> dict[str, Any]:
        cached = run.describe_cache.get(id(obj))
        if cached is None:
            if collect:
                fn = getattr(obj, "describe_collect", None) or obj.describe
                raw = dict(await _maybe_await(fn()))
                if raw and all(isinstance(v, dict) and "source" not in v for v in raw.values()):
                    merged: dict[str, Any] = {}
                    for v in raw.values():
                        merged.update(v)
                    raw = merged
            else:
                raw = dict(await _maybe_await(obj.describe()))
            oname = _name(obj)
            cached = {k: {**v, "object_name": v.get("object_name", oname)} for k, v in raw.items()}
            run.describe_cache[id(obj)] = cached
        return cached

    async def _configuration(self, run: _Run, obj: Any) -> dict[str, Any]:
        cached = run.config_cache.get(id(obj))
        if cached is None:
            data: dict[str, Any] = {}
            timestamps: dict[str, Any] = {}
            keys: dict[str, Any] = {}
            if hasattr(obj, "read_configuration") and hasattr(obj, "describe_configuration"):
                conf = await _maybe_await(obj.read_configuration())
                keys = dict(await _maybe_await(obj.describe_configuration()))
                data = {k: v["value"] for k, v in conf.items()}
                timestamps = {k: v["timestamp"] for k, v in conf.items()}
            cached = {"data": data, "timestamps": timestamps, "data_keys": keys}
            run.config_cache[id(obj)] = cached
        return cached

    async def _descriptor_for(
        self, run: _Run, msg: Msg, name: str, objs: list[Any], collect: bool = False
    ) -> _Descriptor:
        ids = frozenset(id(o) for o in objs)
        found = run.descriptors.get((name, ids))
        if found is not None:
            return found
        declared = run.declared.get(name)
        if declared is not None and ids <= declared.objs:
            return declared
        if name in run.by_name:
            raise _plan_error(
                msg,
                f"to stream {name!r} with objects [{', '.join(_name(o) for o in objs)}], but "
                "that stream's descriptor was made for other objects. Read the same objects "
                "into a stream every time, or use another stream name.",
            )
        data_keys: dict[str, Any] = {}
        object_keys: dict[str, list[str]] = {}
        configuration: dict[str, Any] = {}
        hints: dict[str, Any] = {}
        for obj in objs:
            keys = await self._describe(run, obj, collect)
            oname = _name(obj)
            data_keys.update(keys)
            object_keys[oname] = list(keys)
            configuration[oname] = await self._configuration(run, obj)
            obj_hints = getattr(obj, "hints", None)
            if isinstance(obj_hints, dict) and obj_hints:
                hints[oname] = obj_hints
        doc = run.descriptor_doc(name, objs, data_keys, object_keys, configuration, hints)
        desc = _Descriptor(doc, ids)
        desc.assets = [o for o in objs if hasattr(o, "collect_asset_docs")]
        run.descriptors[(name, ids)] = desc
        run.by_name[name] = desc
        self._subs.emit("descriptor", doc)
        return desc

    async def _cmd_declare_stream(self, msg: Msg) -> dict[str, Any]:
        run = self._run_for(msg)
        name = msg.kwargs.get("name")
        if not name:
            raise _plan_error(
                msg, "needs a stream name: Msg('declare_stream', None, *objs, name=)."
            )
        objs = list(((msg.obj,) if msg.obj is not None else ()) + msg.args)
        collect = bool(msg.kwargs.get("collect", False))
        desc = await self._descriptor_for(run, msg, name, objs, collect)
        run.declared[name] = desc
        return desc.doc

    async def _cmd_configure(self, msg: Msg) -> Any:
        obj = msg.obj
        fn = _require(obj, "configure", "Configurable", msg)
        out = await _maybe_await(fn(*msg.args, **msg.kwargs))
        for run in self._runs.values():  # a new configuration needs new descriptors
            run.config_cache.pop(id(obj), None)
            run.describe_cache.pop(id(obj), None)
            for key in [k for k, d in run.descriptors.items() if id(obj) in d.objs]:
                run.retired.append(run.descriptors.pop(key))
                run.by_name.pop(key[0], None)
            run.last = None
        return out

    async def _collect_assets(
        self, run: _Run, desc: _Descriptor, obj: Any, advance: bool = False
    ) -> None:
        """Emit ``obj``'s asset documents up to its ``get_index()``.

        Stream datums whose ``seq_nums`` are left ``{start: 0, stop: 0}`` (as
        bluesky asks of devices) are numbered from the stream's next event; with
        ``advance`` (a collect that makes no events) the stream's count moves on.
        """
        index = await _maybe_await(obj.get_index()) if hasattr(obj, "get_index") else None
        it = obj.collect_asset_docs() if index is None else obj.collect_asset_docs(index)
        first, rows = desc.seq + 1, 0
        if hasattr(it, "__aiter__"):
            async for name, doc in it:
                rows = max(rows, self._emit_asset(run, desc, name, doc, first))
        else:
            for name, doc in it:
                rows = max(rows, self._emit_asset(run, desc, name, doc, first))
        if advance:
            desc.seq += rows

    def _emit_asset(
        self, run: _Run, desc: _Descriptor, name: str, doc: dict[str, Any], first: int
    ) -> int:
        doc = dict(doc)
        rows = 0
        if name in ("resource", "stream_resource"):
            doc["run_start"] = run.uid
        elif name == "stream_datum":
            doc["descriptor"] = desc.uid
            rows = int(doc["indices"]["stop"]) - int(doc["indices"]["start"])
            seq = doc.get("seq_nums")
            if not seq or (seq.get("start") == 0 and seq.get("stop") == 0):
                doc["seq_nums"] = {"start": first, "stop": first + rows}
        self._subs.emit(name, doc)
        return rows

    # ---------------------------------------------------------------- monitors
    async def _cmd_monitor(self, msg: Msg) -> None:
        run = self._run_for(msg)
        obj = msg.obj
        if id(obj) in run.monitors:
            raise _plan_error(msg, "came while that object is already monitored in this run.")
        name = msg.kwargs.get("name") or f"{_name(obj)}_monitor"
        desc = await self._descriptor_for(run, msg, name, [obj])
        buffer: list[Any] = []
        loop = asyncio.get_running_loop()

        def flush() -> None:
            if buffer and run.key in self._runs:
                rows = list(buffer)
                buffer.clear()
                self._subs.emit("event_page", run.event_page(desc, rows))

        def on_update(readings: Any = None, *args: Any, **kwargs: Any) -> None:
            if not isinstance(readings, dict):
                readings = obj.read()
            data = {k: r["value"] for k, r in readings.items()}
            ts = {k: r["timestamp"] for k, r in readings.items()}
            if not buffer:
                loop.call_soon(flush)
            buffer.append((data, ts, time.time()))

        sub = getattr(obj, "subscribe_reading", None) or _require(
            obj, "subscribe", "Subscribable", msg
        )
        token = sub(on_update)
        run.monitors[id(obj)] = (obj, on_update, token, flush)

    def _unmonitor(self, run: _Run, obj_id: int) -> None:
        obj, cb, token, flush = run.monitors.pop(obj_id)
        clear = getattr(obj, "clear_sub", None)
        if clear is not None:
            clear(cb)
        elif hasattr(obj, "unsubscribe"):
            obj.unsubscribe(token if token is not None else cb)
        flush()

    async def _cmd_unmonitor(self, msg: Msg) -> None:
        for run in self._runs.values():
            if id(msg.obj) in run.monitors:
                self._unmonitor(run, id(msg.obj))
                return
        raise _plan_error(msg, "came for an object that is not monitored.")

    # ---------------------------------------------------------------- collect
    async def _cmd_collect(self, msg: Msg) -> Any:
        run = self._run_for(msg)
        objs = list(((msg.obj,) if msg.obj is not None else ()) + msg.args)
        name = msg.kwargs.get("name")
        payload: list[Any] = []
        for obj in objs:
            stream = name or _name(obj)
            desc = run.by_name.get(stream) or await self._descriptor_for(
                run, msg, stream, [obj], collect=True
            )
            collect_pages = getattr(obj, "collect_pages", None)
            collect = getattr(obj, "collect", None)
            if hasattr(obj, "collect_asset_docs"):
                events = callable(collect_pages) or callable(collect)
                await self._collect_assets(run, desc, obj, advance=not events)
            rows: list[tuple[dict[str, Any], dict[str, Any], float]] = []
            if callable(collect_pages):
                async for page in _aiter(collect_pages()):
                    rows.extend(_page_rows(page))
            elif callable(collect):
                async for ev in _aiter(collect()):
                    rows.append((ev["data"], ev["timestamps"], ev.get("time", time.time())))
            if rows:
                page = run.event_page(desc, rows)
                payload.append(page)
                self._subs.emit("event_page", page)
        return payload if msg.kwargs.get("return_payload", True) else None


def _page_rows(page: dict[str, Any]) -> list[tuple[dict[str, Any], dict[str, Any], float]]:
    n = len(page["time"])
    return [
        (
            {k: v[i] for k, v in page["data"].items()},
            {k: v[i] for k, v in page["timestamps"].items()},
            page["time"][i],
        )
        for i in range(n)
    ]


async def _aiter(source: Any) -> Any:
    source = await _maybe_await(source)
    if hasattr(source, "__aiter__"):
        async for item in source:
            yield item
    else:
        for item in source:
            yield item

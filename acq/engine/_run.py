"""One open run: its start document, streams (descriptors), the event bundle being made.

Documents are plain dicts in the event-model 1.24 shape, built trusted: a
descriptor is made once per stream and object set, then each event is a small
dict filled from the readings without validation (conformance is a test).
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Hashable
from typing import Any

__all__: list[str] = []


def _json_shaped(value: Any) -> Any:
    """Tuples (and nested ones) become lists, so documents are JSON-shaped."""
    if isinstance(value, dict):
        return {k: _json_shaped(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_shaped(v) for v in value]
    return value


def _uid() -> str:
    return str(uuid.uuid4())


class _UidSource:
    """UUID-shaped unique ids for events: a random 80-bit prefix per run plus a counter.

    ``str(uuid.uuid4())`` costs more than the rest of an event; this keeps the
    familiar 8-4-4-4-12 shape and is unique per prefix (2**48 events per run).
    """

    __slots__ = ("_n", "_prefix")

    def __init__(self) -> None:
        self._prefix = str(uuid.uuid4())[:24]
        self._n = 0

    def __call__(self) -> str:
        self._n += 1
        return f"{self._prefix}{self._n:012x}"


class _Descriptor:
    """A descriptor document plus what events of it need: a counter, key filters."""

    __slots__ = ("assets", "doc", "name", "objs", "seq", "skip_keys", "uid", "unfilled")

    def __init__(self, doc: dict[str, Any], objs: frozenset[int]) -> None:
        self.doc = doc
        self.uid: str = doc["uid"]
        self.name: str = doc["name"]
        self.objs = objs
        self.assets: list[Any] = []
        self.seq = 0
        keys = doc["data_keys"]
        # stream-external keys never appear in events; datum-external ones are "unfilled"
        self.skip_keys = frozenset(
            k for k, v in keys.items() if str(v.get("external", "")).startswith("STREAM:")
        )
        self.unfilled = {
            k: False
            for k, v in keys.items()
            if v.get("external") is not None and k not in self.skip_keys
        }


class _Bundle:
    """The event being made between ``create`` and ``save``."""

    __slots__ = ("ids", "name", "objs", "readings")

    def __init__(self, name: str) -> None:
        self.name = name
        self.objs: list[Any] = []
        self.ids: set[int] = set()
        self.readings: list[dict[str, Any]] = []


class _Run:
    """State of one open run (keyed by the Msg ``run`` key)."""

    def __init__(self, key: Hashable, start: dict[str, Any]) -> None:
        self.key = key
        self.start = start
        self.uid: str = start["uid"]
        self.bundle: _Bundle | None = None
        self.descriptors: dict[tuple[str, frozenset[int]], _Descriptor] = {}
        self.by_name: dict[str, _Descriptor] = {}
        self.declared: dict[str, _Descriptor] = {}
        self.retired: list[_Descriptor] = []
        self.describe_cache: dict[int, dict[str, Any]] = {}
        self.config_cache: dict[int, dict[str, Any]] = {}
        self.monitors: dict[int, Any] = {}
        self.stream_resources: set[str] = set()
        self.last: _Descriptor | None = None
        self.next_uid = _UidSource()

    def descriptor_doc(
        self,
        name: str,
        objs: list[Any],
        data_keys: dict[str, dict[str, Any]],
        object_keys: dict[str, list[str]],
        configuration: dict[str, Any],
        hints: dict[str, Any],
    ) -> dict[str, Any]:
        return {
            "uid": _uid(),
            "time": time.time(),
            "run_start": self.uid,
            "name": name,
            "data_keys": _json_shaped(data_keys),
            "object_keys": object_keys,
            "configuration": configuration,
            "hints": hints,
        }

    def event(self, desc: _Descriptor, readings: list[dict[str, Any]]) -> dict[str, Any]:
        data: dict[str, Any] = {}
        timestamps: dict[str, Any] = {}
        for reading in readings:
            for k, r in reading.items():
                data[k] = r["value"]
                timestamps[k] = r["timestamp"]
        if desc.skip_keys:
            for k in desc.skip_keys:
                data.pop(k, None)
                timestamps.pop(k, None)
        desc.seq += 1
        return {
            "uid": self.next_uid(),
            "time": time.time(),
            "descriptor": desc.uid,
            "seq_num": desc.seq,
            "data": data,
            "timestamps": timestamps,
            "filled": dict(desc.unfilled) if desc.unfilled else {},
        }

    def event_page(
        self, desc: _Descriptor, rows: list[tuple[dict[str, Any], dict[str, Any], float]]
    ) -> dict[str, Any]:
        """A page from ``(data, timestamps, time)`` rows that share their keys."""
        n = len(rows)
        first = desc.seq + 1
        desc.seq += n
        keys = [k for k in rows[0][0] if k not in desc.skip_keys]
        return {
            "uid": [self.next_uid() for _ in range(n)],
            "time": [r[2] for r in rows],
            "descriptor": desc.uid,
            "seq_num": list(range(first, first + n)),
            "data": {k: [r[0][k] for r in rows] for k in keys},
            "timestamps": {k: [r[1][k] for r in rows] for k in keys},
            "filled": {k: [False] * n for k in desc.unfilled if k in keys},
        }

    def count_events(self) -> dict[str, int]:
        """Events per stream name (a stream may have had several descriptors)."""
        counts: dict[str, int] = {}
        seen: set[int] = set()
        every = [*self.descriptors.values(), *self.declared.values(), *self.by_name.values()]
        for desc in [*every, *self.retired]:
            if id(desc) not in seen:
                seen.add(id(desc))
                counts[desc.name] = counts.get(desc.name, 0) + desc.seq
        return counts

    def stop(self, exit_status: str, reason: str) -> dict[str, Any]:
        return {
            "uid": _uid(),
            "time": time.time(),
            "run_start": self.uid,
            "exit_status": exit_status,
            "reason": reason,
            "num_events": self.count_events(),
        }

"""Lightweight documents for callbacks a simulated plan subscribes (``subscribe`` stub).

They carry the fields callbacks use (start metadata, event data and timestamps,
stop status) so a plan that feeds back on a callback's result can be dry-run.
They are not schema-complete documents: use the RunEngine for those.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

Callback = Callable[[str, dict[str, Any]], Any]


class _SimDocs:
    def __init__(self) -> None:
        self.subs: dict[int, tuple[str, Callback]] = {}
        self.run_uid: str | None = None
        self.bundle: dict[str, Any] | None = None
        self.stream = "primary"
        self.descriptors: dict[str, str] = {}
        self.seq: dict[str, int] = {}

    def emit(self, name: str, doc: dict[str, Any]) -> None:
        for sub_name, func in list(self.subs.values()):
            if sub_name in ("all", name):
                func(name, doc)

    def open(self, uid: str, md: dict[str, Any], now: float) -> None:
        self.run_uid = uid
        self.descriptors.clear()
        self.seq.clear()
        self.emit("start", {"uid": uid, "time": now, **md})

    def create(self, stream: str) -> None:
        self.bundle = {}
        self.stream = stream

    def read(self, reading: Any) -> None:
        if self.bundle is not None and isinstance(reading, dict):
            self.bundle.update(reading)

    def save(self, now: float) -> None:
        if self.bundle is None or self.run_uid is None:
            return
        bundle, self.bundle = self.bundle, None
        desc = self.descriptors.get(self.stream)
        if desc is None:
            desc = self.descriptors[self.stream] = str(uuid.uuid4())
            keys = {k: {"source": "sim", "dtype": "number", "shape": []} for k in bundle}
            self.emit(
                "descriptor",
                {
                    "uid": desc,
                    "run_start": self.run_uid,
                    "name": self.stream,
                    "data_keys": keys,
                    "time": now,
                },
            )
        self.seq[self.stream] = seq = self.seq.get(self.stream, 0) + 1
        self.emit(
            "event",
            {
                "uid": str(uuid.uuid4()),
                "descriptor": desc,
                "seq_num": seq,
                "time": now,
                "data": {k: v["value"] for k, v in bundle.items()},
                "timestamps": {k: v.get("timestamp", now) for k, v in bundle.items()},
                "filled": {},
            },
        )

    def close(self, exit_status: str | None, reason: str | None, now: float) -> None:
        if self.run_uid is None:
            return
        self.emit(
            "stop",
            {
                "uid": str(uuid.uuid4()),
                "run_start": self.run_uid,
                "time": now,
                "exit_status": exit_status or "success",
                "reason": reason or "",
                "num_events": dict(self.seq),
            },
        )
        self.run_uid = None

"""Small private fake devices (bluesky protocols) and a bluesky-plan driver for comparisons."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import numpy as np


class FakeStatus:
    done = True
    success = True

    def exception(self, timeout: float | None = None) -> None:
        return None

    def add_callback(self, cb: Any) -> None:
        cb(self)

    def __await__(self) -> Any:
        return None
        yield


class FakeMotor:
    def __init__(
        self,
        name: str,
        position: float = 0.0,
        *,
        limits: tuple[float, float] | None = None,
        velocity: float | None = None,
    ) -> None:
        self.name = name
        self.parent = None
        self.position = position
        self.hints = {"fields": [name]}
        if limits is not None:
            self.limits = limits
        if velocity is not None:
            self.velocity = velocity

    def __repr__(self) -> str:
        return f"FakeMotor({self.name!r})"

    async def read(self) -> dict[str, Any]:
        return {self.name: {"value": self.position, "timestamp": 0.0}}

    async def describe(self) -> dict[str, Any]:
        return {self.name: {"source": "fake", "dtype": "number", "shape": []}}

    def set(self, value: float) -> FakeStatus:
        self.position = value
        return FakeStatus()

    async def locate(self) -> dict[str, float]:
        return {"setpoint": self.position, "readback": self.position}


class FakeDetector:
    def __init__(self, name: str, *, exposure_time: float | None = None) -> None:
        self.name = name
        self.parent = None
        self.hints = {"fields": [name]}
        if exposure_time is not None:
            self.exposure_time = exposure_time

    def __repr__(self) -> str:
        return f"FakeDetector({self.name!r})"

    async def read(self) -> dict[str, Any]:
        return {self.name: {"value": 1.0, "timestamp": 0.0}}

    async def describe(self) -> dict[str, Any]:
        return {self.name: {"source": "fake", "dtype": "number", "shape": []}}

    def trigger(self) -> FakeStatus:
        return FakeStatus()


class FakeFlyer:
    def __init__(self, name: str) -> None:
        self.name = name
        self.parent = None

    def __repr__(self) -> str:
        return f"FakeFlyer({self.name!r})"

    def kickoff(self) -> FakeStatus:
        return FakeStatus()

    def complete(self) -> FakeStatus:
        return FakeStatus()

    def collect(self) -> list[Any]:
        return []

    def describe_collect(self) -> dict[str, Any]:
        return {}


def jsonable(value: Any) -> Any:
    """``value`` as it comes back from JSON (tuples become lists, numpy ints strings)."""
    return json.loads(json.dumps(value, default=repr))


def normalized_stream(msgs: list[Any]) -> list[tuple[Any, ...]]:
    """(command, obj name, args, kwargs) with group names renamed by first appearance;
    open_run's metadata as JSON has it (bluesky keeps tuples there, acq writes lists)."""
    groups: dict[Any, str] = {}
    out = []
    for m in msgs:
        kwargs = dict(m.kwargs)
        for key in ("group",):
            if kwargs.get(key) is not None:
                kwargs[key] = groups.setdefault(kwargs[key], f"g{len(groups)}")
        args = tuple(
            groups.setdefault(a, f"g{len(groups)}")
            if isinstance(a, str) and m.command == "wait"
            else a
            for a in m.args
        )
        if m.command == "sleep":
            args = ()
        if m.command == "open_run":
            kwargs = jsonable(kwargs)
        out.append((m.command, getattr(m.obj, "name", m.obj), args, kwargs, m.run))
    return out


@dataclass
class Recorded:
    commands: list[str] = field(default_factory=list)
    sets: list[tuple[str, Any]] = field(default_factory=list)
    starts: list[dict[str, Any]] = field(default_factory=list)
    ret: Any = None
    msgs: list[Any] = field(default_factory=list)


def gaussian(center: float, width: float, motor: str) -> Any:
    def response(positions: dict[str, float]) -> float:
        x = positions.get(motor, 0.0)
        return float(1000 * np.exp(-((x - center) ** 2) / (2 * width**2)))

    return response


def run_bluesky(gen: Any, responses: dict[Any, Any] | None = None, inputs: Any = ()) -> Recorded:
    """Drive a bluesky generator plan with fake answers, the way plans.sim answers ours."""
    responses = responses or {}
    answers = iter(inputs)
    pos: dict[str, Any] = {}
    rec = Recorded()
    ret: Any = None
    while True:
        try:
            msg = gen.send(ret)
        except StopIteration as stop:
            rec.ret = stop.value
            return rec
        cmd, obj = msg.command, msg.obj
        rec.commands.append(cmd)
        rec.msgs.append(msg)
        ret = None
        if cmd == "set":
            pos[obj.name] = msg.args[0]
            rec.sets.append((obj.name, msg.args[0]))
            ret = FakeStatus()
        elif cmd in ("trigger", "stage", "unstage", "kickoff", "complete", "prepare"):
            ret = FakeStatus()
        elif cmd == "open_run":
            rec.starts.append(dict(msg.kwargs))
            ret = "uid"
        elif cmd == "locate":
            p = pos.get(obj.name, getattr(obj, "position", 0.0))
            ret = {"setpoint": p, "readback": p}
        elif cmd == "read":
            if obj in responses:
                value = responses[obj](pos)
            elif hasattr(obj, "set"):
                value = pos.get(obj.name, obj.position)
            else:
                value = 0.0
            ret = {obj.hints["fields"][0]: {"value": value, "timestamp": 0.0}}
        elif cmd == "wait":
            ret = True
        elif cmd == "input":
            ret = next(answers, "")
        elif cmd == "collect":
            ret = []
        elif cmd == "rewindable":
            ret = True
        elif cmd == "subscribe":
            ret = 1


async def run_ours(plan: Any, **options: Any) -> Recorded:
    from plans.sim import simulate

    res = await simulate(plan, max_messages=None, **options)
    rec = Recorded(starts=res.starts, ret=res.return_value, msgs=res.messages)
    for msg in res.messages:
        rec.commands.append(msg.command)
        if msg.command == "set":
            rec.sets.append((msg.obj.name, msg.args[0]))
    return rec


def same_trajectory(a: list[tuple[str, Any]], b: list[tuple[str, Any]]) -> bool:
    if [n for n, _ in a] != [n for n, _ in b]:
        return False
    return bool(np.allclose([v for _, v in a], [v for _, v in b], rtol=1e-12, atol=1e-12))

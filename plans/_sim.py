"""The simulator: a message handler that answers every message without hardware.

It never moves or triggers a device and reads no detector (unless
``read_devices=True``): positions are tracked from the plan's own ``set``
messages, readings are synthesised (or computed by user-supplied ``responses``),
and the time each step would take is estimated from motor velocities and
detector exposure times. What it does ask a motor, once, is read-only: its limits
(``get_limits()``, see ``devices.protocols.HasLimits``, or a ``limits`` tuple) and
its velocity (a number, or a signal such as SimMotor's and EpicsMotor's
``velocity``, whose value is read).
"""

from __future__ import annotations

import inspect
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from acq._exceptions import PlanError
from acq.messages import Msg
from plans._limits import _device_limits, _limit_pair
from plans._sim_docs import _SimDocs
from plans._util import _hinted_fields

Response = Callable[[dict[str, float]], Any]
_EXPOSURE_ATTRS = ("exposure_time", "acquire_time", "count_time")


class _DoneStatus:
    """A status that is already finished (awaitable, bluesky Status protocol)."""

    __slots__ = ("obj",)
    done = True
    success = True

    def __init__(self, obj: Any = None) -> None:
        self.obj = obj

    def exception(self, timeout: float | None = None) -> BaseException | None:
        return None

    def add_callback(self, callback: Callable[[Any], Any]) -> None:
        callback(self)

    def __await__(self) -> Any:
        return None
        yield  # pragma: no cover


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


@dataclass
class SimResult:
    """What a simulated plan did: messages, runs, trajectory, events, estimated duration."""

    messages: list[Msg] = field(default_factory=list)
    messages_dropped: int = 0
    counts: Counter[str] = field(default_factory=Counter)
    starts: list[dict[str, Any]] = field(default_factory=list)
    sets: dict[str, list[Any]] = field(default_factory=dict)
    points: list[dict[str, Any]] = field(default_factory=list)
    events: int = 0
    duration: float = 0.0
    violations: list[str] = field(default_factory=list)
    return_value: Any = None
    method: str = "messages"

    @property
    def num_messages(self) -> int:
        """How many messages the plan sent."""
        return sum(self.counts.values())


class Simulator:
    """Message handler for dry runs; bind it with :func:`acq.messages.bind_handler`.

    ``responses`` maps a detector to ``f(positions) -> value or reading dict``
    (``positions`` is ``{motor name: position}``) so adaptive plans can be
    simulated; ``limits``, ``velocities``, ``exposures`` and ``initial_positions``
    override what the devices' attributes say. ``strict`` raises on the first
    limit violation; otherwise violations are collected. ``max_messages`` caps
    the messages kept (None: all). ``inputs`` answers ``input`` messages.
    ``read_devices=True`` asks the devices themselves (read-only): detectors'
    ``read()`` and a motor's ``locate()`` for its starting position.
    """

    concurrent_reads = False
    checks_limits = True  # plans leave their up-front limit checks to the simulator

    def __init__(
        self,
        *,
        responses: Mapping[Any, Response] | None = None,
        limits: Mapping[Any, tuple[float, float]] | None = None,
        velocities: Mapping[Any, float] | None = None,
        exposures: Mapping[Any, float] | None = None,
        initial_positions: Mapping[Any, Any] | None = None,
        strict: bool = False,
        max_messages: int | None = 100_000,
        keep_points: bool = True,
        read_devices: bool = False,
        inputs: Iterable[str] = (),
    ) -> None:
        self.result = SimResult()
        self._responses = {id(k): v for k, v in (responses or {}).items()}
        self._limits_override = {id(k): v for k, v in (limits or {}).items()}
        self._velocity_override = {id(k): v for k, v in (velocities or {}).items()}
        self._exposure_override = {id(k): v for k, v in (exposures or {}).items()}
        self._positions: dict[int, Any] = {id(k): v for k, v in (initial_positions or {}).items()}
        self._names: dict[int, str] = {}
        self._keys: dict[int, str] = {}
        self._limits: dict[int, tuple[float, float] | None] = {}
        self._velocity: dict[int, float | None] = {}
        self._exposure: dict[int, float] = {}
        self._pending: dict[Any, float] = {}
        self._strict = strict
        self._max = max_messages
        self._keep_points = keep_points
        self._read_devices = read_devices
        self._inputs = iter(inputs)
        self._runs = 0
        self._subs = 0
        self._docs: _SimDocs | None = None
        self._clock = 0.0
        self._status = _DoneStatus()
        self._dispatch: dict[str, Callable[[Msg], Any]] = {
            "set": self._set,
            "read": self._read,
            "trigger": self._trigger,
            "wait": self._wait,
            "sleep": self._sleep,
            "save": self._save,
            "open_run": self._open_run,
            "close_run": self._close_run,
            "locate": self._locate,
            "input": self._input,
            "subscribe": self._subscribe,
            "unsubscribe": self._unsubscribe,
            "create": self._create,
            "configure": lambda msg: ({}, {}),
            "collect": lambda msg: [],
            "rewindable": lambda msg: True,
        }
        for cmd in ("stage", "unstage", "kickoff", "complete", "prepare"):
            self._dispatch[cmd] = self._action

    async def process(self, msg: Msg) -> Any:
        """Answer ``msg`` as the engine would, without touching hardware."""
        res = self.result
        res.counts[msg.command] += 1
        if self._max is None or len(res.messages) < self._max:
            res.messages.append(msg)
        else:
            res.messages_dropped += 1
        handler = self._dispatch.get(msg.command)
        if handler is None:
            return None
        if msg.command == "set" and id(msg.obj) not in self._limits:
            await self._learn(msg.obj)
        if self._read_devices and msg.command in ("locate", "set", "read"):
            for obj in (msg.obj, *msg.args) if msg.command == "locate" else (msg.obj,):
                await self._seed(obj)
        if msg.command == "read" and self._read_devices:
            reading = await self._read_device(msg.obj)
        else:
            reading = handler(msg)
        if self._docs is not None and msg.command == "read":
            self._docs.read(reading)
        return reading

    # -- positions, limits, timing -------------------------------------------------
    def _name(self, obj: Any) -> str:
        key = id(obj)
        name = self._names.get(key)
        if name is None:
            name = self._names[key] = str(getattr(obj, "name", repr(obj)))
        return name

    def _position(self, obj: Any) -> Any:
        key = id(obj)
        if key not in self._positions:
            pos = _number(getattr(obj, "position", None))
            self._positions[key] = 0.0 if pos is None else pos
        return self._positions[key]

    async def _learn(self, obj: Any) -> None:
        """Ask a motor, once and read-only, for its limits and velocity (unless overridden)."""
        key = id(obj)
        if key in self._limits_override:
            self._limits[key] = _limit_pair(self._limits_override[key])
        else:
            self._limits[key] = await _device_limits(obj)
        v: Any = self._velocity_override.get(key, getattr(obj, "velocity", None))
        if callable(getattr(v, "get_value", None)):  # a signal, e.g. SimMotor.velocity
            v = await v.get_value()
        self._velocity[key] = _number(v) or None

    def _limits_of(self, obj: Any) -> tuple[float, float] | None:
        return self._limits.get(id(obj))

    def _velocity_of(self, obj: Any) -> float | None:
        return self._velocity.get(id(obj))

    def _exposure_of(self, obj: Any) -> float:
        key = id(obj)
        if key not in self._exposure:
            t = self._exposure_override.get(key)
            for attr in _EXPOSURE_ATTRS:
                if t is None:
                    t = _number(getattr(obj, attr, None))
            self._exposure[key] = float(t or 0.0)
        return self._exposure[key]

    def _until(self, group: Any, seconds: float) -> None:
        end = self._clock + seconds
        if end > self._pending.get(group, 0.0):
            self._pending[group] = end

    def _check(self, obj: Any, value: Any) -> None:
        lim = self._limits_of(obj)
        number = _number(value)
        if lim is None or number is None or lim[0] <= number <= lim[1]:
            return
        text = (
            f"set of {self._name(obj)!r} to {number!r} is outside its limits "
            f"[{lim[0]}, {lim[1]}] (point #{self.result.events + 1}). Fix: change the "
            "plan's start/stop or the device's limits."
        )
        if self._strict:
            raise PlanError(f"check_limits: {text}")
        self.result.violations.append(text)

    # -- message handlers ----------------------------------------------------------
    def _set(self, msg: Msg) -> Any:
        obj, value = msg.obj, msg.args[0] if msg.args else None
        self._check(obj, value)
        old = self._position(obj)
        velocity = self._velocity_of(obj)
        if velocity and _number(value) is not None and _number(old) is not None:
            self._until(msg.kwargs.get("group"), abs(value - old) / velocity)
        self._positions[id(obj)] = value
        name = self._name(obj)
        sets = self.result.sets.get(name)
        if sets is None:
            sets = self.result.sets[name] = []
        sets.append(value)
        return self._status

    def _trigger(self, msg: Msg) -> Any:
        exposure = self._exposure_of(msg.obj)
        if exposure:
            self._until(msg.kwargs.get("group"), exposure)
        return self._status

    def _action(self, msg: Msg) -> Any:
        return self._status

    def _wait(self, msg: Msg) -> Any:
        end = self._pending.pop(msg.kwargs.get("group"), None)
        if end is not None and end > self._clock:
            self._clock = end
        return True

    def _sleep(self, msg: Msg) -> None:
        self._clock += float(msg.args[0]) if msg.args else 0.0

    def _motor_positions(self) -> dict[str, Any]:
        return {self._names[k]: v for k, v in self._positions.items() if k in self._names}

    def _create(self, msg: Msg) -> None:
        if self._docs is not None:
            self._docs.create(msg.kwargs.get("name", "primary"))

    def _save(self, msg: Msg) -> None:
        if self._docs is not None:
            self._docs.save(self._clock)
        self.result.events += 1
        if self._keep_points:
            self.result.points.append(self._motor_positions())

    def _reading_key(self, obj: Any) -> str:
        key = self._keys.get(id(obj))
        if key is None:
            fields = _hinted_fields(obj)
            key = self._keys[id(obj)] = fields[0] if len(fields) == 1 else self._name(obj)
        return key

    def _read(self, msg: Msg) -> Any:
        obj = msg.obj
        response = self._responses.get(id(obj))
        if response is not None:
            value = response(self._motor_positions())
            if isinstance(value, dict):
                return value
        elif id(obj) in self._positions or callable(getattr(obj, "set", None)):
            value = self._position(obj)
        else:
            value = 0.0
        return {self._reading_key(obj): {"value": value, "timestamp": self._clock}}

    async def _seed(self, obj: Any) -> None:
        """Start from where a locatable device really is (read-only), once."""
        locate = getattr(obj, "locate", None)
        if id(obj) in self._positions or not callable(locate):
            return
        location = locate()
        location = await location if inspect.isawaitable(location) else location
        self._positions[id(obj)] = location["setpoint"]

    async def _read_device(self, obj: Any) -> Any:
        if callable(getattr(obj, "set", None)) or id(obj) in self._responses:
            return self._read(Msg("read", obj))
        reading = obj.read()
        return await reading if inspect.isawaitable(reading) else reading

    def _locate(self, msg: Msg) -> Any:
        objs = [msg.obj, *msg.args]
        locs = [{"setpoint": self._position(o), "readback": self._position(o)} for o in objs]
        return locs[0] if len(locs) == 1 and msg.kwargs.get("squeeze", True) else locs

    def _open_run(self, msg: Msg) -> str:
        self._runs += 1
        self.result.starts.append(dict(msg.kwargs))
        uid = f"sim-run-{self._runs}"
        if self._docs is not None:
            self._docs.open(uid, dict(msg.kwargs), self._clock)
        return uid

    def _close_run(self, msg: Msg) -> str:
        if self._docs is not None:
            self._docs.close(msg.kwargs.get("exit_status"), msg.kwargs.get("reason"), self._clock)
        return f"sim-run-{self._runs}"

    def _input(self, msg: Msg) -> str:
        return next(self._inputs, "")

    def _subscribe(self, msg: Msg) -> int:
        """Callbacks get lightweight documents (see plans._sim_docs) for the rest of the plan."""
        self._subs += 1
        func, name = (*msg.args, "all")[:2] if msg.args else (None, "all")
        if callable(func):
            if self._docs is None:
                self._docs = _SimDocs()
            self._docs.subs[self._subs] = (str(name), func)
        return self._subs

    def _unsubscribe(self, msg: Msg) -> None:
        token = msg.kwargs.get("token", msg.args[0] if msg.args else None)
        if self._docs is not None and isinstance(token, int):
            self._docs.subs.pop(token, None)

    def finish(self, return_value: Any) -> SimResult:
        """Close the books: the estimated duration and the plan's return value."""
        for end in self._pending.values():
            self._clock = max(self._clock, end)
        self._pending.clear()
        self.result.duration = self._clock
        self.result.return_value = return_value
        return self.result

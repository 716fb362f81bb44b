"""``StandardReadable``: a device whose reads follow the kinds of its children."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Coroutine, Iterable, Iterator, Sequence
from typing import Any, TypedDict, TypeVar

from devices._backend import DataKey, Reading
from devices._device import Device, Kind
from devices._exceptions import DeviceError, NameCollisionError
from devices._signal import SignalR

__all__ = ["Hints", "StandardReadable"]

V = TypeVar("V")
_PENDING: Any = object()  # placeholder keeping a key's place until its answer arrives


class Hints(TypedDict, total=False):
    """What ``hints`` returns: the fields a live table or plot shows first."""

    fields: list[str]
    dimensions: list[tuple[list[str], str]]
    gridding: str


class _Plan:
    """The flattened signals a read / read_configuration touches, built once."""

    __slots__ = ("config", "config_devices", "hinted", "read", "read_devices")

    def __init__(self) -> None:
        self.read: list[SignalR[Any]] = []
        self.read_devices: list[StandardReadable] = []
        self.config: list[SignalR[Any]] = []
        self.config_devices: list[StandardReadable] = []
        self.hinted: list[str] = []


class StandardReadable(Device):
    """A device with ``read``/``describe`` (hinted + normal children), configuration
    (config children) and ``hints`` (hinted children).

    Declare kinds with ``Component(..., kind=Kind.hinted)``, ``add_readables``, or by
    assigning children inside ``with self.add_children_as_readables(Kind.config):``.
    A nested readable device with kind normal contributes its read and its
    configuration; children without a kind are not read.
    """

    _read_plan: _Plan | None = None

    def add_readables(self, devices: Iterable[Device], kind: Kind = Kind.normal) -> None:
        """Give ``devices`` (children of this device) ``kind``."""
        kinds: dict[int, Kind] = self.__dict__.setdefault("_kinds", {})
        for dev in devices:
            kinds[id(dev)] = kind
        self._read_plan = None

    @contextlib.contextmanager
    def add_children_as_readables(self, kind: Kind = Kind.normal) -> Iterator[None]:
        """Children assigned inside the block get ``kind``."""
        before = {id(v) for v in vars(self).values()}
        yield
        self.add_readables(
            [v for v in vars(self).values() if isinstance(v, Device) and id(v) not in before],
            kind,
        )

    def set_name(self, name: str) -> None:
        super().set_name(name)
        self._read_plan = None

    def _plan(self) -> _Plan:
        plan = _Plan()
        children = [child for _, child in self.children()]  # builds components first
        kinds: dict[int, Kind] = self.__dict__.get("_kinds", {})
        for child in children:
            kind = kinds.get(id(child))
            if not kind:
                continue
            if isinstance(child, SignalR):
                (plan.read if kind & Kind.normal else plan.config).append(child)
                if kind == Kind.hinted:
                    plan.hinted.append(child.name)
            elif isinstance(child, StandardReadable):
                _add_nested(plan, child, kind)
        _check_unique(self, [s.name for s in plan.read] + [s.name for s in plan.config])
        self._read_plan = plan
        return plan

    async def read(self) -> dict[str, Reading[Any]]:
        """``{name: reading}`` of every hinted and normal signal below.

        Signals that answer at once (soft, mock, monitored CA) are read in place;
        those needing a round trip are read concurrently (see decision 0003).
        """
        plan = self._read_plan or self._plan()
        out = await _read_signals(self, plan.read)
        for dev in plan.read_devices:
            out.update(await dev.read())
        return out

    async def describe(self) -> dict[str, DataKey]:
        """``{name: data key}`` for the keys of ``read()``."""
        plan = self._read_plan or self._plan()
        return await _describe(self, plan.read, plan.read_devices, "describe")

    async def read_configuration(self) -> dict[str, Reading[Any]]:
        """``{name: reading}`` of every config signal below."""
        plan = self._read_plan or self._plan()
        out = await _read_signals(self, plan.config)
        for dev in plan.config_devices:
            out.update(await dev.read_configuration())
        return out

    async def describe_configuration(self) -> dict[str, DataKey]:
        """``{name: data key}`` for the keys of ``read_configuration()``."""
        plan = self._read_plan or self._plan()
        return await _describe(self, plan.config, plan.config_devices, "describe_configuration")

    @property
    def hints(self) -> Hints:
        """``{"fields": [...]}``: names of the hinted signals below."""
        plan = self._read_plan or self._plan()
        return {"fields": list(plan.hinted)}


def _add_nested(plan: _Plan, child: StandardReadable, kind: Kind) -> None:
    flat = type(child).read is StandardReadable.read
    if kind & Kind.normal:
        sub = child._read_plan or child._plan()
        if flat:
            plan.read.extend(sub.read)
            plan.read_devices.extend(sub.read_devices)
        else:
            plan.read_devices.append(child)
        if kind == Kind.hinted:
            plan.hinted.extend(sub.hinted)
    plan.config_devices.append(child)


async def _read_signals(device: Device, signals: Sequence[SignalR[Any]]) -> dict[str, Any]:
    """Readings in plan order: immediate answers in place, round trips concurrently."""
    out: dict[str, Any] = {}
    pending: list[SignalR[Any]] = []
    for sig in signals:
        backend = sig._backend
        nowait = getattr(backend, "get_reading_nowait", None)
        reading = nowait() if nowait is not None else None
        if reading is None:
            if not getattr(backend, "local", False):
                pending.append(sig)
                out[sig._name] = _PENDING
                continue
            reading = await backend.get_reading()
        out[sig._name] = reading
    if pending:
        results = await _concurrently(device, pending, _get_reading, "reading")
        for sig, reading in zip(pending, results, strict=True):
            out[sig._name] = reading
    return out


def _get_reading(sig: SignalR[Any]) -> Coroutine[Any, Any, Reading[Any]]:
    return sig._backend.get_reading()


async def _describe(
    device: Device,
    signals: Sequence[SignalR[Any]],
    devices: Sequence[StandardReadable],
    method: str,
) -> dict[str, DataKey]:
    out: dict[str, DataKey] = {}
    pending: list[SignalR[Any]] = []
    for sig in signals:
        if getattr(sig._backend, "local", False):  # in memory: cannot suspend
            out.update(await sig.describe())
        else:
            pending.append(sig)
            out[sig._name] = _PENDING
    if pending:
        for keys in await _concurrently(device, pending, _describe_one, "describing"):
            out.update(keys)
    for dev in devices:
        out.update(await getattr(dev, method)())
    return out


def _describe_one(sig: SignalR[Any]) -> Coroutine[Any, Any, dict[str, DataKey]]:
    return sig.describe()


async def _concurrently(
    device: Device,
    signals: Sequence[SignalR[Any]],
    fetch: Callable[[SignalR[Any]], Coroutine[Any, Any, V]],
    verb: str,
) -> list[V]:
    """``fetch(sig)`` for every signal, concurrently (one task each, owned by a TaskGroup).

    The first failure in signal order is raised, named after its signal; the other
    fetches are cancelled, and cancelling the caller cancels them all.
    """
    if len(signals) == 1:
        return [await _named(device, signals[0], fetch(signals[0]), verb)]
    tasks: list[asyncio.Task[V]] = []
    try:
        async with asyncio.TaskGroup() as tg:
            tasks = [tg.create_task(_named(device, s, fetch(s), verb)) for s in signals]
    except BaseExceptionGroup:
        failed = [t.exception() for t in tasks if t.done() and not t.cancelled()]
        errors = [e for e in failed if e is not None]
        if not errors:
            raise
        error = errors[0]
        if len(errors) > 1:
            error.add_note(f"{len(errors) - 1} more {verb} failure(s) in the same call")
    else:
        return [t.result() for t in tasks]
    raise error


async def _named(device: Device, sig: SignalR[Any], coro: Coroutine[Any, Any, V], verb: str) -> V:
    try:
        return await coro
    except DeviceError as exc:
        raise _renamed(device, sig, exc, verb) from exc
    except Exception as exc:
        exc.add_note(f"{device.name or repr(device)}: while {verb} {sig.name} ({sig.source})")
        raise


def _renamed(device: Device, sig: SignalR[Any], exc: DeviceError, verb: str) -> DeviceError:
    """``exc`` again, its message prefixed with the signal (and its source if missing)."""
    text = str(exc)
    where = sig.name or f"a signal of {device.name or repr(device)}"
    prefix = where if sig.source in text else f"{where} ({sig.source})"
    try:
        return type(exc)(f"{prefix}: {text}")
    except TypeError:  # an error class with another constructor: keep it, add a note
        exc.add_note(f"while {verb} {prefix}")
        return exc


def _check_unique(device: Device, names: list[str]) -> None:
    seen: set[str] = set()
    for n in names:
        if n in seen and n:
            raise NameCollisionError(
                f"{device.name or device!r}: two readable signals are both named {n!r}; "
                "give them distinct attribute names (or a different separator)"
            )
        seen.add(n)

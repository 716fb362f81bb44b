"""``StandardReadable``: a device whose reads follow the kinds of its children."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, TypedDict

from devices._backend import DataKey, Reading
from devices._device import Device, Kind
from devices._exceptions import NameCollisionError
from devices._signal import SignalR
from devices._status import AsyncStatus

__all__ = ["Hints", "StandardReadable"]


class Hints(TypedDict, total=False):
    """What ``hints`` returns: the fields a live table or plot shows first."""

    fields: list[str]
    dimensions: list[tuple[list[str], str]]
    gridding: str


class _Plan:
    """The flattened signals a read / read_configuration touches, built once."""

    __slots__ = ("config", "config_devices", "hinted", "local", "read", "read_devices")

    def __init__(self) -> None:
        self.read: list[SignalR[Any]] = []
        self.read_devices: list[StandardReadable] = []
        self.config: list[SignalR[Any]] = []
        self.config_devices: list[StandardReadable] = []
        self.hinted: list[str] = []
        self.local = True


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
        plan.local = all(getattr(s._backend, "local", False) for s in plan.read)
        _check_unique(self, [s.name for s in plan.read] + [s.name for s in plan.config])
        self._read_plan = plan
        return plan

    async def read(self) -> dict[str, Reading[Any]]:
        """``{name: reading}`` of every hinted and normal signal below."""
        plan = self._read_plan or self._plan()
        out: dict[str, Reading[Any]] = {}
        if plan.local:
            try:
                for sig in plan.read:
                    out[sig._name] = await sig._backend.get_reading()
            except Exception as exc:
                sig._raise_named(exc, "read")
        else:
            readings = await asyncio.gather(*(s.get_reading() for s in plan.read))
            out = {s._name: r for s, r in zip(plan.read, readings, strict=True)}
        for dev in plan.read_devices:
            out.update(await dev.read())
        return out

    async def describe(self) -> dict[str, DataKey]:
        """``{name: data key}`` for the keys of ``read()``."""
        plan = self._read_plan or self._plan()
        return await _describe(plan.read, plan.read_devices, "describe")

    async def read_configuration(self) -> dict[str, Reading[Any]]:
        """``{name: reading}`` of every config signal below."""
        plan = self._read_plan or self._plan()
        out: dict[str, Reading[Any]] = {}
        for sig in plan.config:
            out[sig._name] = await sig.get_reading()
        for dev in plan.config_devices:
            out.update(await dev.read_configuration())
        return out

    async def describe_configuration(self) -> dict[str, DataKey]:
        """``{name: data key}`` for the keys of ``read_configuration()``."""
        plan = self._read_plan or self._plan()
        return await _describe(plan.config, plan.config_devices, "describe_configuration")

    @property
    def hints(self) -> Hints:
        """``{"fields": [...]}``: names of the hinted signals below."""
        plan = self._read_plan or self._plan()
        return {"fields": list(plan.hinted)}

    def stage(self) -> AsyncStatus:
        """Prepare for a run: stage every readable child device (a done status if none)."""
        return self._stage_children("stage")

    def unstage(self) -> AsyncStatus:
        """Undo ``stage`` after a run: unstage every readable child device."""
        return self._stage_children("unstage")

    def _stage_children(self, verb: str) -> AsyncStatus:
        name = f"{self.name or type(self).__name__}.{verb}"
        kids = [c for _, c in self.children() if isinstance(c, StandardReadable)]
        if not kids:
            return AsyncStatus.finished(name)

        async def each() -> None:
            for kid in kids:
                await getattr(kid, verb)()

        return AsyncStatus(each(), name=name)


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


async def _describe(
    signals: Sequence[SignalR[Any]], devices: Sequence[StandardReadable], method: str
) -> dict[str, DataKey]:
    out: dict[str, DataKey] = {}
    for sig in signals:
        out.update(await sig.describe())
    for dev in devices:
        out.update(await getattr(dev, method)())
    return out


def _check_unique(device: Device, names: list[str]) -> None:
    seen: set[str] = set()
    for n in names:
        if n in seen and n:
            raise NameCollisionError(
                f"{device.name or device!r}: two readable signals are both named {n!r}; "
                "give them distinct attribute names (or a different separator)"
            )
        seen.add(n)

"""``Device``: a named tree of children that connects as one; ``DeviceVector``; ``Kind``."""

from __future__ import annotations

import asyncio
import enum
from collections.abc import Callable, Coroutine, Iterator, Mapping
from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeVar, overload

from devices._exceptions import BackendMismatchError, NotConnectedError

if TYPE_CHECKING:
    from devices._signal import Signal

__all__ = ["DEFAULT_TIMEOUT", "Component", "Device", "DeviceVector", "FormattedComponent", "Kind"]

DEFAULT_TIMEOUT = 10.0
D = TypeVar("D", bound="Device")


class Kind(enum.IntFlag):
    """How a child takes part in its parent's reads (ophyd semantics).

    ``normal`` children are in ``read()``; ``hinted`` ones too, and in ``hints``;
    ``config`` ones in ``read_configuration()``; ``omitted`` ones in neither.
    """

    omitted = 0
    normal = 1
    config = 2
    hinted = 5  # normal | hinted bit


class Device:
    """A tree of signals and sub-devices with one name and one ``connect()``.

    ``Device(prefix, name=...)``: ``prefix`` is prepended to the suffix of every
    ``Component`` declared on the class. Children are discovered from attributes;
    a child's name is ``<parent name><separator><attribute>`` (``separator`` is a
    class attribute, ``"-"`` by default).
    """

    separator: ClassVar[str] = "-"
    _components: ClassVar[dict[str, Component[Any]]] = {}
    _name: str = ""
    parent: Device | None = None
    prefix: str = ""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        comps: dict[str, Component[Any]] = {}
        for klass in reversed(cls.__mro__):
            for attr, value in vars(klass).items():
                if isinstance(value, Component):
                    comps[attr] = value
        cls._components = comps
        if comps:
            _make_readable(cls)

    def __init__(self, prefix: str = "", *, name: str = "") -> None:
        self.prefix = prefix
        self.set_name(name)

    def __setattr__(self, attr: str, value: Any) -> None:
        if isinstance(value, Device) and attr != "parent" and not attr.startswith("_"):
            value.parent = self
            if self._name:
                value.set_name(f"{self._name}{self.separator}{attr}")
        object.__setattr__(self, attr, value)

    @property
    def name(self) -> str:
        """The full name; readings of a signal carry it as their key."""
        return self._name

    def set_name(self, name: str) -> None:
        """Set the name of this device and of every built child below it."""
        self._name = name
        for attr, child in self._built_children():
            child.set_name(f"{name}{self.separator}{attr}" if name else "")

    def _built_children(self) -> Iterator[tuple[str, Device]]:
        for attr, value in vars(self).items():
            if isinstance(value, Device) and attr != "parent" and not attr.startswith("_"):
                yield attr, value

    def children(self) -> Iterator[tuple[str, Device]]:
        """``(attribute, child)`` pairs, building declared components first."""
        comps = self._components
        for attr in comps:
            yield attr, getattr(self, attr)
        for attr, child in self._built_children():
            if attr not in comps:
                yield attr, child

    def _leaves(self) -> Iterator[Signal[Any] | Device]:
        """Every signal below, plus devices that override ``connect``."""
        from devices._signal import Signal

        for _, child in self.children():
            if isinstance(child, Signal) or type(child).connect is not Device.connect:
                yield child
            else:
                yield from child._leaves()

    async def connect(
        self, mock: bool = False, timeout: float = DEFAULT_TIMEOUT, force_reconnect: bool = False
    ) -> None:
        """Connect every child concurrently; one ``NotConnectedError`` lists all failures.

        ``mock=True`` swaps each signal's backend for a ``MockSignalBackend``.
        Connecting again with the other kind of backend raises ``BackendMismatchError``.
        """
        await _connect_all(list(self._leaves()), mock, timeout, force_reconnect)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self._name!r}>"


def _make_readable(cls: type[Device]) -> None:
    """Give a class that declares ``Component``s the kind-based reads of ``StandardReadable``.

    As in ophyd, ``class XYStage(Device): x = Component(...)`` is readable by kinds.
    Done by rebasing the new class on ``StandardReadable`` (same instance layout), so
    plain ``Device`` and signals stay non-readable. See decision 0003.
    """
    from devices._readable import StandardReadable
    from devices._signal import Signal

    if issubclass(cls, StandardReadable | Signal):
        return
    bases = cls.__bases__
    if Device in bases:
        cls.__bases__ = tuple(StandardReadable if b is Device else b for b in bases)
    else:
        cls.__bases__ = (*bases, StandardReadable)


async def _connect_all(
    leaves: list[Any], mock: bool, timeout: float, force_reconnect: bool, what: str = ""
) -> None:
    """Connect ``leaves`` (signals and devices) together and aggregate their errors."""
    from devices._signal import Signal

    errors: dict[str, BaseException] = {}
    pending: list[tuple[Any, Coroutine[Any, Any, None]]] = []
    for leaf in leaves:
        try:
            if isinstance(leaf, Signal) and leaf._connect_now(mock, force_reconnect):
                continue
            pending.append((leaf, leaf.connect(mock=mock, timeout=timeout)))
        except Exception as exc:
            errors[_label(leaf)] = exc
    if pending:
        await _connect_concurrently(pending, timeout, errors)
    if errors:
        if all(isinstance(e, BackendMismatchError) for e in errors.values()):
            raise BackendMismatchError(_format_errors(errors, what, "could not reconnect"))
        raise NotConnectedError(_format_errors(errors, what), errors)


async def _connect_concurrently(
    pending: list[tuple[Any, Coroutine[Any, Any, None]]],
    timeout: float,
    errors: dict[str, BaseException],
) -> None:
    async def one(leaf: Any, coro: Coroutine[Any, Any, None]) -> None:
        try:
            async with asyncio.timeout(timeout):
                await coro
        except TimeoutError:
            errors[_label(leaf)] = TimeoutError(f"no connection within {timeout} s")
        except Exception as exc:
            errors[_label(leaf)] = exc

    async with asyncio.TaskGroup() as tg:
        for leaf, coro in pending:
            tg.create_task(one(leaf, coro))


def _label(leaf: Any) -> str:
    source = getattr(leaf, "source", None) if hasattr(leaf, "_backend") else None
    name = leaf.name or repr(leaf)
    return f"{name} ({source})" if source else name


def _format_errors(
    errors: dict[str, BaseException], what: str, verb: str = "failed to connect"
) -> str:
    lines = [f"{len(errors)} signal(s) {verb}{(' in ' + what) if what else ''}:"]
    for name, exc in errors.items():
        if isinstance(exc, NotConnectedError):
            lines.extend("  " + line for line in str(exc).splitlines()[1:])
        else:
            lines.append(f"  {name}: {type(exc).__name__}: {exc}")
    return "\n".join(lines)


class Component(Generic[D]):
    """A child built on first access as ``cls(parent.prefix + suffix, name=..., **kwargs)``.

    ``cls`` is a signal class whose first argument is an address (``SoftSignal``,
    ``EpicsSignal``) or a ``Device`` subclass (nested: its prefix is the
    composed one). ``kind`` says how the child takes part in reads.
    """

    def __init__(
        self,
        cls: Callable[..., D],
        suffix: str = "",
        *,
        kind: Kind | str = Kind.normal,
        **kwargs: Any,
    ) -> None:
        self.cls = cls
        self.suffix = suffix
        self.kind = Kind[kind] if isinstance(kind, str) else kind
        self.kwargs = kwargs
        self.attr = ""

    def __set_name__(self, owner: type, attr: str) -> None:
        self.attr = attr

    def address(self, parent: Device) -> str:
        """The address (prefix + suffix) the child is built with."""
        return parent.prefix + self.suffix

    @overload
    def __get__(self, obj: None, owner: type) -> Component[D]: ...

    @overload
    def __get__(self, obj: Device, owner: type) -> D: ...

    def __get__(self, obj: Device | None, owner: type) -> Component[D] | D:
        if obj is None:
            return self
        name = f"{obj.name}{obj.separator}{self.attr}" if obj.name else ""
        child = self.cls(self.address(obj), name=name, **self.kwargs)
        kinds: dict[int, Kind] = obj.__dict__.setdefault("_kinds", {})
        kinds[id(child)] = self.kind
        setattr(obj, self.attr, child)
        return child


class FormattedComponent(Component[D]):
    """A component whose address is a template: ``'{prefix}Mtr:{self.axis}'``.

    The template is formatted with ``prefix`` (the parent's prefix), ``self`` (the
    parent) and the parent's public attributes; the prefix is NOT prepended.
    """

    def address(self, parent: Device) -> str:
        attrs = {k: v for k, v in vars(parent).items() if not k.startswith("_")}
        attrs["prefix"] = parent.prefix
        return self.suffix.format(self=parent, **attrs)


class DeviceVector(Device, Mapping[int, D], Generic[D]):
    """Indexed children: ``DeviceVector({1: m1, 2: m2})``; child names end in ``-1``."""

    def __init__(self, children: Mapping[int, D], *, name: str = "") -> None:
        self._devices: dict[int, D] = dict(children)
        for child in self._devices.values():
            child.parent = self
        super().__init__(name=name)

    def _built_children(self) -> Iterator[tuple[str, Device]]:
        for key, child in self._devices.items():
            yield str(key), child

    def __getitem__(self, key: int) -> D:
        return self._devices[key]

    def __iter__(self) -> Iterator[int]:
        return iter(self._devices)

    def __len__(self) -> int:
        return len(self._devices)

    def __hash__(self) -> int:
        return id(self)

    def __eq__(self, other: object) -> bool:
        return self is other

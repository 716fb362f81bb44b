"""Runtime-checkable protocols for device verbs, mirroring ``bluesky.protocols``.

``isinstance(obj, Movable)`` checks that the methods exist (not their
signatures). Actions return a ``Status``; reads may be ``async``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any, Protocol, TypedDict, TypeVar, runtime_checkable

from devices._backend import DataKey, Reading

__all__ = [
    "Collectable",
    "Configurable",
    "Flyable",
    "HasHints",
    "HasLimits",
    "HasName",
    "Locatable",
    "Location",
    "Movable",
    "Pausable",
    "Preparable",
    "Readable",
    "Stageable",
    "Status",
    "Stoppable",
    "Subscribable",
    "Triggerable",
    "WritesStreamAssets",
]

T = TypeVar("T")


class Location(TypedDict):
    """Where a ``Locatable`` is: the setpoint it was sent to and its readback."""

    setpoint: Any
    readback: Any


@runtime_checkable
class Status(Protocol):
    """The progress of an action: ``done``, ``success``, ``exception()``, callbacks."""

    @property
    def done(self) -> bool: ...

    @property
    def success(self) -> bool: ...

    def exception(self, timeout: float | None = 0.0) -> BaseException | None: ...

    def add_callback(self, callback: Callable[[Any], None]) -> None: ...


@runtime_checkable
class HasName(Protocol):
    """Has a ``name`` (and a ``parent``, None at the top)."""

    @property
    def name(self) -> str: ...

    @property
    def parent(self) -> Any: ...


@runtime_checkable
class Readable(HasName, Protocol):
    """``read()`` and ``describe()`` returning dicts keyed by field name."""

    async def read(self) -> dict[str, Reading[Any]]: ...

    async def describe(self) -> dict[str, DataKey]: ...


@runtime_checkable
class Configurable(Protocol):
    """``read_configuration()`` and ``describe_configuration()``."""

    async def read_configuration(self) -> dict[str, Reading[Any]]: ...

    async def describe_configuration(self) -> dict[str, DataKey]: ...


@runtime_checkable
class HasHints(HasName, Protocol):
    """A ``hints`` property naming the fields to show first."""

    @property
    def hints(self) -> Any: ...


@runtime_checkable
class Movable(Protocol):
    """``set(value)`` returning a Status."""

    def set(self, value: Any) -> Status: ...


@runtime_checkable
class HasLimits(Protocol):
    """``get_limits()``: the ``(low, high)`` positions ``set`` accepts, ``None`` for no bound.

    Reading them moves nothing. Plans check a whole trajectory against them before
    a run starts, and ``plans.sim`` uses them for dry runs.
    """

    async def get_limits(self) -> tuple[float | None, float | None]: ...


@runtime_checkable
class Locatable(Movable, Protocol):
    """``locate()``: the setpoint and readback."""

    async def locate(self) -> Location: ...


@runtime_checkable
class Triggerable(Protocol):
    """``trigger()`` returning a Status (e.g. take an exposure)."""

    def trigger(self) -> Status: ...


@runtime_checkable
class Stageable(Protocol):
    """``stage()`` / ``unstage()`` around a run, each returning a Status."""

    def stage(self) -> Status: ...

    def unstage(self) -> Status: ...


@runtime_checkable
class Preparable(Protocol):
    """``prepare(value)`` before a fly scan, returning a Status."""

    def prepare(self, value: Any) -> Status: ...


@runtime_checkable
class Flyable(HasName, Protocol):
    """``kickoff()`` then ``complete()``, each returning a Status."""

    def kickoff(self) -> Status: ...

    def complete(self) -> Status: ...


@runtime_checkable
class Collectable(HasName, Protocol):
    """``describe_collect()`` for the streams that ``collect`` documents will fill."""

    async def describe_collect(self) -> dict[str, DataKey] | dict[str, dict[str, DataKey]]: ...


@runtime_checkable
class WritesStreamAssets(Protocol):
    """``collect_asset_docs(index)`` yielding stream_resource / stream_datum pairs."""

    def collect_asset_docs(self, index: int | None = None) -> AsyncIterator[Any]: ...

    async def get_index(self) -> int: ...


@runtime_checkable
class Stoppable(Protocol):
    """``stop(success=True)``: halt motion or acquisition."""

    def stop(self, success: bool = True) -> Any: ...


@runtime_checkable
class Pausable(Protocol):
    """``pause()`` / ``resume()`` hooks the engine calls when a run pauses."""

    def pause(self) -> Any: ...

    def resume(self) -> Any: ...


@runtime_checkable
class Subscribable(HasName, Protocol):
    """``subscribe(cb)`` / ``clear_sub(cb)`` with ``cb({name: reading})``."""

    def subscribe(self, function: Callable[[dict[str, Reading[Any]]], None]) -> None: ...

    def clear_sub(self, function: Callable[[dict[str, Reading[Any]]], None]) -> None: ...

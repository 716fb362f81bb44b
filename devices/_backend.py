"""The signal backend interface and the shapes signals produce.

A backend is the one thing that differs between a soft, mock, Channel Access
(or, later, PV Access / HTTP / serial) signal. It is deliberately small so a new
transport plugs in without touching signals or devices. Timeouts are the
caller's: wrap calls in ``asyncio.timeout`` at the call site; ``connect`` takes a
timeout only so the backend can name it in its error message.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from typing import Generic, Literal, NotRequired, TypedDict, TypeVar

__all__ = ["DataKey", "Limits", "LimitsRange", "Reading", "SignalBackend"]

T = TypeVar("T")

Dtype = Literal["string", "number", "array", "boolean", "integer"]


class LimitsRange(TypedDict):
    """One low/high pair of a data key's limits (event-model ``LimitsRange``)."""

    low: float | None
    high: float | None


class Limits(TypedDict, total=False):
    """Control, display, warning and alarm limits of a data key."""

    control: LimitsRange
    display: LimitsRange
    warning: LimitsRange
    alarm: LimitsRange


class DataKey(TypedDict):
    """What ``describe()`` returns per key: the event-model DataKey shape."""

    source: str
    dtype: Dtype
    shape: list[int | None]
    dtype_numpy: NotRequired[str | list[tuple[str, str]]]
    external: NotRequired[str]
    units: NotRequired[str | None]
    precision: NotRequired[int | None]
    limits: NotRequired[Limits]
    choices: NotRequired[list[str]]
    object_name: NotRequired[str]


class Reading(TypedDict, Generic[T]):
    """What ``read()`` returns per key."""

    value: T
    timestamp: float
    alarm_severity: NotRequired[int]


class SignalBackend(ABC, Generic[T]):
    """Transport of one signal: connect, get, put and monitor a value of type ``T``.

    ``datatype`` is the Python type the signal was declared with (``float``,
    ``int``, ``bool``, ``str``, an ``Enum``/``StrEnum`` subclass, ``numpy.ndarray``,
    a structured ``numpy.ndarray`` for tables, ``Sequence[str]``), or ``None`` to
    take what the transport reports.
    """

    datatype: type[T] | None

    @abstractmethod
    def source(self, name: str, read: bool) -> str:
        """A URI naming where the value comes from, e.g. ``ca://Left-Mtr-X``.

        ``read`` is False for the write side of a signal with a separate setpoint.
        """

    @abstractmethod
    async def connect(self, timeout: float) -> None:
        """Connect (or fail with an error naming the source and the fix)."""

    @abstractmethod
    async def put(self, value: T | None, wait: bool) -> None:
        """Write ``value`` (``None`` for trigger-only signals).

        With ``wait=True`` return when the write has completed (put-callback for
        CA); with ``wait=False`` return once it is sent.
        """

    @abstractmethod
    async def get_datakey(self, source: str) -> DataKey:
        """The data key for ``describe()`` (units, precision, limits, choices)."""

    @abstractmethod
    async def get_reading(self) -> Reading[T]:
        """The current value with its timestamp and alarm severity."""

    @abstractmethod
    async def get_value(self) -> T:
        """The current value."""

    @abstractmethod
    async def get_setpoint(self) -> T:
        """The last value written (the setpoint), or the current value."""

    @abstractmethod
    def set_callback(self, callback: Callable[[Reading[T]], None] | None) -> None:
        """Call ``callback`` with every new reading (first with the current one).

        ``None`` removes the callback. Only one callback is set at a time; the
        signal fans out to its subscribers.
        """

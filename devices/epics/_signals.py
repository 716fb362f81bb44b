"""Channel Access signals: ``EpicsSignal``, ``EpicsSignalRO``, ``EpicsSignalWithRBV``,
``EpicsSignalX``.

Each takes a PV name first, so it plugs into the declarative style
(``x = Component(EpicsSignal, 'Mtr-X', datatype=float)`` builds
``EpicsSignal(prefix + 'Mtr-X', name=..., datatype=float)``) as well as the
attribute style (``self.x = EpicsSignal(prefix + 'Mtr-X')``).
"""

from __future__ import annotations

from typing import Any, TypeVar

from devices import DEFAULT_TIMEOUT, SignalR, SignalRW, SignalX
from devices.epics._ca_backend import CaSignalBackend

__all__ = ["EpicsSignal", "EpicsSignalRO", "EpicsSignalWithRBV", "EpicsSignalX"]

T = TypeVar("T")


class EpicsSignal(SignalRW[T]):
    """A read/write signal: reads ``read_pv``, writes ``write_pv`` (default: the same PV).

    ``datatype`` is checked against the PV on connect (``None``: what the PV
    serves). ``timeout`` bounds each ``set`` (``None`` for no bound, e.g. a
    motor move); ``put_timeout`` bounds the IOC's completion of a put at the
    backend (``None``: unbounded). ``monitor=True`` answers reads from a
    monitor kept open (see ``CaSignalBackend``'s ``monitor_reads``).
    """

    def __init__(
        self,
        read_pv: str,
        write_pv: str | None = None,
        *,
        datatype: type[T] | None = None,
        name: str = "",
        timeout: float | None = DEFAULT_TIMEOUT,
        put_timeout: float | None = None,
        monitor: bool = False,
    ) -> None:
        backend: CaSignalBackend[T] = CaSignalBackend(
            datatype, read_pv, write_pv, put_timeout=put_timeout, monitor_reads=monitor
        )
        super().__init__(backend, timeout=timeout, name=name)


class EpicsSignalRO(SignalR[T]):
    """A read-only signal of ``read_pv`` (``set`` raises ``ReadOnlyError``).

    ``monitor=True`` answers reads from a monitor kept open (no round trip).
    """

    def __init__(
        self,
        read_pv: str,
        *,
        datatype: type[T] | None = None,
        name: str = "",
        timeout: float | None = DEFAULT_TIMEOUT,
        monitor: bool = False,
    ) -> None:
        backend = CaSignalBackend(datatype, read_pv, monitor_reads=monitor)
        super().__init__(backend, timeout=timeout, name=name)


class EpicsSignalWithRBV(EpicsSignal[T]):
    """The areaDetector convention: write ``<pv>``, read ``<pv>_RBV``."""

    def __init__(
        self,
        pv: str,
        *,
        datatype: type[T] | None = None,
        name: str = "",
        timeout: float | None = DEFAULT_TIMEOUT,
        rbv_suffix: str = "_RBV",
    ) -> None:
        super().__init__(pv + rbv_suffix, pv, datatype=datatype, name=name, timeout=timeout)


class EpicsSignalX(SignalX):
    """A trigger-only signal: ``trigger()`` writes ``value`` (1 by default) to ``write_pv``."""

    def __init__(
        self,
        write_pv: str,
        *,
        name: str = "",
        timeout: float | None = DEFAULT_TIMEOUT,
        value: Any = 1,
    ) -> None:
        backend: CaSignalBackend[Any] = CaSignalBackend(None, write_pv)
        backend.trigger_value = value
        super().__init__(backend, timeout=timeout, name=name)

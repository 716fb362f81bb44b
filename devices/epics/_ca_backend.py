"""The Channel Access signal backend over aioca.

aioca keeps one CA context per process and one channel cache per event loop;
this backend adds what a signal needs on top: bounded connect/get/put with
errors that name the PV and the fix, datatype checks, put validation against the
PV's choices, drive limits and NELM, and a monitor that delivers every update
(``all_updates=True``) while it measures the backlog and reports disconnects.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any, Generic, TypeVar

import aioca
from aioca import _catools
from epicscorelibs.ca import cadef

from devices._backend import DataKey, Reading, SignalBackend
from devices.epics._convert import _Converter, _make_converter, _PvInfo
from devices.epics._errors import (
    CaConnectionError,
    CaDisconnectedError,
    CaError,
    CaPutError,
    CaReadOnlyError,
    CaTimeoutError,
    _addr_list_advice,
)

__all__ = ["CaSignalBackend"]

T = TypeVar("T")

_STRING, _ENUM, _CHAR = 0, 3, 4
_ECA_NOWTACCESS = 376
_ECA_BADCOUNT = 176
_ECA_PUTFAIL = 160


def _purge_closed_loops() -> None:
    """Drop aioca channel caches whose event loop has closed (a new loop starts clean)."""
    caches = _catools._Context._channel_caches
    for loop in [lp for lp in caches if lp.is_closed()]:
        caches.pop(loop).purge()


def _disconnected(pv: str) -> bool:
    """True if ``pv`` was connected on this loop and is not any more."""
    channel = _catools.get_channel(pv)
    return not channel.connected() and cadef.ca_state(channel) == cadef.cs_prev_conn


def _translate(pv: str, exc: BaseException, what: str) -> CaError:
    """Our error for an aioca/libca exception raised during ``what`` on ``pv``."""
    status = getattr(exc, "errorcode", getattr(exc, "status", None))
    if status == cadef.ECA_DISCONN:
        return CaDisconnectedError(
            f"ca://{pv}: disconnected during {what}: the IOC went away. It reconnects "
            "automatically when the IOC is back; retry then"
        )
    if status == _ECA_NOWTACCESS:
        return CaReadOnlyError(
            f"ca://{pv}: no write access (the PV is read-only for this client); "
            "write to the setpoint PV instead, or change the IOC's access security"
        )
    if status == _ECA_BADCOUNT:
        return CaPutError(f"ca://{pv}: {what} sent more elements than the PV holds (NELM)")
    message = cadef.ca_message(status) if isinstance(status, int) else str(exc)
    if status == _ECA_PUTFAIL:
        return CaPutError(f"ca://{pv}: the IOC rejected the {what}: {message}")
    return CaError(f"ca://{pv}: {what} failed: {message}")


class CaSignalBackend(SignalBackend[T], Generic[T]):
    """A signal backend reading ``read_pv`` and writing ``write_pv`` over CA.

    ``timeout`` bounds gets and puts without completion; ``put_timeout`` bounds
    a put with completion (``wait=True``), which lasts as long as the IOC's
    processing (a motor move). ``None`` means no bound for puts with completion.

    ``monitor_reads=True`` keeps a monitor open and answers ``get_reading`` /
    ``get_value`` from its latest update (no network round trip), like
    pyepics' auto-monitor. Use it for values that are read often and change on
    their own (beam current, temperatures), not for a detector read right after
    its trigger: the monitor may not have delivered the new value yet.
    """

    def __init__(
        self,
        datatype: type[T] | None,
        read_pv: str,
        write_pv: str | None = None,
        *,
        timeout: float = 10.0,
        put_timeout: float | None = None,
        monitor_reads: bool = False,
    ) -> None:
        self.datatype = datatype
        self.monitor_reads = monitor_reads
        self.read_pv = read_pv.removeprefix("ca://")
        self.write_pv = (write_pv or read_pv).removeprefix("ca://")
        self.timeout = timeout
        self.put_timeout = put_timeout
        self._conv: _Converter | None = None
        self._read_info: _PvInfo | None = None
        self._write_info: _PvInfo | None = None
        self._callback: Callable[[Reading[T]], None] | None = None
        self._sub: aioca.Subscription | None = None
        self._on_connection: list[Callable[[bool], None]] = []
        self._stats = {"updates": 0, "max_backlog": 0, "disconnects": 0, "reconnects": 0}
        self._monitor_connected = False
        self._sub_loop: asyncio.AbstractEventLoop | None = None
        self._last: Reading[T] | None = None
        self._first = asyncio.Event()
        self.trigger_value: Any = 1  # what put(None) writes (trigger-only signals)

    # ------------------------------------------------------------------ connect
    def source(self, name: str, read: bool) -> str:
        return f"ca://{self.read_pv if read else self.write_pv}"

    @property
    def connected(self) -> bool:
        """True once connected (and the monitor, if any, has not seen a disconnect)."""
        return self._conv is not None and (self._sub is None or self._monitor_connected)

    async def connect(self, timeout: float) -> None:
        _purge_closed_loops()
        pvs = list(dict.fromkeys([self.read_pv, self.write_pv]))
        # End a little before the caller's own timeout scope so that the error
        # that surfaces is this one, with the PV names and the advice.
        inner = max(timeout - 0.05, timeout * 0.9)
        try:
            async with asyncio.timeout(inner):
                await asyncio.gather(*(aioca.connect(pv, timeout=None) for pv in pvs))
        except TimeoutError:
            missing = [pv for pv in pvs if not _catools.get_channel(pv).connected()]
            names = " and ".join(f"ca://{pv}" for pv in missing or pvs)
            raise CaConnectionError(
                f"{names} did not connect within {timeout} s: no server answered the "
                f"search. {_addr_list_advice()}"
            ) from None
        infos = await asyncio.gather(*(self._info(pv) for pv in pvs))
        self._read_info, self._write_info = infos[0], infos[-1]
        self._conv = _make_converter(self._read_info, self.datatype)

    async def _info(self, pv: str) -> _PvInfo:
        info = await aioca.cainfo(pv, timeout=None)
        info_ = _PvInfo(pv, info.datatype, info.count, bool(info.write))
        if info_.dbf == _ENUM:  # the choices decide the converter: fetch them now
            await self._load_ctrl(info_)
        return info_

    async def _load_ctrl(self, info: _PvInfo) -> None:
        """Fetch choices and control limits (once; strings and char arrays have none)."""
        info.ctrl_loaded = True
        if info.dbf in (_STRING, _CHAR) and (info.count != 1 or info.dbf == _STRING):
            return
        ctrl = await self._ctrl(info.pv)
        info.choices = list(getattr(ctrl, "enums", []) or [])
        info.low = getattr(ctrl, "lower_ctrl_limit", None)
        info.high = getattr(ctrl, "upper_ctrl_limit", None)

    async def _ctrl(self, pv: str) -> Any:
        return await self._call(pv, "get", aioca.caget(pv, format=aioca.FORMAT_CTRL, timeout=None))

    def _converter(self) -> _Converter:
        if self._conv is None:
            raise CaConnectionError(
                f"ca://{self.read_pv}: not connected yet; await the signal's connect() "
                "(or init_devices) first"
            )
        return self._conv

    async def _call(self, pv: str, what: str, coro: Any, timeout: float | None = -1.0) -> Any:
        """Await an aioca call bounded by ``timeout``, translating its errors."""
        if _disconnected(pv):
            coro.close()
            raise _translate(pv, aioca.CANothing(pv, cadef.ECA_DISCONN), what)
        bound = self.timeout if timeout == -1.0 else timeout
        try:
            async with asyncio.timeout(bound):
                return await coro
        except TimeoutError:
            state = "connected" if _catools.get_channel(pv).connected() else "not connected"
            raise CaTimeoutError(
                f"ca://{pv}: {what} did not complete within {bound} s (channel {state}); "
                + (
                    "raise the timeout if the IOC is slow"
                    if state == "connected"
                    else _addr_list_advice()
                )
            ) from None
        except cadef.Disconnected as exc:
            raise _translate(pv, aioca.CANothing(pv, cadef.ECA_DISCONN), what) from exc
        except (aioca.CANothing, cadef.CAException) as exc:
            raise _translate(pv, exc, what) from exc

    # ------------------------------------------------------------------ get/put
    async def get_value(self) -> T:
        if self.monitor_reads and (cached := await self._monitored()) is not None:
            return cached["value"]
        conv = self._converter()
        raw = await self._call(
            self.read_pv,
            "get",
            aioca.caget(self.read_pv, datatype=conv.request, count=conv.count, timeout=None),
        )
        return conv.value(raw)  # type: ignore[no-any-return]

    async def get_reading(self) -> Reading[T]:
        if self.monitor_reads and (cached := await self._monitored()) is not None:
            return cached
        conv = self._converter()
        raw = await self._call(
            self.read_pv,
            "get",
            aioca.caget(
                self.read_pv,
                datatype=conv.request,
                format=aioca.FORMAT_TIME,
                count=conv.count,
                timeout=None,
            ),
        )
        return {
            "value": conv.value(raw),
            "timestamp": raw.timestamp,
            "alarm_severity": raw.severity,
        }

    def get_reading_nowait(self) -> Reading[T] | None:
        """The monitor's latest reading if ``monitor_reads`` has one on this loop, else
        None (then ``get_reading`` starts the monitor or asks the IOC)."""
        if self.monitor_reads and self._sub_loop is asyncio.get_running_loop():
            return self._last
        return None

    async def _monitored(self) -> Reading[T] | None:
        """The monitor's latest reading (starting the monitor); None: ask the IOC."""
        if self._sub is None:
            self._start_monitor()
        elif self._sub_loop is not asyncio.get_running_loop():
            return None  # the monitor lives on another event loop
        if self._last is None and self._monitor_connected:
            try:
                async with asyncio.timeout(self.timeout):
                    await self._first.wait()
            except TimeoutError:
                return None
        return self._last

    async def get_setpoint(self) -> T:
        conv = self._converter()
        raw = await self._call(
            self.write_pv,
            "get",
            aioca.caget(self.write_pv, datatype=conv.request, count=conv.count, timeout=None),
        )
        return conv.value(raw)  # type: ignore[no-any-return]

    async def get_datakey(self, source: str) -> DataKey:
        conv = self._converter()
        assert self._read_info is not None
        ctrl = None
        if conv.kind in ("float", "int", "array"):
            ctrl = await self._ctrl(self.read_pv)
        return conv.datakey(source, self._read_info, ctrl)

    async def put(self, value: T | None, wait: bool) -> None:
        conv = self._converter()
        target = self._write_info
        assert target is not None
        if value is None:
            value = self.trigger_value  # a trigger-only PV: process it
        if not target.writable and _catools.get_channel(self.write_pv).connected():
            raise _translate(self.write_pv, aioca.CANothing(self.write_pv, _ECA_NOWTACCESS), "put")
        if not target.ctrl_loaded:  # drive limits, fetched on the first put
            await self._load_ctrl(target)
        raw, datatype = conv.to_put(value, target)
        what = "put with completion" if wait else "put"
        await self._call(
            self.write_pv,
            what,
            aioca.caput(self.write_pv, raw, datatype=datatype, wait=wait, timeout=None),
            self.put_timeout if wait else self.timeout,
        )

    # ------------------------------------------------------------------ monitor
    def set_callback(self, callback: Callable[[Reading[T]], None] | None) -> None:
        self._callback = callback
        if callback is None:
            if not self.monitor_reads:
                self._close_monitor()
            return
        if self._sub is not None and self._sub_loop is asyncio.get_running_loop():
            if self._last is not None:
                callback(self._last)  # the current reading; the monitor brings the rest
            return
        self._close_monitor()
        self._start_monitor()

    def _start_monitor(self) -> None:
        conv = self._converter()
        self._monitor_connected = True
        self._last = None
        self._first = asyncio.Event()
        self._sub_loop = asyncio.get_running_loop()
        self._sub = aioca.camonitor(
            self.read_pv,
            self._on_update,
            datatype=conv.request,
            format=aioca.FORMAT_TIME,
            count=conv.count,
            all_updates=True,
            notify_disconnect=True,
        )

    def _close_monitor(self) -> None:
        if self._sub is not None:
            self._sub.close()
            self._sub = None
            self._last = None

    def _on_update(self, raw: Any) -> None:
        if isinstance(raw, aioca.CANothing):
            self._monitor_connected = False
            self._last = None
            self._stats["disconnects"] += 1
            for cb in list(self._on_connection):
                cb(False)
            return
        if not self._monitor_connected:
            self._monitor_connected = True
            self._stats["reconnects"] += 1
            for cb in list(self._on_connection):
                cb(True)
        stats = self._stats
        stats["updates"] += 1
        sub = self._sub
        if sub is not None:
            backlog = len(sub.pending_values)
            if backlog > stats["max_backlog"]:
                stats["max_backlog"] = backlog
        if self._conv is None:
            return
        reading: Reading[T] = {
            "value": self._conv.value(raw),
            "timestamp": raw.timestamp,
            "alarm_severity": raw.severity,
        }
        self._last = reading
        self._first.set()
        if self._callback is not None:
            self._callback(reading)

    def add_connection_callback(self, callback: Callable[[bool], None]) -> Callable[[], None]:
        """Call ``callback(False)`` when the monitored PV disconnects, ``(True)`` when back.

        Returns a function that removes the callback.
        """
        self._on_connection.append(callback)
        return lambda: self._on_connection.remove(callback)

    def statistics(self) -> dict[str, int | float | bool]:
        """Monitor figures: updates delivered, largest backlog seen, disconnects."""
        return {**self._stats, "connected": self.connected, "at": time.time()}

"""``init_devices()``: name devices after their variables and connect them together."""

from __future__ import annotations

import asyncio
import sys
from types import FrameType, TracebackType
from typing import Any

from devices._device import DEFAULT_TIMEOUT, Device, _connect_all
from devices._exceptions import DeviceError, NameCollisionError
from devices._signal import Signal

__all__ = ["init_devices"]


class init_devices:
    """Context manager: devices assigned inside the block are named and connected.

    ::

        async with init_devices(mock=True):
            m1 = SimMotor()          # named "m1", connected with mock backends

    All devices connect concurrently; failures raise ONE ``NotConnectedError``
    listing each device, signal, source and reason. Two devices with the same
    name raise ``NameCollisionError``.

    In a script (no running loop) the sync form works too: ``with init_devices():``
    connects on ``loop`` if given (e.g. ``RE.loop`` of a blocking ``acq.RunEngine``, so
    that remote backends live on the loop the engine runs plans on), else on a running
    bluesky RunEngine's loop, else on a loop ``devices`` keeps for the process.
    """

    def __init__(
        self,
        mock: bool = False,
        timeout: float = DEFAULT_TIMEOUT,
        set_name: bool = True,
        connect: bool = True,
        loop: asyncio.AbstractEventLoop | None = None,
    ) -> None:
        self.loop = loop
        self.mock = mock
        self.timeout = timeout
        self.set_name = set_name
        self.connect = connect
        self.devices: dict[str, Device] = {}
        self._frame: FrameType | None = None
        self._before: dict[str, int] = {}

    def __enter__(self) -> init_devices:
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            pass
        else:
            raise DeviceError(
                "init_devices(): `with init_devices():` cannot connect inside a running event "
                "loop (a notebook cell, an async function); write `async with init_devices():`"
            )
        self._frame = sys._getframe(1)
        self._before = {k: id(v) for k, v in self._frame.f_locals.items()}
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        coro = self.__aexit__(exc_type, exc, tb)
        loop = self.loop or _bluesky_loop()
        if loop is None:
            loop = _own_loop()
        if loop.is_running():  # e.g. bluesky's RunEngine loop, in its own thread
            asyncio.run_coroutine_threadsafe(coro, loop).result()
        else:
            loop.run_until_complete(coro)

    async def __aenter__(self) -> init_devices:
        self._frame = sys._getframe(1)
        self._before = {k: id(v) for k, v in self._frame.f_locals.items()}
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        frame, self._frame = self._frame, None
        if exc_type is not None or frame is None:
            return
        found = {
            k: v
            for k, v in frame.f_locals.items()
            if isinstance(v, Device) and self._before.get(k) != id(v) and not k.startswith("_")
        }
        del frame
        if self.set_name:
            for var, dev in found.items():
                if not dev.name:
                    dev.set_name(var)
        _check_names(found)
        self.devices = found
        if self.connect:
            leaves: list[Any] = []
            for dev in found.values():
                flat = type(dev).connect is Device.connect and not isinstance(dev, Signal)
                leaves.extend(dev._leaves() if flat else [dev])
            await _connect_all(leaves, self.mock, self.timeout, False, "init_devices")


_OWN_LOOP: list[asyncio.AbstractEventLoop] = []


def _own_loop() -> asyncio.AbstractEventLoop:
    """The loop sync ``init_devices`` connects on when no other is known (kept, not closed)."""
    if not _OWN_LOOP or _OWN_LOOP[0].is_closed():
        _OWN_LOOP[:] = [asyncio.new_event_loop()]
    return _OWN_LOOP[0]


def _bluesky_loop() -> asyncio.AbstractEventLoop | None:
    """The loop of a bluesky RunEngine running in its own thread, if one exists."""
    module = sys.modules.get("bluesky.run_engine")
    loop = getattr(module, "_bluesky_event_loop", None)
    if isinstance(loop, asyncio.AbstractEventLoop) and loop.is_running():
        return loop
    return None


def _check_names(devices: dict[str, Any]) -> None:
    by_name: dict[str, str] = {}
    for var, dev in devices.items():
        other = by_name.setdefault(dev.name, var)
        if other != var:
            raise NameCollisionError(
                f"init_devices: {other!r} and {var!r} are both named {dev.name!r}; "
                "give each device its own name"
            )

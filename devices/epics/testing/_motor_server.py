"""A caproto server emulating the EPICS motor record (not part of EPICS base).

Each motor ``<prefix><name>`` serves the fields the devices use: ``.VAL``,
``.RBV``, ``.DMOV``, ``.MOVN``, ``.STOP``, ``.VELO``, ``.ACCL``, ``.HLM``,
``.LLM``, ``.EGU``, ``.PREC``, ``.DESC``, ``.MSTA``, ``.LVIO``. A put to
``.VAL`` moves the readback at ``VELO`` (after an ``ACCL`` ramp) in 20 ms
steps and completes its put callback when the move is done (DMOV=1), like the
record. A put outside HLM/LLM sets LVIO and does not move. ``.STOP`` stops.

Run: ``python -m devices.epics.testing._motor_server --prefix SIM: --motors m1,m2``
(the port comes from ``EPICS_CAS_SERVER_PORT``; interfaces from
``EPICS_CAS_INTF_ADDR_LIST``).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
from typing import Any

from caproto import ChannelType
from caproto.server import PVGroup, pvproperty, run

_STEP = 0.02
_MSTA_DONE = 1 << 1
_MSTA_MOVING = 1 << 10
_MSTA_HOMED = 1 << 14


class _Motor(PVGroup):  # type: ignore[misc]
    """The fields of one simulated motor record."""

    val = pvproperty(name=".VAL", value=0.0, precision=3, units="mm")
    rbv = pvproperty(name=".RBV", value=0.0, precision=3, units="mm", read_only=True)
    dmov = pvproperty(name=".DMOV", value=1, read_only=True)
    movn = pvproperty(name=".MOVN", value=0, read_only=True)
    stop = pvproperty(name=".STOP", value=0)
    velo = pvproperty(name=".VELO", value=10.0, precision=3)
    accl = pvproperty(name=".ACCL", value=0.02, precision=3)
    hlm = pvproperty(name=".HLM", value=100.0, precision=3)
    llm = pvproperty(name=".LLM", value=-100.0, precision=3)
    egu = pvproperty(name=".EGU", value="mm", dtype=ChannelType.STRING)
    prec = pvproperty(name=".PREC", value=3)
    desc = pvproperty(name=".DESC", value="simulated motor", dtype=ChannelType.STRING)
    msta = pvproperty(name=".MSTA", value=_MSTA_DONE | _MSTA_HOMED, read_only=True)
    lvio = pvproperty(name=".LVIO", value=0, read_only=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._move: asyncio.Task[None] | None = None
        self._done = asyncio.Event()
        self._done.set()

    @val.putter  # type: ignore[untyped-decorator,no-redef]
    async def val(self, instance: Any, value: float) -> float:
        if not self.llm.value <= value <= self.hlm.value:
            await self.lvio.write(1)
            return float(self.val.value)  # the record refuses: VAL keeps its value
        await self.lvio.write(0)
        if self._move is not None:
            self._move.cancel()
        self._done.clear()
        await self._set_moving(True)
        self._move = asyncio.get_running_loop().create_task(self._run_move(float(value)))
        await instance.write(value, verify_value=False)  # VAL shows the target at once
        await self._done.wait()  # the put callback completes when the move is done
        return float(self.val.value)

    async def _run_move(self, target: float) -> None:
        try:
            start = float(self.rbv.value)
            speed = max(float(self.velo.value), 1e-6)
            ramp = max(float(self.accl.value), 0.0)
            loop = asyncio.get_running_loop()
            t0 = loop.time()
            duration = abs(target - start) / speed + ramp
            while True:
                await asyncio.sleep(_STEP)
                frac = min(1.0, (loop.time() - t0) / duration) if duration > 0 else 1.0
                await self.rbv.write(start + (target - start) * frac)
                if frac >= 1.0:
                    break
        finally:
            self._move = None
            if not asyncio.current_task().cancelling():  # type: ignore[union-attr]
                await self._set_moving(False)
                self._done.set()

    async def _set_moving(self, moving: bool) -> None:
        await self.movn.write(int(moving))
        await self.dmov.write(int(not moving))
        await self.msta.write((_MSTA_MOVING if moving else _MSTA_DONE) | _MSTA_HOMED)

    @stop.putter  # type: ignore[untyped-decorator,no-redef]
    async def stop(self, instance: Any, value: int) -> int:
        if value and self._move is not None:
            self._move.cancel()
            self._move = None
            await self.val.write(float(self.rbv.value), verify_value=False)
            await self._set_moving(False)
            self._done.set()
        return 0


class _Motors(PVGroup):  # type: ignore[misc]
    """A set of motors under one prefix."""

    def __init__(self, prefix: str, names: list[str]) -> None:
        super().__init__(prefix)
        self.motors = {n: _Motor(f"{prefix}{n}") for n in names}
        for m in self.motors.values():
            self.pvdb.update(m.pvdb)


def _main(argv: list[str] | None = None) -> None:
    """Serve the motors until killed; print a line once listening."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--prefix", default="SIM:")
    parser.add_argument("--motors", default="m1,m2")
    args = parser.parse_args(argv)
    group = _Motors(args.prefix, [n for n in args.motors.split(",") if n])
    # Beacons to a repeater nobody runs are refused: not worth a log line each.
    logging.getLogger("caproto").setLevel(logging.CRITICAL)
    interfaces = os.environ.get("EPICS_CAS_INTF_ADDR_LIST", "127.0.0.1").split()

    async def ready(async_lib: Any) -> None:
        print(f"ACQ-MOTOR-SERVER-READY {args.prefix} {args.motors}", flush=True)

    run(group.pvdb, interfaces=interfaces, startup_hook=ready)


if __name__ == "__main__":
    _main(sys.argv[1:])

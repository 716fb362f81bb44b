"""A simulated beamline served over Channel Access on 127.0.0.1.

Two server processes:

- a caproto server emulating motor records ``SIM:m1``, ``SIM:m2``, ``SIM:m3``
  (``.VAL``, ``.RBV``, ``.DMOV``, ``.STOP``, ``.VELO``...);
- a real IOC (``python -m epicscorelibs.ioc``) with the beam current
  ``SIM:ring:current``, a shutter ``SIM:shutter``, point detectors
  ``SIM:det1`` (a peak at m1 = 1) and ``SIM:det2`` (a slope in m2), a scaler
  ``SIM:scaler1:`` and an areaDetector-style camera ``SIM:cam1:``.

Run it with ``python -m devices.epics.sim_ioc`` (``acq ioc sim`` does the same);
it prints the ``EPICS_CA_ADDR_LIST`` clients need. In Python,
``SimBeamline().start()`` starts both on ports of this process's pool (so this
process's CA client reaches them) and ``stop()`` stops them.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from types import TracebackType
from typing import Self

from devices.epics.testing._ioc import MotorSimServer, SoftIoc

__all__ = ["SimBeamline", "main"]


class SimBeamline:
    """The simulated beamline's two servers (see the module docstring)."""

    def __init__(
        self,
        prefix: str = "SIM:",
        *,
        ioc_port: int | None = None,
        motor_port: int | None = None,
    ) -> None:
        self.prefix = prefix
        self.motors = MotorSimServer(prefix, ("m1", "m2", "m3"), port=motor_port)
        self._ioc_port = ioc_port
        self.ioc: SoftIoc | None = None

    def start(self) -> Self:
        """Start the motor server, then the IOC whose detectors read the motors."""
        self.motors.start()
        assert self.motors.port is not None
        p = self.prefix
        self.ioc = SoftIoc(
            [
                ("beamline.db", f"P={p},M={p}"),
                ("scaler.db", f"P={p}scaler1:"),
                ("camera.db", f"P={p}cam1:"),
            ],
            port=self._ioc_port,
            link_ports=[self.motors.port],
        )
        try:
            self.ioc.start()
        except BaseException:
            self.motors.stop(release=True)
            raise
        return self

    @property
    def addr_list(self) -> str:
        """The ``EPICS_CA_ADDR_LIST`` a client needs to reach both servers."""
        ports = [self.ioc.port if self.ioc else None, self.motors.port]
        return " ".join(f"127.0.0.1:{port}" for port in ports if port is not None)

    def stop(self) -> None:
        """Stop both servers."""
        if self.ioc is not None:
            self.ioc.stop(release=True)
        self.motors.stop(release=True)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


def main(argv: list[str] | None = None) -> int:
    """Serve the simulated beamline until Ctrl-C (or SIGTERM)."""
    parser = argparse.ArgumentParser(
        prog="python -m devices.epics.sim_ioc", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--prefix", default="SIM:", help="PV prefix (default SIM:)")
    parser.add_argument("--ioc-port", type=int, default=5064, help="IOC port (default 5064)")
    parser.add_argument("--motor-port", type=int, default=5070, help="motor port (default 5070)")
    args = parser.parse_args(argv)
    sim = SimBeamline(args.prefix, ioc_port=args.ioc_port, motor_port=args.motor_port)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    with sim:
        print(
            f"Simulated beamline {args.prefix} is running. In the client's shell:\n"
            f'    export EPICS_CA_ADDR_LIST="{sim.addr_list}" EPICS_CA_AUTO_ADDR_LIST=NO\n'
            f"PVs: {args.prefix}m1..m3 (motor records), {args.prefix}det1, {args.prefix}det2, "
            f"{args.prefix}ring:current, {args.prefix}shutter, {args.prefix}scaler1:*, "
            f"{args.prefix}cam1:*. Ctrl-C stops it.",
            flush=True,
        )
        try:
            while not stop.wait(0.5):
                pass
        except KeyboardInterrupt:
            pass
    return 0


if __name__ == "__main__":
    sys.exit(main())

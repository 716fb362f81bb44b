"""``acq ioc sim``: serve the simulated beamline over EPICS Channel Access."""

from __future__ import annotations

import argparse
import importlib

_EPILOG = """\
The simulated beamline runs until Ctrl-C. It prints the EPICS_CA_ADDR_LIST to
export in the shell of the client (an acq session, caget/caput, a display).
"""


def _add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.epilog = _EPILOG
    parser.add_argument("which", choices=["sim"], help="which IOC: sim (the simulated beamline)")
    parser.add_argument("--prefix", default="SIM:", help="PV prefix (default SIM:)")
    parser.add_argument("--ioc-port", type=int, default=5064, help="IOC port (default 5064)")
    parser.add_argument("--motor-port", type=int, default=5070, help="motor port (default 5070)")


def _run(ns: argparse.Namespace) -> int:
    try:
        sim_ioc = importlib.import_module("devices.epics.sim_ioc")
    except ImportError as exc:
        print(f"acq ioc: the Channel Access simulation is not available here ({exc}).")
        return 2
    argv = ["--prefix", ns.prefix, "--ioc-port", str(ns.ioc_port)]
    argv += ["--motor-port", str(ns.motor_port)]
    rc: int = sim_ioc.main(argv)
    return rc

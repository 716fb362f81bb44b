"""Simulated devices: motors, point and image detectors, a slit, a beamline factory,
and an image detector writing HDF5 files for step and fly scans.

They power the demo, the tutorials and most tests. Give them a ``VirtualClock``
to run moves and exposures in virtual time (no waiting).
"""

from __future__ import annotations

from devices.sim._beamline import SimBeamline, SimSlit, sim_beamline
from devices.sim._clock import RealClock, VirtualClock
from devices.sim._detector import SimDetector, SimImageDetector
from devices.sim._hdf5 import SimHDF5Detector
from devices.sim._motor import SimMotor

__all__ = [
    "RealClock",
    "SimBeamline",
    "SimDetector",
    "SimHDF5Detector",
    "SimImageDetector",
    "SimMotor",
    "SimSlit",
    "VirtualClock",
    "sim_beamline",
]

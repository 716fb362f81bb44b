"""EPICS Channel Access signals and devices over aioca.

- Signals: ``EpicsSignal`` (read/write, optional separate write PV),
  ``EpicsSignalRO``, ``EpicsSignalWithRBV`` (``<pv>`` / ``<pv>_RBV``),
  ``EpicsSignalX`` (trigger-only); their backend is ``CaSignalBackend``.
- Devices: ``EpicsMotor`` (motor record), ``EpicsScaler`` (scaler-like counter),
  ``AreaDetectorCam`` (areaDetector-style camera).
- Errors: ``CaError`` and its subclasses (tree in ``devices.epics._errors``), each
  also a ``devices`` error (``CaLimitError`` is a ``LimitError``...).
- Servers for tests and demos: ``devices.epics.testing``; the simulated beamline:
  ``python -m devices.epics.sim_ioc``.
"""

from __future__ import annotations

from devices.epics._ca_backend import CaSignalBackend
from devices.epics._detectors import AreaDetectorCam, EpicsScaler
from devices.epics._errors import (
    CaChoiceError,
    CaConnectionError,
    CaDatatypeError,
    CaDisconnectedError,
    CaError,
    CaLimitError,
    CaPutError,
    CaReadOnlyError,
    CaTimeoutError,
    CaValueError,
)
from devices.epics._motor import EpicsMotor, MotorStoppedError
from devices.epics._signals import EpicsSignal, EpicsSignalRO, EpicsSignalWithRBV, EpicsSignalX

__all__ = [
    "AreaDetectorCam",
    "CaChoiceError",
    "CaConnectionError",
    "CaDatatypeError",
    "CaDisconnectedError",
    "CaError",
    "CaLimitError",
    "CaPutError",
    "CaReadOnlyError",
    "CaSignalBackend",
    "CaTimeoutError",
    "CaValueError",
    "EpicsMotor",
    "EpicsScaler",
    "EpicsSignal",
    "EpicsSignalRO",
    "EpicsSignalWithRBV",
    "EpicsSignalX",
    "MotorStoppedError",
]

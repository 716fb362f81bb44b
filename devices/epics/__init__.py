"""EPICS Channel Access signals and devices over aioca.

Errors (all ``CaError``, see :mod:`devices.epics._errors` for the tree):
``CaConnectionError``, ``CaDisconnectedError``, ``CaTimeoutError``,
``CaDatatypeError``, ``CaValueError``, ``CaPutError``.
"""

from __future__ import annotations

from devices.epics._ca_backend import CaSignalBackend
from devices.epics._convert import SubsetEnum
from devices.epics._errors import (
    CaConnectionError,
    CaDatatypeError,
    CaDisconnectedError,
    CaError,
    CaPutError,
    CaTimeoutError,
    CaValueError,
)

__all__ = [
    "CaConnectionError",
    "CaDatatypeError",
    "CaDisconnectedError",
    "CaError",
    "CaPutError",
    "CaSignalBackend",
    "CaTimeoutError",
    "CaValueError",
    "SubsetEnum",
]

"""Errors of the Channel Access layer.

::

    CaError                      anything CA-related failed (names the PV and the fix)
    ├── CaConnectionError        a PV did not connect (also a ConnectionError)
    │   └── CaDisconnectedError      a connected PV went away (IOC stopped)
    ├── CaTimeoutError           a get/put did not finish in time (also a TimeoutError)
    ├── CaDatatypeError          the declared datatype does not fit the PV (also a TypeError)
    ├── CaValueError             a value the PV cannot take (also a ValueError):
    │                            enum string not in choices, outside DRVL..DRVH, longer
    │                            than NELM
    └── CaPutError               the IOC refused a put (no write access, put failed)
"""

from __future__ import annotations

import os

__all__ = [
    "CaConnectionError",
    "CaDatatypeError",
    "CaDisconnectedError",
    "CaError",
    "CaPutError",
    "CaTimeoutError",
    "CaValueError",
]


class CaError(Exception):
    """Root of the Channel Access errors."""


class CaConnectionError(CaError, ConnectionError):
    """A PV did not connect."""


class CaDisconnectedError(CaConnectionError):
    """A PV that was connected is not any more."""


class CaTimeoutError(CaError, TimeoutError):
    """A get or put did not complete in time."""


class CaDatatypeError(CaError, TypeError):
    """The declared datatype does not match the PV's native type."""


class CaValueError(CaError, ValueError):
    """A value the PV cannot take."""


class CaPutError(CaError):
    """The IOC refused or failed a put."""


def _addr_list_advice() -> str:
    addr = os.environ.get("EPICS_CA_ADDR_LIST")
    auto = os.environ.get("EPICS_CA_AUTO_ADDR_LIST", "YES")
    now = f"EPICS_CA_ADDR_LIST={addr!r}" if addr else "EPICS_CA_ADDR_LIST is not set"
    return (
        f"Is the IOC running and the PV name right? Is EPICS_CA_ADDR_LIST set "
        f"({now}, EPICS_CA_AUTO_ADDR_LIST={auto})?"
    )

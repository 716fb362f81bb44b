"""Errors of the Channel Access layer.

Each also derives from the matching ``devices`` error, so code written against
``devices`` (``except LimitError``) works for CA signals too::

    CaError (DeviceError)            anything CA-related failed (names the PV and the fix)
    ├── CaConnectionError (ConnectionError)   a PV did not connect
    │   └── CaDisconnectedError               a connected PV went away (IOC stopped)
    ├── CaTimeoutError (DeviceTimeoutError)   a get/put did not finish in time
    ├── CaDatatypeError (DatatypeError)       the declared datatype does not fit the PV
    ├── CaValueError (InvalidValueError)      a value the PV cannot take (e.g. > NELM)
    │   ├── CaChoiceError (ChoiceError)           enum string not in the PV's choices
    │   └── CaLimitError (LimitError)             outside DRVL..DRVH
    └── CaPutError                            the IOC refused or failed a put
        └── CaReadOnlyError (ReadOnlyError)       no write access
"""

from __future__ import annotations

import os
import re

from devices import (
    ChoiceError,
    DatatypeError,
    DeviceError,
    DeviceTimeoutError,
    InvalidValueError,
    LimitError,
    ReadOnlyError,
)

__all__ = [
    "CaChoiceError",
    "CaConnectionError",
    "CaDatatypeError",
    "CaDisconnectedError",
    "CaError",
    "CaLimitError",
    "CaPutError",
    "CaReadOnlyError",
    "CaTimeoutError",
    "CaValueError",
]


class CaError(DeviceError):
    """Root of the Channel Access errors."""

    def __init__(self, message: str = "") -> None:
        # A signal prefixes "name (ca://PV): " to a message that starts with
        # "ca://PV: "; say the PV once.
        super().__init__(re.sub(r"\((ca://[^)]+)\): \1: ", r"(\1): ", message))


class CaConnectionError(CaError, ConnectionError):
    """A PV did not connect."""


class CaDisconnectedError(CaConnectionError):
    """A PV that was connected is not any more."""


class CaTimeoutError(CaError, DeviceTimeoutError):
    """A get or put did not complete in time."""


class CaDatatypeError(CaError, DatatypeError):
    """The declared datatype does not match the PV's native type."""


class CaValueError(CaError, InvalidValueError):
    """A value the PV cannot take."""


class CaChoiceError(CaValueError, ChoiceError):
    """An enum value that is not one of the PV's choices."""


class CaLimitError(CaValueError, LimitError):
    """A value outside the PV's drive limits (DRVL, DRVH)."""


class CaPutError(CaError):
    """The IOC refused or failed a put."""


class CaReadOnlyError(CaPutError, ReadOnlyError):
    """A put to a PV this client may not write."""


def _addr_list_advice() -> str:
    addr = os.environ.get("EPICS_CA_ADDR_LIST")
    auto = os.environ.get("EPICS_CA_AUTO_ADDR_LIST", "YES")
    now = f"EPICS_CA_ADDR_LIST={addr!r}" if addr else "EPICS_CA_ADDR_LIST is not set"
    return (
        f"Is the IOC running and the PV name right? Is EPICS_CA_ADDR_LIST set "
        f"({now}, EPICS_CA_AUTO_ADDR_LIST={auto})?"
    )

"""The ``devices`` exception tree: every error raised by devices derives from ``DeviceError``.

::

    DeviceError                         root; catch this to catch anything from devices
    +-- NotConnectedError               connect failed; lists every failed child, source, reason
    +-- BackendMismatchError            connect(mock=...) again with a different backend
    +-- NameCollisionError              two devices or readings would carry the same name
    +-- DeviceTimeoutError (TimeoutError)   a put, wait or status did not finish in time
    +-- ReadOnlyError (AttributeError)  writing a read-only signal
    +-- InvalidValueError (ValueError)  a value the signal cannot take
    |   +-- DatatypeError (TypeError)   wrong Python type for the signal's datatype
    |   +-- LimitError                  outside the signal's control limits
    |   +-- ChoiceError                 not one of an enum signal's choices
    +-- StatusFailedError               an action's status failed with a non-device error

Messages name the device or signal (and its source), what was expected, what was
seen and the fix. The builtin second bases let generic code catch ``TimeoutError``,
``ValueError`` or ``TypeError`` as usual.
"""

from __future__ import annotations

__all__ = [
    "BackendMismatchError",
    "ChoiceError",
    "DatatypeError",
    "DeviceError",
    "DeviceTimeoutError",
    "InvalidValueError",
    "LimitError",
    "NameCollisionError",
    "NotConnectedError",
    "ReadOnlyError",
    "StatusFailedError",
]


class DeviceError(Exception):
    """Root of every error raised by the ``devices`` package."""


class NotConnectedError(DeviceError):
    """One or more children failed to connect.

    ``errors`` maps each failed signal's name to the exception it raised; the
    message lists each one with its source and reason.
    """

    def __init__(self, message: str, errors: dict[str, BaseException] | None = None) -> None:
        super().__init__(message)
        self.errors: dict[str, BaseException] = dict(errors or {})


class BackendMismatchError(DeviceError):
    """A device already connected with one backend kind is connected with another."""


class NameCollisionError(DeviceError):
    """Two devices, or two readings of one device, would carry the same name."""


class DeviceTimeoutError(DeviceError, TimeoutError):
    """A put, a wait for a value or an action did not complete within its timeout."""


class ReadOnlyError(DeviceError, AttributeError):
    """A write was attempted on a read-only signal."""


class InvalidValueError(DeviceError, ValueError):
    """A value the signal cannot take (base of the specific value errors)."""


class DatatypeError(InvalidValueError, TypeError):
    """The value's type does not match the signal's datatype."""


class LimitError(InvalidValueError):
    """The value lies outside the signal's control limits."""


class ChoiceError(InvalidValueError):
    """The value is not one of the enum signal's choices."""


class StatusFailedError(DeviceError):
    """An action's status failed with an error that was not a ``DeviceError``.

    The original exception is the ``__cause__``.
    """

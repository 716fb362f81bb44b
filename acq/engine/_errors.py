"""Internal signals raised into a plan when the user ends it (stop, abort, halt)."""

from __future__ import annotations

from acq._exceptions import RunInterrupted

__all__: list[str] = []


class _Interrupted(Exception):
    """A blocking step was cut short by a pause/suspend; the engine retries it."""


class _RequestEnd(RunInterrupted):
    """Raised into the plan: the user asked the run to end."""

    kind = "stop"


class _StopRequested(_RequestEnd):
    kind = "stop"


class _AbortRequested(_RequestEnd):
    kind = "abort"


class _HaltRequested(_RequestEnd):
    kind = "halt"


_END_EXCEPTIONS: dict[str, type[_RequestEnd]] = {
    "stop": _StopRequested,
    "abort": _AbortRequested,
    "halt": _HaltRequested,
}

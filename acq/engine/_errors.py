"""Internal signals raised into a plan when the user ends it (stop, abort, halt).

Each carries the ``exit_status`` its run should close with, which run wrappers
(``plans.run_wrapper``, bluesky's ``run_wrapper``) read. When bluesky is already
imported, the raised exception is also a ``bluesky.utils.RequestStop`` /
``RequestAbort``, so bluesky generator plans treat it as a RunEngine control
exception; bluesky is never imported here.
"""

from __future__ import annotations

import sys

from acq._exceptions import RunInterrupted

__all__: list[str] = []


class _Interrupted(Exception):
    """A blocking step was cut short by a pause/suspend; the engine retries it."""


class _RequestEnd(RunInterrupted):
    """Raised into the plan: the user asked the run to end."""

    kind = "stop"
    exit_status = "success"


class _StopRequested(_RequestEnd):
    kind = "stop"
    exit_status = "success"


class _AbortRequested(_RequestEnd):
    kind = "abort"
    exit_status = "abort"


class _HaltRequested(_RequestEnd):
    kind = "halt"
    exit_status = "abort"


_END_EXCEPTIONS: dict[str, type[_RequestEnd]] = {
    "stop": _StopRequested,
    "abort": _AbortRequested,
    "halt": _HaltRequested,
}
_BLUESKY_NAMES = {"stop": "RequestStop", "abort": "RequestAbort", "halt": "RequestAbort"}
_combined: dict[tuple[str, type], type[_RequestEnd]] = {}


def _end_exception(kind: str, reason: str) -> _RequestEnd:
    """The exception for ``kind``; also bluesky's control exception if bluesky is loaded."""
    cls = _END_EXCEPTIONS[kind]
    utils = sys.modules.get("bluesky.utils")
    base = getattr(utils, _BLUESKY_NAMES[kind], None) if utils is not None else None
    if isinstance(base, type) and issubclass(base, BaseException):
        key = (kind, base)
        both = _combined.get(key)
        if both is None:
            both = type(cls.__name__, (cls, base), {"__module__": __name__})
            _combined[key] = both
        cls = both
    return cls(reason)

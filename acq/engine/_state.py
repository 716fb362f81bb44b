"""The RunEngine's state machine, as data: an Enum, a transition table, one function."""

from __future__ import annotations

from enum import StrEnum

from acq._exceptions import IllegalStateError

__all__ = ["RunEngineState"]


class RunEngineState(StrEnum):
    """Where the RunEngine is in its lifecycle."""

    IDLE = "idle"
    RUNNING = "running"
    PAUSING = "pausing"
    PAUSED = "paused"
    SUSPENDING = "suspending"
    STOPPING = "stopping"
    ABORTING = "aborting"
    HALTING = "halting"

    def __str__(self) -> str:
        return self.value


_S = RunEngineState
_ENDING = {_S.STOPPING, _S.ABORTING, _S.HALTING}

# state -> the states it may move to
_TRANSITIONS: dict[RunEngineState, frozenset[RunEngineState]] = {
    _S.IDLE: frozenset({_S.RUNNING}),
    _S.RUNNING: frozenset({_S.IDLE, _S.PAUSING, _S.SUSPENDING, *_ENDING}),
    _S.PAUSING: frozenset({_S.PAUSED, _S.IDLE, *_ENDING}),
    _S.PAUSED: frozenset({_S.RUNNING, *_ENDING}),
    _S.SUSPENDING: frozenset({_S.RUNNING, _S.PAUSING, _S.IDLE, *_ENDING}),
    _S.STOPPING: frozenset({_S.IDLE, _S.ABORTING, _S.HALTING}),
    _S.ABORTING: frozenset({_S.IDLE, _S.HALTING}),
    _S.HALTING: frozenset({_S.IDLE}),
}


def _transition(current: RunEngineState, target: RunEngineState, why: str) -> RunEngineState:
    """Return ``target`` if the table allows ``current -> target``, else raise."""
    if target is current:
        return current
    allowed = _TRANSITIONS[current]
    if target not in allowed:
        names = ", ".join(sorted(s.value for s in allowed))
        raise IllegalStateError(
            f"RunEngine cannot {why}: it is {current.value!r}, and from there it may only "
            f"go to: {names}."
        )
    return target

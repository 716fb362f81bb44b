"""Suspenders: suspend a running plan while a signal is out of its safe range.

A suspender watches one signal. When the value crosses into the unsafe region
the engine suspends the plan (stopping what it moved, running ``pre_plan``);
when the value is safe again it waits ``sleep`` seconds, runs ``post_plan``,
rewinds to the last checkpoint and continues.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

__all__ = [
    "SuspendBoolHigh",
    "SuspendBoolLow",
    "SuspendCeiling",
    "SuspendFloor",
    "SuspendInBand",
    "SuspendOutBand",
    "Suspender",
]


def _watch(signal: Any, on_value: Callable[[Any], None]) -> Callable[[], None]:
    """Subscribe to ``signal``'s values (duck-typed); return the unsubscribe function."""
    if hasattr(signal, "subscribe_value"):
        signal.subscribe_value(on_value)
        return lambda: signal.clear_sub(on_value)

    def on_reading(readings: Any = None, *args: Any, **kwargs: Any) -> None:
        if isinstance(readings, dict):
            value = next(iter(readings.values()))["value"]
        elif readings is None:
            value = kwargs.get("value")
        else:
            value = readings
        on_value(value)

    token = signal.subscribe(on_reading)

    def undo() -> None:
        if hasattr(signal, "clear_sub"):
            signal.clear_sub(on_reading)
        else:
            signal.unsubscribe(token)

    return undo


class Suspender:
    """Base class: subclasses say when a value is unsafe and when it is safe again."""

    def __init__(
        self,
        signal: Any,
        *,
        sleep: float = 0.0,
        pre_plan: Any = None,
        post_plan: Any = None,
        tripped_message: str = "",
    ) -> None:
        self.signal = signal
        self.sleep = sleep
        self.pre_plan = pre_plan
        self.post_plan = post_plan
        self.tripped_message = tripped_message
        self.tripped = False
        self.last_value: Any = None
        self._engine: Any = None
        self._undo: Callable[[], None] | None = None

    def should_suspend(self, value: Any) -> bool:
        """True when ``value`` is unsafe."""
        raise NotImplementedError

    def should_resume(self, value: Any) -> bool:
        """True when ``value`` is safe again (after a suspension)."""
        return not self.should_suspend(value)

    def install(self, engine: Any) -> None:
        """Start watching the signal for ``engine`` (called by ``RE.install_suspender``)."""
        self._engine = engine
        self._undo = _watch(self.signal, self._on_value)

    def remove(self) -> None:
        """Stop watching the signal."""
        if self._undo is not None:
            self._undo()
        self._undo = None
        self._engine = None
        self.tripped = False

    def _on_value(self, value: Any) -> None:
        self.last_value = value
        if self._engine is None:
            return
        if not self.tripped and self.should_suspend(value):
            self.tripped = True
            self._engine._suspend_from(self)
        elif self.tripped and self.should_resume(value):
            self.tripped = False
            self._engine._release_from(self)

    def justify(self) -> str:
        """Why the plan is suspended, for logs and messages."""
        name = getattr(self.signal, "name", repr(self.signal))
        text = f"{type(self).__name__} on {name}: value {self.last_value!r} ({self._rule()})"
        return f"{text}. {self.tripped_message}" if self.tripped_message else text

    def _rule(self) -> str:
        return ""


class _Threshold(Suspender):
    def __init__(
        self,
        signal: Any,
        suspend_thresh: float,
        *,
        resume_thresh: float | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(signal, **kwargs)
        self.suspend_thresh = suspend_thresh
        self.resume_thresh = suspend_thresh if resume_thresh is None else resume_thresh


class SuspendFloor(_Threshold):
    """Suspend while value < ``suspend_thresh``; resume when value >= ``resume_thresh``."""

    def should_suspend(self, value: Any) -> bool:
        return bool(value < self.suspend_thresh)

    def should_resume(self, value: Any) -> bool:
        return bool(value >= self.resume_thresh)

    def _rule(self) -> str:
        return f"suspends below {self.suspend_thresh}, resumes at >= {self.resume_thresh}"


class SuspendCeiling(_Threshold):
    """Suspend while value > ``suspend_thresh``; resume when value <= ``resume_thresh``."""

    def should_suspend(self, value: Any) -> bool:
        return bool(value > self.suspend_thresh)

    def should_resume(self, value: Any) -> bool:
        return bool(value <= self.resume_thresh)

    def _rule(self) -> str:
        return f"suspends above {self.suspend_thresh}, resumes at <= {self.resume_thresh}"


class SuspendBoolHigh(Suspender):
    """Suspend while the value is truthy."""

    def should_suspend(self, value: Any) -> bool:
        return bool(value)

    def _rule(self) -> str:
        return "suspends while true"


class SuspendBoolLow(Suspender):
    """Suspend while the value is falsy."""

    def should_suspend(self, value: Any) -> bool:
        return not value

    def _rule(self) -> str:
        return "suspends while false"


class _Band(Suspender):
    def __init__(self, signal: Any, band_bottom: float, band_top: float, **kwargs: Any) -> None:
        super().__init__(signal, **kwargs)
        if band_bottom >= band_top:
            raise ValueError(f"band_bottom {band_bottom} must be below band_top {band_top}.")
        self.band_bottom = band_bottom
        self.band_top = band_top

    def _inside(self, value: Any) -> bool:
        return bool(self.band_bottom <= value <= self.band_top)


class SuspendInBand(_Band):
    """Run while the value stays inside [bottom, top]; suspend when it leaves the band."""

    def should_suspend(self, value: Any) -> bool:
        return not self._inside(value)

    def _rule(self) -> str:
        return f"runs inside [{self.band_bottom}, {self.band_top}]"


class SuspendOutBand(_Band):
    """Run while the value stays outside [bottom, top]; suspend when it enters the band."""

    def should_suspend(self, value: Any) -> bool:
        return self._inside(value)

    def _rule(self) -> str:
        return f"runs outside [{self.band_bottom}, {self.band_top}]"

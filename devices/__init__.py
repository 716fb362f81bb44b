"""devices: async hardware abstraction (signals, backends, devices, sim, epics).

Usable without the engine: ``await motor.set(1.0)`` works in a notebook.
"""

from __future__ import annotations

from devices._backend import DataKey, Limits, LimitsRange, Reading, SignalBackend

__all__ = ["DataKey", "Limits", "LimitsRange", "Reading", "SignalBackend"]

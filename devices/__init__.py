"""devices: async hardware abstraction (signals, backends, devices, sim, epics).

Usable without the engine: ``await motor.set(1.0)`` works in a notebook.
Errors derive from ``DeviceError`` (tree in ``devices._exceptions``).
"""

from __future__ import annotations

from devices._backend import DataKey, Limits, LimitsRange, Reading, SignalBackend
from devices._datatypes import StrictEnum, SubsetEnum
from devices._device import (
    DEFAULT_TIMEOUT,
    Component,
    Device,
    DeviceVector,
    FormattedComponent,
    Kind,
)
from devices._exceptions import (
    BackendMismatchError,
    ChoiceError,
    DatatypeError,
    DeviceError,
    DeviceTimeoutError,
    InvalidValueError,
    LimitError,
    NameCollisionError,
    NotConnectedError,
    ReadOnlyError,
    StatusFailedError,
)
from devices._init import init_devices
from devices._readable import Hints, StandardReadable
from devices._signal import Signal, SignalR, SignalRW, SignalW, SignalX
from devices._soft import MockSignalBackend, SoftSignalBackend
from devices._soft_signals import (
    MockSignal,
    SoftSignal,
    SoftSignalRO,
    callback_on_mock_put,
    fail_mock_put,
    get_mock_puts,
    set_mock_put_proceeds,
    set_mock_value,
    soft_signal_r_and_setter,
    soft_signal_rw,
)
from devices._status import AsyncStatus, WatchableAsyncStatus, WatcherUpdate

__all__ = [
    "DEFAULT_TIMEOUT",
    "AsyncStatus",
    "BackendMismatchError",
    "ChoiceError",
    "Component",
    "DataKey",
    "DatatypeError",
    "Device",
    "DeviceError",
    "DeviceTimeoutError",
    "DeviceVector",
    "FormattedComponent",
    "Hints",
    "InvalidValueError",
    "Kind",
    "LimitError",
    "Limits",
    "LimitsRange",
    "MockSignal",
    "MockSignalBackend",
    "NameCollisionError",
    "NotConnectedError",
    "ReadOnlyError",
    "Reading",
    "Signal",
    "SignalBackend",
    "SignalR",
    "SignalRW",
    "SignalW",
    "SignalX",
    "SoftSignal",
    "SoftSignalBackend",
    "SoftSignalRO",
    "StandardReadable",
    "StatusFailedError",
    "StrictEnum",
    "SubsetEnum",
    "WatchableAsyncStatus",
    "WatcherUpdate",
    "callback_on_mock_put",
    "fail_mock_put",
    "get_mock_puts",
    "init_devices",
    "set_mock_put_proceeds",
    "set_mock_value",
    "soft_signal_r_and_setter",
    "soft_signal_rw",
]

"""Shared parts of the CLI commands: where data goes, which beamline, argument values."""

from __future__ import annotations

import importlib
import inspect
import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from acq._exceptions import AcqError


def _data_dir() -> Path:
    """``$ACQ_DATA_DIR`` if set, else the per-user data directory (``~/.local/share/acq``)."""
    override = os.environ.get("ACQ_DATA_DIR")
    if override:
        return Path(override).expanduser()
    if sys.platform == "darwin":  # pragma: no cover - not the CI platform
        base = Path.home() / "Library" / "Application Support"
    elif sys.platform == "win32":  # pragma: no cover - not the CI platform
        base = Path(os.environ.get("LOCALAPPDATA", Path.home() / "AppData" / "Local"))
    else:
        base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / "acq"


def _load_beamline(spec: str | None) -> dict[str, Any]:
    """Devices by name: the simulated beamline, or ``module:function`` returning devices.

    The function may return a mapping of name to device, or an object with a
    ``devices`` mapping (as :func:`devices.sim.sim_beamline` does).
    """
    if spec is None:
        from devices.sim import sim_beamline

        return dict(sim_beamline().devices)
    module_name, _, attr = spec.partition(":")
    try:
        module = importlib.import_module(module_name)
        factory = getattr(module, attr or "beamline")
    except (ImportError, AttributeError) as exc:
        raise AcqError(
            f"--beamline {spec!r}: cannot load it ({exc}). Expected 'package.module:function' "
            "naming a function that returns the devices (a dict, or an object with .devices)."
        ) from exc
    made = factory()
    found = getattr(made, "devices", made)
    if not isinstance(found, Mapping):
        raise AcqError(
            f"--beamline {spec!r} returned {type(made).__name__}; expected a dict of devices "
            "or an object with a .devices dict."
        )
    return dict(found)


async def _connect(devices: Mapping[str, Any]) -> None:
    """Connect every device that has ``connect()`` (sim devices connect at once)."""
    for device in devices.values():
        connect = getattr(device, "connect", None)
        if connect is not None:
            result = connect()
            if inspect.isawaitable(result):
                await result


def _number(token: str) -> int | float | None:
    for kind in (int, float):
        try:
            return kind(token)
        except ValueError:
            pass
    return None


def _value(token: str, devices: Mapping[str, Any]) -> Any:
    """A plan argument from the command line: number, device name, list (a,b) or text."""
    number = _number(token)
    if number is not None:
        return number
    if token in devices:
        return devices[token]
    if "," in token:
        return [_value(part, devices) for part in token.split(",") if part]
    if token in ("None", "True", "False"):
        return {"None": None, "True": True, "False": False}[token]
    if token.isidentifier():
        raise AcqError(
            f"{token!r} is not a device of this beamline. Devices: {', '.join(sorted(devices))}."
        )
    return token

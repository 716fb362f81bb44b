"""Where the default catalog lives: one SQLite file under the user data directory."""

from __future__ import annotations

import os
import sys
from pathlib import Path


def _user_data_dir() -> Path:
    """``$ACQ_DATA_DIR`` if set, else the platform's per-user data directory + ``acq``."""
    override = os.environ.get("ACQ_DATA_DIR")
    if override:
        return Path(override).expanduser()
    home = Path.home()
    if sys.platform == "win32":  # pragma: no cover - not the CI platform
        base = Path(os.environ.get("LOCALAPPDATA", home / "AppData" / "Local"))
    elif sys.platform == "darwin":  # pragma: no cover - not the CI platform
        base = home / "Library" / "Application Support"
    else:
        base = Path(os.environ.get("XDG_DATA_HOME") or home / ".local" / "share")
    return base / "acq"


def _default_catalog_path() -> Path:
    return _user_data_dir() / "catalog.sqlite"

"""``RE.md``: metadata merged into every start document, persisted in a JSON file.

The file lives in the acq data directory: ``$ACQ_DATA_DIR`` when set, else the
user data directory (``$XDG_DATA_HOME/acq``, ``~/.local/share/acq``,
``~/Library/Application Support/acq`` or ``%LOCALAPPDATA%\\acq``). Keys are
strings, values must survive a JSON round trip, and the keys the engine fills
itself (``uid``, ``time``) are refused. ``scan_id`` is the persistent counter.

Several processes may share one file: each write, and the scan counter's
read-increment-write, holds an exclusive ``fcntl.flock`` on a lock file next to
it (``<file>.lock``), and the counter is re-read from the file under that lock,
so concurrent runs get distinct scan_ids. The lock is POSIX only; on Windows the
file is written without it (one process per file there).
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator, Mapping, MutableMapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from acq._exceptions import EngineError

if sys.platform != "win32":
    import fcntl

__all__: list[str] = []

_RESERVED = frozenset({"uid", "time"})
MD_FILENAME = "runengine-md.json"
_FIX = (
    "Fix the file (a JSON object of metadata), or delete it to start with an empty RE.md "
    "(scan_id restarts at 1), or use another file: RunEngine(md_path=...) or $ACQ_DATA_DIR."
)


def _data_dir() -> Path:
    env = os.environ.get("ACQ_DATA_DIR")
    if env:
        return Path(env)
    home = Path.home()
    if sys.platform == "win32":  # pragma: no cover - platform specific
        return Path(os.environ.get("LOCALAPPDATA", home / "AppData" / "Local")) / "acq"
    if sys.platform == "darwin":  # pragma: no cover - platform specific
        return home / "Library" / "Application Support" / "acq"
    xdg = os.environ.get("XDG_DATA_HOME")
    return (Path(xdg) if xdg else home / ".local" / "share") / "acq"


def _check(key: object, value: object) -> None:
    if not isinstance(key, str):
        raise EngineError(f"RE.md key {key!r} is a {type(key).__name__}; keys must be str.")
    if key in _RESERVED:
        raise EngineError(
            f"RE.md key {key!r} is filled by the RunEngine for every run; choose another key."
        )
    if key == "scan_id" and (not isinstance(value, int) or isinstance(value, bool)):
        raise EngineError(f"RE.md['scan_id'] must be an int, got {value!r}.")
    try:
        json.dumps(value)
    except (TypeError, ValueError) as exc:
        raise EngineError(
            f"RE.md[{key!r}] = {value!r} cannot be stored: values must be JSON "
            f"(str, int, float, bool, None, list, dict): {exc}."
        ) from None


class _PersistentMetadata(MutableMapping[str, Any]):
    """A dict that validates each entry and rewrites its JSON file on change."""

    def __init__(self, path: Path | None) -> None:
        self._path = path
        self._data: dict[str, Any] = {}
        if path is not None and path.exists():
            try:
                loaded = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                raise EngineError(f"RE.md file {path} is unreadable ({exc}). {_FIX}") from None
            if not isinstance(loaded, dict):
                raise EngineError(
                    f"RE.md file {path} holds a JSON {type(loaded).__name__}, not a dict "
                    f"(object). {_FIX}"
                )
            for k, v in loaded.items():
                _check(k, v)
            self._data = loaded

    @property
    def path(self) -> Path | None:
        """The JSON file (None: kept in memory only)."""
        return self._path

    @contextmanager
    def _locked(self, path: Path) -> Iterator[None]:
        """Hold an exclusive lock on ``<file>.lock`` (across processes; POSIX only)."""
        path.parent.mkdir(parents=True, exist_ok=True)
        if sys.platform == "win32":  # pragma: no cover - platform specific
            yield
            return
        with open(path.with_name(path.name + ".lock"), "a") as fh:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fh.fileno(), fcntl.LOCK_UN)

    def _write(self, path: Path) -> None:
        tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps(self._data, indent=1, sort_keys=True), encoding="utf-8")
        os.replace(tmp, path)

    def _save(self) -> None:
        if self._path is None:
            return
        with self._locked(self._path):
            self._write(self._path)

    def __getitem__(self, key: str) -> Any:
        return self._data[key]

    def __setitem__(self, key: str, value: Any) -> None:
        _check(key, value)
        self._data[key] = value
        self._save()

    def __delitem__(self, key: str) -> None:
        del self._data[key]
        self._save()

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __repr__(self) -> str:
        return f"RE.md({self._data!r}, path={str(self._path)!r})"

    def update_all(self, other: Mapping[str, Any]) -> None:
        """Validate and set many entries, writing the file once."""
        for k, v in other.items():
            _check(k, v)
        self._data.update(other)
        self._save()

    def next_scan_id(self) -> int:
        """Increment and persist the scan counter; return the new value.

        With a file, the counter is read from the file (another process may have
        advanced it), incremented and written back under the file lock.
        """
        path = self._path
        if path is None:
            sid = int(self._data.get("scan_id", 0)) + 1
            self._data["scan_id"] = sid
            return sid
        with self._locked(path):
            current = self._data.get("scan_id", 0)
            try:
                on_disk = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                on_disk = None
            if isinstance(on_disk, dict):
                stored = on_disk.get("scan_id")
                if isinstance(stored, int) and not isinstance(stored, bool):
                    current = stored
            sid = int(current) + 1
            self._data["scan_id"] = sid
            self._write(path)
        return sid


def _open_metadata(md: Mapping[str, Any] | None, md_path: str | Path | None) -> _PersistentMetadata:
    """``md_path=None``: the default file; ``md_path=""`` keeps md in memory only."""
    if md_path == "":
        path = None
    else:
        path = Path(md_path) if md_path is not None else _data_dir() / MD_FILENAME
    store = _PersistentMetadata(path)
    if md:
        store.update_all(md)
    return store

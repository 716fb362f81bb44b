"""Where writers put their bytes: a directory, memory, or (see ``_web``) a web service.

A destination hands out binary file objects by relative name. Writers never
build paths themselves, so every format works with every destination.
"""

from __future__ import annotations

import io
import os
import re
import string
import unicodedata
from pathlib import Path
from typing import IO, Any

from acq._exceptions import WriterError

_UNSAFE = re.compile(r"[^A-Za-z0-9._+-]+")
_MAX_NAME = 180


def sanitize(name: str) -> str:
    """Turn arbitrary metadata text into a portable file-name part.

    Rule: NFKD-normalise, drop what is not ASCII, replace every run of characters
    outside ``[A-Za-z0-9._+-]`` by ``_``, strip leading dots/underscores (no hidden
    files, no ``..``), cut to 180 characters. An empty result becomes ``"run"``.
    """
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    text = _UNSAFE.sub("_", text).lstrip("._")[:_MAX_NAME]
    return text or "run"


def render_template(template: str, start: dict[str, Any]) -> str:
    """Format ``template`` (``"{start[scan_id]}-{start[plan_name]}"``) and sanitise it."""
    try:
        text = string.Formatter().vformat(template, (), {"start": start})
    except (KeyError, IndexError, AttributeError, ValueError) as exc:
        raise WriterError(
            f"file-name template {template!r} could not be filled from the start "
            f"document: missing or bad field {exc}. Use keys the start document has "
            "(e.g. '{start[uid]}') or add the field to the run metadata."
        ) from None
    return sanitize(text)


class Destination:
    """Base of the pluggable destinations (a directory, memory, a web client)."""

    #: True when bytes leave the process only on ``await drain()`` / ``aclose()``
    needs_async: bool = False

    def open(self, name: str, *, append: bool = False, streaming: bool = True) -> IO[bytes]:
        """A writable binary file object for artifact ``name``.

        ``streaming=False`` asks for a seekable, readable file (HDF5, TIFF).
        """
        raise NotImplementedError

    def location(self, name: str) -> str:
        """What the writer records in ``artifacts`` for ``name`` (a path, key or URL)."""
        return name

    async def drain(self) -> None:
        """Push buffered bytes out (only destinations with ``needs_async`` need it)."""

    async def aclose(self) -> None:
        """Finish every transfer (no-op for local destinations)."""


class DirectoryDestination(Destination):
    """Files in a directory (created if missing)."""

    def __init__(self, directory: str | os.PathLike[str]) -> None:
        self.directory = Path(directory)

    def open(self, name: str, *, append: bool = False, streaming: bool = True) -> IO[bytes]:
        path = self.directory / name
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            return open(path, "a+b" if append else "w+b")
        except OSError as exc:
            raise WriterError(
                f"cannot open {str(path)!r} for writing: {exc.strerror or exc}. "
                "Choose a directory you can write to (check permissions and free space)."
            ) from exc

    def location(self, name: str) -> str:
        return str(self.directory / name)


class _MemoryFile(io.BytesIO):
    def __init__(self, owner: MemoryDestination, name: str, initial: bytes) -> None:
        super().__init__()
        self.write(initial)
        self._owner = owner
        self._key = name

    def flush(self) -> None:
        super().flush()
        if not self.closed:
            self._owner.buffers[self._key] = self.getvalue()

    def close(self) -> None:
        if not self.closed:
            self._owner.buffers[self._key] = self.getvalue()
        super().close()


class MemoryDestination(Destination):
    """Artifacts kept in memory: ``buffers[name]`` holds the bytes once flushed or closed."""

    def __init__(self) -> None:
        self.buffers: dict[str, bytes] = {}

    def open(self, name: str, *, append: bool = False, streaming: bool = True) -> IO[bytes]:
        initial = self.buffers.get(name, b"") if append else b""
        self.buffers[name] = initial
        return _MemoryFile(self, name, initial)


def _as_destination(target: Destination | str | os.PathLike[str]) -> Destination:
    """A destination as given, or a directory destination for a path."""
    if isinstance(target, Destination):
        return target
    if isinstance(target, str | os.PathLike):
        return DirectoryDestination(target)
    raise WriterError(
        f"destination {target!r} is neither a path nor an acq.writers destination; pass a "
        "directory path, MemoryDestination() or HttpDestination(url)."
    )

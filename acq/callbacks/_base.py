"""The consumer base of every callback: acq.documents' DocumentRouter plus streams.

``DocumentRouter`` routes ``(name, doc)`` to the method of the same name and
converts between ``event`` and ``event_page`` for subclasses that implement only
one. This base adds what live views need: it remembers the run's descriptors
and passes on only the events of the streams it follows.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from acq.documents import DocumentRouter

Document = dict[str, Any]


class _Consumer(DocumentRouter):
    """A DocumentRouter that follows some event streams (``None``: all of them)."""

    def __init__(self, streams: Iterable[str] | None = ("primary",)) -> None:
        self._streams: frozenset[str] | None = None if streams is None else frozenset(streams)
        self._descriptors: dict[str, Document] = {}

    def __call__(self, name: str, doc: Document) -> tuple[str, Any]:
        if name == "event" or name == "event_page":
            if not self._wanted(doc["descriptor"]):
                return name, doc
        elif name == "descriptor":
            self._descriptors[doc["uid"]] = doc
        elif name == "start":
            self._descriptors.clear()
        return super().__call__(name, doc)

    def _wanted(self, descriptor_uid: str) -> bool:
        if self._streams is None:
            return True
        desc = self._descriptors.get(descriptor_uid)
        return desc is not None and desc.get("name", "primary") in self._streams

    def stream_of(self, descriptor_uid: str) -> str | None:
        """The stream name of a descriptor seen in this run (``None`` if unknown)."""
        desc = self._descriptors.get(descriptor_uid)
        return None if desc is None else str(desc.get("name", "primary"))

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
        self._followed: set[str] = set()  # uids of the descriptors of followed streams

    def __call__(self, name: str, doc: Document) -> tuple[str, Any]:
        # Hot path first: events skip the router's name check (DocumentRouter.event
        # and .event_page still convert for subclasses that implement only one).
        if name == "event":
            if doc["descriptor"] in self._followed:
                self.event(doc)
            return name, doc
        if name == "event_page":
            if doc["descriptor"] in self._followed:
                self.event_page(doc)
            return name, doc
        if name == "descriptor":
            self._descriptors[doc["uid"]] = doc
            if self._streams is None or doc.get("name", "primary") in self._streams:
                self._followed.add(doc["uid"])
        elif name == "start":
            self._descriptors.clear()
            self._followed.clear()
        return super().__call__(name, doc)

    def _wanted(self, descriptor_uid: str) -> bool:
        return descriptor_uid in self._followed

    def stream_of(self, descriptor_uid: str) -> str | None:
        """The stream name of a descriptor seen in this run (``None`` if unknown)."""
        desc = self._descriptors.get(descriptor_uid)
        return None if desc is None else str(desc.get("name", "primary"))

"""The document consumer base: dispatch ``(name, doc)`` pairs to methods.

Every callback in this package is a plain callable ``cb(name, doc)``. The base
class routes each document to the method of the same name and converts between
``event`` and ``event_page`` so a subclass may implement either one (or both,
for speed). It also remembers descriptors, so a subclass can ask which stream an
event belongs to.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

Document = dict[str, Any]

_DOC_NAMES = frozenset(
    {
        "start",
        "descriptor",
        "event",
        "event_page",
        "stop",
        "resource",
        "datum",
        "datum_page",
        "stream_resource",
        "stream_datum",
    }
)


def _unpack_page(page: Document) -> Iterator[Document]:
    """Yield the events of an event page, one dict per row."""
    data, timestamps = page["data"], page["timestamps"]
    filled = page.get("filled", {})
    keys = list(data)
    for i, (uid, seq, t) in enumerate(zip(page["uid"], page["seq_num"], page["time"], strict=True)):
        yield {
            "descriptor": page["descriptor"],
            "uid": uid,
            "seq_num": seq,
            "time": t,
            "data": {k: data[k][i] for k in keys},
            "timestamps": {k: timestamps[k][i] for k in keys},
            "filled": {k: v[i] for k, v in filled.items()},
        }


def _pack_event(event: Document) -> Document:
    """A one-row event page holding ``event``."""
    return {
        "descriptor": event["descriptor"],
        "uid": [event["uid"]],
        "seq_num": [event["seq_num"]],
        "time": [event["time"]],
        "data": {k: [v] for k, v in event["data"].items()},
        "timestamps": {k: [v] for k, v in event["timestamps"].items()},
        "filled": {k: [v] for k, v in event.get("filled", {}).items()},
    }


class _Consumer:
    """Route documents to methods; track descriptors and the streams they belong to.

    Subclasses override any of ``start``, ``descriptor``, ``event``, ``event_page``,
    ``stop`` (and the resource/datum names). If only ``event`` is overridden, pages
    are unpacked into events; if only ``event_page`` is, events are packed into
    one-row pages. ``streams`` limits which event streams reach ``event`` /
    ``event_page`` (``None``: all streams).
    """

    def __init__(self, streams: Iterable[str] | None = ("primary",)) -> None:
        self._streams: frozenset[str] | None = None if streams is None else frozenset(streams)
        self._descriptors: dict[str, Document] = {}
        own = type(self)
        self._has_event = own.event is not _Consumer.event
        self._has_page = own.event_page is not _Consumer.event_page

    def __call__(self, name: str, doc: Document) -> None:
        if name == "event" or name == "event_page":
            if not self._wanted(doc["descriptor"]):
                return
            if name == "event":
                self._route_event(doc)
            else:
                self._route_page(doc)
            return
        if name == "descriptor":
            self._descriptors[doc["uid"]] = doc
        elif name == "start":
            self._descriptors.clear()
        if name in _DOC_NAMES:
            getattr(self, name)(doc)

    def _wanted(self, descriptor_uid: str) -> bool:
        if self._streams is None:
            return True
        desc = self._descriptors.get(descriptor_uid)
        return desc is not None and desc.get("name", "primary") in self._streams

    def _route_event(self, doc: Document) -> None:
        if self._has_event:
            self.event(doc)
        elif self._has_page:
            self.event_page(_pack_event(doc))

    def _route_page(self, doc: Document) -> None:
        if self._has_page:
            self.event_page(doc)
        elif self._has_event:
            for event in _unpack_page(doc):
                self.event(event)

    def stream_of(self, descriptor_uid: str) -> str | None:
        """The stream name of a descriptor seen in this run (``None`` if unknown)."""
        desc = self._descriptors.get(descriptor_uid)
        return None if desc is None else str(desc.get("name", "primary"))

    # Document methods: no-ops unless overridden.
    def start(self, doc: Document) -> None:
        """A run started."""

    def descriptor(self, doc: Document) -> None:
        """A stream was declared."""

    def event(self, doc: Document) -> None:
        """One event of a wanted stream."""

    def event_page(self, doc: Document) -> None:
        """A page of events of a wanted stream."""

    def stop(self, doc: Document) -> None:
        """The run stopped."""

    def resource(self, doc: Document) -> None:
        """An external resource was declared."""

    def datum(self, doc: Document) -> None:
        """A datum of a resource."""

    def datum_page(self, doc: Document) -> None:
        """A page of datums."""

    def stream_resource(self, doc: Document) -> None:
        """A stream resource (external data written by a detector) was declared."""

    def stream_datum(self, doc: Document) -> None:
        """New rows of a stream resource were written."""

"""``DocumentRouter``: dispatch ``(name, doc)`` pairs to one method per name."""

from __future__ import annotations

from typing import Any

from acq._exceptions import DocumentValidationError
from acq.documents._names import DOCUMENT_NAMES
from acq.documents._pages import (
    pack_datum_page,
    pack_event_page,
    unpack_datum_page,
    unpack_event_page,
)

__all__ = ["DocumentRouter"]

_NAMES = frozenset(DOCUMENT_NAMES)


class DocumentRouter:
    """Base class of document consumers: ``router(name, doc)`` calls ``router.<name>(doc)``.

    Override the methods of the documents you care about; the others do nothing.
    A subclass that overrides only ``event`` also receives the events of event pages
    (unpacked); one that overrides only ``event_page`` receives single events packed
    into one-event pages. Likewise for ``datum`` / ``datum_page``.

    ``__call__`` returns ``(name, result)`` where result is what the method returned,
    or the input document when the method returned ``None``.
    """

    def __call__(self, name: str, doc: dict[str, Any]) -> tuple[str, Any]:
        if name not in _NAMES:
            raise DocumentValidationError(
                f"{type(self).__name__} got a document named {name!r}; expected one of "
                f"{', '.join(sorted(_NAMES))}"
            )
        out = getattr(self, name)(doc)
        return name, doc if out is None else out

    def _overrides(self, method: str) -> bool:
        return getattr(type(self), method) is not getattr(DocumentRouter, method)

    def start(self, doc: dict[str, Any]) -> Any:
        """A ``start`` document; override to handle it."""
        return None

    def descriptor(self, doc: dict[str, Any]) -> Any:
        """A ``descriptor`` document; override to handle it."""
        return None

    def stop(self, doc: dict[str, Any]) -> Any:
        """A ``stop`` document; override to handle it."""
        return None

    def resource(self, doc: dict[str, Any]) -> Any:
        """A ``resource`` document; override to handle it."""
        return None

    def stream_resource(self, doc: dict[str, Any]) -> Any:
        """A ``stream_resource`` document; override to handle it."""
        return None

    def stream_datum(self, doc: dict[str, Any]) -> Any:
        """A ``stream_datum`` document; override to handle it."""
        return None

    def event(self, doc: dict[str, Any]) -> Any:
        """An ``event``; by default packed into a page when only ``event_page`` is overridden."""
        if self._overrides("event_page"):
            return self.event_page(pack_event_page(doc))
        return None

    def event_page(self, doc: dict[str, Any]) -> Any:
        """An ``event_page``; by default unpacked when only ``event`` is overridden."""
        if self._overrides("event"):
            for event in unpack_event_page(doc):
                self.event(event)
        return None

    def datum(self, doc: dict[str, Any]) -> Any:
        """A ``datum``; by default packed into a page when only ``datum_page`` is overridden."""
        if self._overrides("datum_page"):
            return self.datum_page(pack_datum_page(doc))
        return None

    def datum_page(self, doc: dict[str, Any]) -> Any:
        """A ``datum_page``; by default unpacked when only ``datum`` is overridden."""
        if self._overrides("datum"):
            for datum in unpack_datum_page(doc):
                self.datum(datum)
        return None

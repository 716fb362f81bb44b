"""The ten document names of the event model, in the order a run emits them."""

from __future__ import annotations

__all__ = ["DOCUMENT_NAMES"]

DOCUMENT_NAMES: tuple[str, ...] = (
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
)

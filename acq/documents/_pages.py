"""Row <-> column conversion: events <-> event pages, datums <-> datum pages."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from acq._exceptions import DocumentError

__all__ = ["pack_datum_page", "pack_event_page", "unpack_datum_page", "unpack_event_page"]


def pack_event_page(*events: dict[str, Any]) -> dict[str, Any]:
    """Pack events of ONE descriptor into an event page (column-wise)."""
    if not events:
        raise DocumentError("pack_event_page() needs at least one event, got none")
    first = events[0]
    descriptor = first["descriptor"]
    data: dict[str, list[Any]] = {k: [] for k in first["data"]}
    timestamps: dict[str, list[Any]] = {k: [] for k in first["timestamps"]}
    filled: dict[str, list[bool | str]] = {k: [] for k in first.get("filled", {})}
    for event in events:
        if event["descriptor"] != descriptor:
            raise DocumentError(
                f"pack_event_page(): event {event['uid']!r} belongs to descriptor "
                f"{event['descriptor']!r}, not {descriptor!r}; pack each descriptor apart"
            )
        for key, column in data.items():
            column.append(event["data"][key])
        for key, column in timestamps.items():
            column.append(event["timestamps"][key])
        event_filled = event.get("filled", {})
        for key, flags in filled.items():
            flags.append(event_filled.get(key, False))
    page = {
        "uid": [e["uid"] for e in events],
        "time": [e["time"] for e in events],
        "descriptor": descriptor,
        "seq_num": [e["seq_num"] for e in events],
        "data": data,
        "timestamps": timestamps,
    }
    if "filled" in first:
        page["filled"] = filled
    return page


def unpack_event_page(page: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Yield the events of an event page, in order."""
    descriptor = page["descriptor"]
    data, timestamps = page["data"], page["timestamps"]
    filled = page.get("filled")
    rows = zip(page["uid"], page["time"], page["seq_num"], strict=True)
    for i, (uid, t, seq_num) in enumerate(rows):
        event = {
            "uid": uid,
            "time": t,
            "descriptor": descriptor,
            "seq_num": seq_num,
            "data": {k: v[i] for k, v in data.items()},
            "timestamps": {k: v[i] for k, v in timestamps.items()},
        }
        if filled is not None:
            event["filled"] = {k: v[i] for k, v in filled.items()}
        yield event


def pack_datum_page(*datums: dict[str, Any]) -> dict[str, Any]:
    """Pack datums of ONE resource into a datum page (column-wise)."""
    if not datums:
        raise DocumentError("pack_datum_page() needs at least one datum, got none")
    resource = datums[0]["resource"]
    kwargs: dict[str, list[Any]] = {k: [] for k in datums[0]["datum_kwargs"]}
    for datum in datums:
        if datum["resource"] != resource:
            raise DocumentError(
                f"pack_datum_page(): datum {datum['datum_id']!r} belongs to resource "
                f"{datum['resource']!r}, not {resource!r}; pack each resource apart"
            )
        for key, column in kwargs.items():
            column.append(datum["datum_kwargs"][key])
    return {
        "datum_id": [d["datum_id"] for d in datums],
        "resource": resource,
        "datum_kwargs": kwargs,
    }


def unpack_datum_page(page: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Yield the datums of a datum page, in order."""
    resource, kwargs = page["resource"], page["datum_kwargs"]
    for i, datum_id in enumerate(page["datum_id"]):
        yield {
            "datum_id": datum_id,
            "resource": resource,
            "datum_kwargs": {k: v[i] for k, v in kwargs.items()},
        }

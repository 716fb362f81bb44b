"""Event/datum pages and the DocumentRouter."""

from __future__ import annotations

from typing import Any

import pytest

from acq import DocumentError, DocumentValidationError
from acq.documents import (
    DocumentRouter,
    compose_run,
    pack_datum_page,
    pack_event_page,
    unpack_datum_page,
    unpack_event_page,
)

KEYS = {"x": {"dtype": "number", "shape": [], "source": "s"}}


def _events(n: int) -> list[dict[str, Any]]:
    desc = compose_run().compose_descriptor("primary", KEYS)
    return [desc.compose_event({"x": float(i)}, {"x": 1.0}) for i in range(n)]


def test_event_page_round_trip() -> None:
    events = _events(3)
    page = pack_event_page(*events)
    assert page["seq_num"] == [1, 2, 3]
    assert page["data"] == {"x": [0.0, 1.0, 2.0]}
    assert page["filled"] == {}
    assert list(unpack_event_page(page)) == events


def test_event_page_without_filled() -> None:
    events = _events(2)
    for ev in events:
        del ev["filled"]
    page = pack_event_page(*events)
    assert "filled" not in page
    assert list(unpack_event_page(page)) == events


def test_pack_refuses_mixed_descriptors_and_nothing() -> None:
    with pytest.raises(DocumentError, match="belongs to descriptor"):
        pack_event_page(*_events(1), *_events(1))
    with pytest.raises(DocumentError, match="at least one event"):
        pack_event_page()


def test_datum_page_round_trip() -> None:
    res = compose_run().compose_resource("S", "/", "a", {}, uid="r")
    datums = [res.compose_datum({"i": i}) for i in range(3)]
    page = pack_datum_page(*datums)
    assert page == {
        "datum_id": ["r/0", "r/1", "r/2"],
        "resource": "r",
        "datum_kwargs": {"i": [0, 1, 2]},
    }
    assert list(unpack_datum_page(page)) == datums
    other = compose_run().compose_resource("S", "/", "a", {}, uid="q").compose_datum({"i": 0})
    with pytest.raises(DocumentError, match="belongs to resource"):
        pack_datum_page(datums[0], other)
    with pytest.raises(DocumentError, match="at least one datum"):
        pack_datum_page()


class _Rows(DocumentRouter):
    def __init__(self) -> None:
        self.seen: list[tuple[str, Any]] = []

    def start(self, doc: dict[str, Any]) -> Any:
        self.seen.append(("start", doc["uid"]))
        return {"changed": True}

    def event(self, doc: dict[str, Any]) -> Any:
        self.seen.append(("event", doc["seq_num"]))

    def datum(self, doc: dict[str, Any]) -> Any:
        self.seen.append(("datum", doc["datum_id"]))


class _Columns(DocumentRouter):
    def __init__(self) -> None:
        self.seen: list[tuple[str, Any]] = []

    def event_page(self, doc: dict[str, Any]) -> Any:
        self.seen.append(("event_page", doc["seq_num"]))

    def datum_page(self, doc: dict[str, Any]) -> Any:
        self.seen.append(("datum_page", doc["datum_id"]))


def test_router_unpacks_pages_for_row_consumers() -> None:
    router = _Rows()
    events = _events(2)
    assert router("start", {"uid": "s"}) == ("start", {"changed": True})
    assert router("event_page", pack_event_page(*events))[0] == "event_page"
    router("datum_page", {"datum_id": ["r/0", "r/1"], "resource": "r", "datum_kwargs": {}})
    assert router("stop", {"uid": "p"}) == ("stop", {"uid": "p"})
    assert router.seen == [
        ("start", "s"),
        ("event", 1),
        ("event", 2),
        ("datum", "r/0"),
        ("datum", "r/1"),
    ]


def test_router_packs_rows_for_page_consumers() -> None:
    router = _Columns()
    for ev in _events(2):
        router("event", ev)
    router("datum", {"datum_id": "r/0", "resource": "r", "datum_kwargs": {"i": 1}})
    assert router.seen == [("event_page", [1]), ("event_page", [2]), ("datum_page", ["r/0"])]


def test_plain_router_ignores_everything_and_refuses_unknown_names() -> None:
    router = DocumentRouter()
    for name in (
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
    ):
        assert router(name, {"k": 1}) == (name, {"k": 1})
    with pytest.raises(DocumentValidationError, match="got a document named 'bulk_events'"):
        router("bulk_events", {})

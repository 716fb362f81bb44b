"""Composition: counters, ids, key checks and the stop document."""

from __future__ import annotations

import uuid

import pytest

from acq import DocumentError, DocumentValidationError
from acq.documents import compose_run

KEYS = {k: {"dtype": "number", "shape": [], "source": f"sim:{k}"} for k in ("x", "y")}


def test_start_holds_metadata_uid_and_time() -> None:
    run = compose_run(uid="u1", time=5.0, metadata={"plan_name": "count"})
    assert run.start_doc == {"plan_name": "count", "uid": "u1", "time": 5.0}
    start, *factories = run
    assert start is run.start_doc
    assert len(factories) == 4


def test_generated_uids_are_version_4_uuids() -> None:
    uids = {compose_run().start_doc["uid"] for _ in range(200)}
    assert len(uids) == 200
    for uid in uids:
        parsed = uuid.UUID(uid)
        assert parsed.version == 4
        assert str(parsed) == uid
        assert parsed.variant == uuid.RFC_4122


def test_seq_num_counts_per_stream_from_one_and_stop_counts_events() -> None:
    run = compose_run()
    primary = run.compose_descriptor("primary", KEYS)
    baseline = run.compose_descriptor("baseline", KEYS)
    data, ts = {"x": 1.0, "y": 2.0}, {"x": 0.0, "y": 0.0}
    assert [primary.compose_event(data, ts)["seq_num"] for _ in range(3)] == [1, 2, 3]
    assert baseline.compose_event(data, ts)["seq_num"] == 1
    page = primary.compose_event_page({"x": [1, 2], "y": [3, 4]}, {"x": [0, 0], "y": [0, 0]})
    assert page["seq_num"] == [4, 5]
    assert len(set(page["uid"])) == 2
    # a second descriptor of the same stream shares its counter
    again = run.compose_descriptor("primary", KEYS)
    assert again.compose_event(data, ts)["seq_num"] == 6
    stop = run.compose_stop(exit_status="abort", reason="user")
    assert stop["num_events"] == {"primary": 6, "baseline": 1}
    assert stop["exit_status"] == "abort"
    assert stop["reason"] == "user"
    assert stop["run_start"] == run.start_doc["uid"]


def test_event_carries_descriptor_and_given_fields() -> None:
    run = compose_run()
    desc = run.compose_descriptor("primary", KEYS, hints={"x": {"fields": ["x"]}})
    ev = desc.compose_event({"x": 1, "y": 2}, {"x": 3, "y": 4}, seq_num=10, uid="e", time=9.0)
    assert ev == {
        "uid": "e",
        "time": 9.0,
        "descriptor": desc.descriptor_doc["uid"],
        "seq_num": 10,
        "data": {"x": 1, "y": 2},
        "timestamps": {"x": 3, "y": 4},
        "filled": {},
    }
    assert desc.compose_event({"x": 1, "y": 2}, {"x": 3, "y": 4})["seq_num"] == 11
    doc, compose_event, compose_event_page = desc
    assert doc["hints"] == {"x": {"fields": ["x"]}}
    assert callable(compose_event)
    assert callable(compose_event_page)


def test_external_keys_are_marked_unfilled_and_stream_keys_may_be_absent() -> None:
    keys = {
        "img": {"dtype": "array", "shape": [2], "source": "s", "external": "FILESTORE:"},
        "frames": {"dtype": "array", "shape": [2], "source": "s", "external": "STREAM:"},
        "x": {"dtype": "number", "shape": [], "source": "s"},
    }
    desc = compose_run().compose_descriptor("primary", keys)
    ev = desc.compose_event({"img": "r/0", "x": 1.0}, {"img": 0.0, "x": 0.0})
    assert ev["filled"] == {"img": False}
    with_stream = {"img": "r/1", "x": 1.0, "frames": 0}
    assert desc.compose_event(with_stream, dict.fromkeys(with_stream, 0.0))["seq_num"] == 2
    page = desc.compose_event_page({"img": ["a", "b"], "x": [1, 2]}, {"img": [0, 0], "x": [0, 0]})
    assert page["filled"] == {"img": [False, False]}


def test_event_with_wrong_keys_names_stream_and_keys() -> None:
    desc = compose_run().compose_descriptor("primary", KEYS)
    with pytest.raises(DocumentValidationError) as info:
        desc.compose_event({"x": 1.0}, {"x": 0.0})
    assert str(info.value) == (
        "event document for stream 'primary': field 'data' has keys ['x'] and 'timestamps' "
        "has ['x'], but the descriptor declares ['x', 'y']; read the same objects as the "
        "descriptor describes"
    )


def test_event_page_with_ragged_columns_is_refused() -> None:
    desc = compose_run().compose_descriptor("primary", KEYS)
    with pytest.raises(DocumentValidationError, match="different lengths \\[1, 2\\]"):
        desc.compose_event_page({"x": [1, 2], "y": [1]}, {"x": [0, 0], "y": [0, 0]})
    with pytest.raises(DocumentValidationError, match="'seq_num' has 3 items but the data"):
        desc.compose_event_page({"x": [1], "y": [1]}, {"x": [0], "y": [0]}, seq_num=[1, 2, 3])
    page = desc.compose_event_page({"x": [1], "y": [1]}, {"x": [0], "y": [0]}, seq_num=[7])
    assert page["seq_num"] == [7]
    assert desc.compose_event({"x": 1, "y": 1}, {"x": 0, "y": 0})["seq_num"] == 8


def test_descriptor_is_validated_and_streams_keep_their_keys() -> None:
    run = compose_run()
    with pytest.raises(DocumentValidationError, match=r"'data_keys\.x\.shape' is required"):
        run.compose_descriptor("primary", {"x": {"dtype": "number", "source": "s"}})
    run.compose_descriptor("primary", KEYS, object_classes={"x": "devices.sim.Motor"})
    with pytest.raises(DocumentValidationError, match="every descriptor of a stream"):
        run.compose_descriptor("primary", {"z": KEYS["x"]})


def test_start_metadata_is_validated() -> None:
    with pytest.raises(DocumentValidationError, match="extra key 'a/b' may not contain"):
        compose_run(metadata={"a/b": 1})
    with pytest.raises(DocumentValidationError, match=r"key 'c\.d' inside 'md'"):
        compose_run(metadata={"md": {"c.d": 1}})


def test_second_stop_is_refused() -> None:
    run = compose_run()
    run.compose_stop()
    with pytest.raises(DocumentError, match="already has a stop document"):
        run.compose_stop()


def test_resource_datum_ids_count_from_zero() -> None:
    run = compose_run()
    res = run.compose_resource("AD_HDF5", "/root", "a.h5", {"x": 1}, uid="r")
    assert res.resource_doc["run_start"] == run.start_doc["uid"]
    assert res.resource_doc["path_semantics"] == "posix"
    assert res.compose_datum({"i": 0}) == {
        "datum_id": "r/0",
        "resource": "r",
        "datum_kwargs": {"i": 0},
    }
    page = res.compose_datum_page({"i": [1, 2]})
    assert page["datum_id"] == ["r/1", "r/2"]
    assert res.compose_datum({"i": 3})["datum_id"] == "r/3"
    doc, compose_datum, compose_datum_page = res
    assert doc is res.resource_doc
    assert callable(compose_datum)
    assert callable(compose_datum_page)
    with pytest.raises(DocumentValidationError, match="all lists of one length"):
        res.compose_datum_page({"i": [1], "j": [1, 2]})


def test_stream_resource_and_stream_datum() -> None:
    run = compose_run()
    sres = run.compose_stream_resource("application/x-hdf5", "file:///a.h5", "x", {}, uid="sr")
    assert sres.stream_resource_doc["run_start"] == run.start_doc["uid"]
    first = sres.compose_stream_datum({"start": 0, "stop": 5})
    assert first == {
        "uid": "sr/0",
        "stream_resource": "sr",
        "descriptor": "",
        "indices": {"start": 0, "stop": 5},
        "seq_nums": {"start": 0, "stop": 0},
    }
    second = sres.compose_stream_datum({"start": 5, "stop": 6}, {"start": 1, "stop": 2}, "d")
    assert second["uid"] == "sr/1"
    assert second["descriptor"] == "d"
    doc, factory = sres
    assert doc is sres.stream_resource_doc
    assert callable(factory)

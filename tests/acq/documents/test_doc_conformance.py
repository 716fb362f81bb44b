"""Conformance with the official event-model 1.24 schemas, both directions."""

from __future__ import annotations

import copy
from typing import Any

import event_model
import pytest
from event_model import DocumentNames, schema_validators

from acq import DocumentValidationError
from acq.documents import (
    decode_json_line,
    decode_json_lines,
    decode_msgpack_frame,
    encode_json_line,
    encode_msgpack_frame,
    validate_document,
)
from tests.acq.documents._docfixtures import example_run

NAMES = [
    "start",
    "descriptor",
    "resource",
    "datum",
    "datum_page",
    "event",
    "event_page",
    "stream_resource",
    "stream_datum",
    "stop",
]


def _official(name: str, doc: dict[str, Any]) -> None:
    schema_validators[getattr(DocumentNames, name)].validate(doc)


def test_example_run_has_every_document_type() -> None:
    assert [name for name, _ in example_run()] == NAMES


@pytest.mark.parametrize("index", range(len(NAMES)), ids=NAMES)
def test_composed_documents_pass_the_official_schemas(index: int) -> None:
    name, doc = example_run()[index]
    wire = decode_json_line(encode_json_line(name, doc))  # numpy -> JSON types
    _official(*wire)
    assert wire[0] == name


def test_numpy_payloads_arrive_as_plain_values() -> None:
    docs = dict(decode_json_line(encode_json_line(n, d)) for n, d in example_run())
    assert docs["event"]["data"]["det"] == 1.5
    assert docs["event"]["data"]["count"] == 3
    assert docs["event_page"]["data"]["det"] == [1.0, 2.0]
    assert docs["datum"]["datum_kwargs"] == {"point_number": 0}


def _event_model_run() -> list[tuple[str, dict[str, Any]]]:
    run = event_model.compose_run(metadata={"plan_name": "scan", "scan_id": 3})
    desc = run.compose_descriptor(
        name="primary",
        data_keys={"x": {"dtype": "number", "shape": [], "source": "pv:x"}},
        hints={"x": {"fields": ["x"]}},
    )
    ev = desc.compose_event(data={"x": 1.0}, timestamps={"x": 2.0})
    page = desc.compose_event_page(
        data={"x": [1.0, 2.0]}, timestamps={"x": [1.0, 2.0]}, seq_num=[2, 3]
    )
    res = run.compose_resource(spec="S", root="/", resource_path="a.h5", resource_kwargs={})
    datum = res.compose_datum(datum_kwargs={"i": 1})
    dpage = res.compose_datum_page(datum_kwargs={"i": [2, 3]})
    sres = run.compose_stream_resource(
        mimetype="application/x-hdf5", uri="file:///a.h5", data_key="x", parameters={}
    )
    sdatum = sres.compose_stream_datum(
        indices={"start": 0, "stop": 1}, seq_nums={"start": 1, "stop": 2}
    )
    stop = run.compose_stop()
    return [
        ("start", run.start_doc),
        ("descriptor", desc.descriptor_doc),
        ("resource", res.resource_doc),
        ("datum", datum),
        ("datum_page", dpage),
        ("event", ev),
        ("event_page", page),
        ("stream_resource", sres.stream_resource_doc),
        ("stream_datum", sdatum),
        ("stop", stop),
    ]


@pytest.mark.parametrize("index", range(len(NAMES)), ids=NAMES)
def test_event_model_documents_decode(index: int) -> None:
    name, doc = _event_model_run()[index]
    assert decode_json_line(encode_json_line(name, doc)) == (name, doc)
    assert decode_msgpack_frame(encode_msgpack_frame(name, doc)) == (name, doc)
    assert validate_document(name, doc) is doc


def test_event_model_run_decodes_as_json_lines() -> None:
    frames = _event_model_run()
    text = b"".join(encode_json_line(n, d) for n, d in frames)
    assert decode_json_lines(text) == frames


def _ev() -> dict[str, Any]:
    return {
        "uid": "e1",
        "time": 1.0,
        "descriptor": "d1",
        "seq_num": 1,
        "data": {"x": 1.0},
        "timestamps": {"x": 1.0},
    }


def _with(doc: dict[str, Any], **changes: Any) -> dict[str, Any]:
    out = copy.deepcopy(doc)
    for key, value in changes.items():
        if value is _DROP:
            del out[key]
        else:
            out[key] = value
    return out


_DROP = object()
_START = {"uid": "s1", "time": 1.0}
_DESC = {
    "uid": "d1",
    "time": 1.0,
    "run_start": "s1",
    "data_keys": {"x": {"dtype": "number", "shape": [], "source": "pv:x"}},
}
_STOP = {"uid": "p1", "time": 2.0, "run_start": "s1", "exit_status": "success"}

MALFORMED = [
    (
        "event",
        _with(_ev(), seq_num="1"),
        "event document: field 'seq_num': Input should be a valid integer (got str '1')",
    ),
    (
        "event",
        _with(_ev(), uid=_DROP),
        "event document: field 'uid' is required but missing; add it",
    ),
    (
        "event",
        _with(_ev(), plan="x"),
        "event document: field 'plan' is not allowed (a event document takes no extra "
        "keys); remove it or move it into the start document's metadata",
    ),
    (
        "event",
        _with(_ev(), filled={"x": 3}),
        "event document: field 'filled.x.bool': Input should be a valid boolean (got int 3)\n"
        "event document: field 'filled.x.str': Input should be a valid string (got int 3)",
    ),
    (
        "event_page",
        _with(_ev(), uid=["e1"], time=[1.0], seq_num=[1], data={"x": 1.0}, timestamps={"x": [1]}),
        "event_page document: field 'data.x': Input should be a valid list (got float 1.0)",
    ),
    (
        "start",
        _with(_START, time="now"),
        "start document: field 'time': Input should be a valid number (got str 'now')",
    ),
    (
        "start",
        _with(_START, **{"plan.name": "count"}),
        "start document: extra key 'plan.name' may not contain '.' or '/'; rename it "
        "(event-model allows extra metadata keys only without them)",
    ),
    (
        "stop",
        _with(_STOP, exit_status="ok"),
        "stop document: field 'exit_status': Input should be 'success', 'abort' or 'fail' "
        "(got str 'ok')",
    ),
    (
        "stop",
        _with(_STOP, num_events={"primary": 1.5}),
        "stop document: field 'num_events.primary': Input should be a valid integer "
        "(got float 1.5)",
    ),
    (
        "descriptor",
        _with(_DESC, data_keys={"x": {"dtype": "float", "shape": [], "source": "pv:x"}}),
        "descriptor document: field 'data_keys.x.dtype': Input should be 'string', 'number', "
        "'array', 'boolean' or 'integer' (got str 'float')",
    ),
    (
        "descriptor",
        _with(_DESC, data_keys={"x": {"dtype": "number", "source": "pv:x"}}),
        "descriptor document: field 'data_keys.x.shape' is required but missing; add it",
    ),
    (
        "descriptor",
        _with(
            _DESC,
            data_keys={
                "x": {"dtype": "number", "shape": [], "source": "s", "limits": {"ctrl": {}}}
            },
        ),
        "descriptor document: field 'data_keys.x.limits.ctrl' is not allowed (a descriptor "
        "document takes no extra keys); remove it or move it into the start document's metadata",
    ),
    (
        "resource",
        {
            "uid": "r1",
            "spec": "S",
            "root": "/",
            "resource_path": "a",
            "resource_kwargs": {},
            "path_semantics": "mac",
        },
        "resource document: field 'path_semantics': Input should be 'posix' or 'windows' "
        "(got str 'mac')",
    ),
    (
        "datum",
        {"datum_id": "r1/0", "resource": "r1"},
        "datum document: field 'datum_kwargs' is required but missing; add it",
    ),
    (
        "stream_datum",
        {
            "uid": "sr/0",
            "stream_resource": "sr",
            "descriptor": "d1",
            "indices": {"start": 0},
            "seq_nums": {"start": 1, "stop": 2},
        },
        "stream_datum document: field 'indices.stop' is required but missing; add it",
    ),
]


@pytest.mark.parametrize(("name", "doc", "message"), MALFORMED)
def test_malformed_documents_raise_exact_errors(
    name: str, doc: dict[str, Any], message: str
) -> None:
    with pytest.raises(DocumentValidationError) as info:
        validate_document(name, doc)
    assert str(info.value) == message
    with pytest.raises(DocumentValidationError) as info:
        decode_json_line(encode_json_line(name, doc))
    assert str(info.value) == message
    with pytest.raises(DocumentValidationError) as info:
        decode_msgpack_frame(encode_msgpack_frame(name, doc))
    assert str(info.value) == message
    with pytest.raises(Exception):  # noqa: B017 - the official schema agrees it is bad
        _official(name, doc)


def test_malformed_cover_ten_or_more_cases() -> None:
    assert len(MALFORMED) >= 10

"""Codecs: encoding (dicts, models, numpy) and validating decoders."""

from __future__ import annotations

import json

import msgspec
import numpy as np
import pytest

from acq import DocumentError, DocumentValidationError
from acq.documents import (
    DataKey,
    Event,
    RunStart,
    decode_json_line,
    decode_json_lines,
    decode_msgpack_frame,
    encode_json,
    encode_json_line,
    encode_json_lines,
    encode_msgpack,
    encode_msgpack_frame,
)
from tests.acq.documents._docfixtures import example_run

EVENT = {
    "uid": "e1",
    "time": 1.0,
    "descriptor": "d1",
    "seq_num": 1,
    "data": {"x": np.float32(0.5), "y": np.arange(4).reshape(2, 2), "b": np.bool_(True)},
    "timestamps": {"x": 1.0, "y": 1.0, "b": 1.0},
}


def test_encode_json_handles_numpy() -> None:
    out = json.loads(encode_json(EVENT))
    assert out["data"] == {"x": 0.5, "y": [[0, 1], [2, 3]], "b": True}
    assert msgspec.msgpack.decode(encode_msgpack(EVENT))["data"]["y"] == [[0, 1], [2, 3]]


def test_encode_models_keeps_only_given_fields() -> None:
    start = RunStart.model_validate({"uid": "s", "time": 1, "plan_name": "count"})
    assert json.loads(encode_json(start)) == {"uid": "s", "time": 1.0, "plan_name": "count"}
    assert msgspec.msgpack.decode(encode_msgpack(start))["plan_name"] == "count"
    key = DataKey.model_validate({"dtype": "number", "shape": [], "source": "s", "units": None})
    assert json.loads(encode_json({"k": key})) == {
        "k": {"dtype": "number", "shape": [], "source": "s", "units": None}
    }
    ev = Event.model_validate({**EVENT, "data": {}, "timestamps": {}})
    assert decode_json_line(encode_json_line("event", ev))[1]["uid"] == "e1"


def test_unsupported_value_names_its_type() -> None:
    class Probe:
        pass

    with pytest.raises(DocumentError, match=r"cannot encode a value of type .*Probe"):
        encode_json({"x": Probe()})


def test_frames_round_trip_json_and_msgpack() -> None:
    for name, doc in example_run():
        line = encode_json_line(name, doc)
        assert line.endswith(b"\n")
        assert line.count(b"\n") == 1
        n1, d1 = decode_json_line(line)
        n2, d2 = decode_msgpack_frame(encode_msgpack_frame(name, doc))
        assert n1 == n2 == name
        assert d1 == d2
        assert set(d1) == set(doc)
    assert decode_json_line(line.decode()) == (n1, d1)


def test_event_without_filled_decodes_without_filled() -> None:
    doc = {**EVENT, "data": {"x": 1}, "timestamps": {"x": 1}}
    assert "filled" not in decode_json_line(encode_json_line("event", doc))[1]
    page = {
        "uid": ["a"],
        "time": [1],
        "descriptor": "d",
        "seq_num": [1],
        "data": {},
        "timestamps": {},
        "filled": {"x": ["r/0"]},
    }
    assert decode_json_line(encode_json_line("event_page", page))[1]["filled"] == {"x": ["r/0"]}


def test_json_lines_round_trip_and_skip_blank_lines() -> None:
    frames = example_run()
    text = encode_json_lines(frames)
    assert text.count(b"\n") == len(frames)
    decoded = decode_json_lines(b"\n" + text + b"\n\n")
    assert [n for n, _ in decoded] == [n for n, _ in frames]
    assert decode_json_lines(text.decode()) == decoded
    assert decode_json_lines(b"") == []
    assert encode_json_lines([]) == b""


def test_json_lines_error_names_the_line() -> None:
    good = encode_json_line("start", {"uid": "s", "time": 1.0})
    bad = encode_json_line("stop", {"uid": "p", "time": 1.0, "run_start": "s"})
    with pytest.raises(DocumentValidationError) as info:
        decode_json_lines(good + b"\n" + bad)
    assert str(info.value) == (
        "line 3: stop document: field 'exit_status' is required but missing; add it"
    )


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"{", "not a valid json frame: Input data was truncated"),
        (b'{"uid": 1}', "a frame must be a 2-item array [name, doc], got dict {'uid': 1}"),
        (b'["start"]', "a frame must be a 2-item array [name, doc], got list ['start']"),
        (
            b'["Event", {}]',
            "unknown document name 'Event': expected one of start, descriptor, "
            "event, event_page, stop, resource, datum, datum_page, stream_resource, stream_datum",
        ),
        (b'["start", [1]]', "start document: expected a dict (JSON object), got list [1]"),
    ],
)
def test_bad_frames(raw: bytes, message: str) -> None:
    with pytest.raises(DocumentValidationError) as info:
        decode_json_line(raw)
    assert str(info.value) == message


def test_bad_msgpack_frame() -> None:
    with pytest.raises(DocumentValidationError, match="not a valid msgpack frame"):
        decode_msgpack_frame(b"\xc1")


def test_typed_event_decoder_agrees_with_the_model_on_bool_seq_num() -> None:
    # msgspec's int refuses bool, as the strict model does.
    doc = {**EVENT, "data": {}, "timestamps": {}, "seq_num": True}
    with pytest.raises(DocumentValidationError) as info:
        decode_json_line(encode_json_line("event", doc))
    assert str(info.value) == (
        "event document: field 'seq_num': Input should be a valid integer (got bool True)"
    )


def test_model_is_the_arbiter_where_msgspec_is_narrower() -> None:
    # msgspec ints stop at 64 bits; the model (like JSON Schema) accepts bigger ones.
    doc = {
        "uid": "e",
        "time": 1.0,
        "descriptor": "d",
        "seq_num": 2**70,
        "data": {},
        "timestamps": {},
    }
    line = encode_json_line("event", doc)
    assert decode_json_line(line) == ("event", doc)
    assert decode_json_lines(line + line) == [("event", doc), ("event", doc)]
    assert decode_msgpack_frame(encode_msgpack_frame("event", {**doc, "seq_num": 2})) == (
        "event",
        {**doc, "seq_num": 2},
    )

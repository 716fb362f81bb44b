"""decode_json_lines: the one-call bulk path and its per-line fallback."""

from __future__ import annotations

import gc
from typing import Any

import numpy as np
import pytest

from acq import DocumentValidationError
from acq.documents import compose_run, decode_json_line, decode_json_lines, encode_json_lines
from acq.documents._codec import _decode_bulk
from tests.acq.documents._docfixtures import example_run


def _stream(n: int) -> list[tuple[str, dict[str, Any]]]:
    run = compose_run(metadata={"plan_name": "count"})
    keys = {k: {"dtype": "number", "shape": [], "source": f"sim:{k}"} for k in ("a", "b")}
    desc = run.compose_descriptor("primary", keys)
    frames: list[tuple[str, dict[str, Any]]] = [("start", run.start_doc)]
    frames.append(("descriptor", desc.descriptor_doc))
    frames += [
        ("event", desc.compose_event({"a": i * 0.5, "b": i}, {"a": 1.0, "b": 2.0}))
        for i in range(n)
    ]
    frames.append(("stop", run.compose_stop()))
    return frames


def test_good_stream_takes_the_bulk_path_and_matches_per_line() -> None:
    frames = _stream(50)
    text = encode_json_lines(frames)
    bulk = _decode_bulk(text)
    assert bulk is not None  # no fallback was needed
    assert bulk == frames
    assert decode_json_lines(text) == frames
    assert [decode_json_line(line) for line in text.splitlines()] == frames
    assert all(type(doc) is dict for _, doc in bulk)
    assert all(d.keys() == f[1].keys() for (_, d), f in zip(bulk, frames, strict=True))
    without_filled = [(n, {k: v for k, v in d.items() if k != "filled"}) for n, d in frames]
    back = _decode_bulk(encode_json_lines(without_filled))
    assert back == without_filled  # an absent optional field stays absent


def test_every_document_type_and_numpy_payloads_round_trip_in_bulk() -> None:
    frames = example_run()
    text = encode_json_lines(frames)
    bulk = _decode_bulk(text)
    assert bulk is not None
    assert [n for n, _ in bulk] == [n for n, _ in frames]
    assert bulk == [decode_json_line(line) for line in text.splitlines()]
    event = next(doc for name, doc in bulk if name == "event")
    assert event["data"]["det"] == 1.5
    assert event["data"]["count"] == 3
    page = next(doc for name, doc in bulk if name == "event_page")
    assert isinstance(page["seq_num"], list)


def test_numpy_arrays_in_events_round_trip() -> None:
    run = compose_run()
    keys = {"img": {"dtype": "array", "shape": [2, 2], "source": "sim:img"}}
    desc = run.compose_descriptor("primary", keys)
    arr = np.arange(4, dtype=np.float32).reshape(2, 2)
    event = desc.compose_event({"img": arr}, {"img": 1.0})
    text = encode_json_lines([("event", event), ("event", event)])
    decoded = decode_json_lines(text)
    assert decoded[0][1]["data"]["img"] == [[0.0, 1.0], [2.0, 3.0]]
    assert decoded[1][1]["seq_num"] == event["seq_num"]


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        (
            {"seq_num": "3"},
            "event document: field 'seq_num': Input should be a valid integer (got str '3')",
        ),
        (
            {"extra": 1},
            "event document: field 'extra' is not allowed (a event document takes no extra "
            "keys); remove it or move it into the start document's metadata",
        ),
    ],
)
def test_bad_event_in_the_middle_names_its_line(bad: dict[str, Any], message: str) -> None:
    frames = _stream(100)
    name, doc = frames[52]  # line 53
    frames[52] = (name, {**doc, **bad})
    with pytest.raises(DocumentValidationError) as info:
        decode_json_lines(encode_json_lines(frames))
    assert str(info.value) == f"line 53: {message}"
    assert gc.isenabled()


def test_missing_event_field_in_the_middle_names_its_line() -> None:
    frames = _stream(10)
    doc = dict(frames[5][1])
    del doc["timestamps"]
    frames[5] = ("event", doc)
    with pytest.raises(DocumentValidationError, match=r"^line 6: event document: .*timestamps"):
        decode_json_lines(encode_json_lines(frames))


def test_bad_stop_document_names_its_line() -> None:
    frames = _stream(10)
    stop = dict(frames[-1][1])
    del stop["exit_status"]
    frames[-1] = ("stop", stop)
    with pytest.raises(DocumentValidationError) as info:
        decode_json_lines(encode_json_lines(frames))
    assert str(info.value) == (
        "line 13: stop document: field 'exit_status' is required but missing; add it"
    )


def test_malformed_json_line_names_its_line() -> None:
    text = encode_json_lines(_stream(5))
    lines = text.splitlines(keepends=True)
    lines[3] = b'["event", {"uid": \n'
    with pytest.raises(DocumentValidationError, match=r"^line 4: not a valid json frame"):
        decode_json_lines(b"".join(lines))


def test_frame_split_over_two_lines_is_refused_as_per_line() -> None:
    # msgspec's decode_lines would read it as one value; the per-line verdict wins.
    frames = _stream(3)
    text = encode_json_lines(frames)
    lines = text.splitlines(keepends=True)
    lines[2] = lines[2].replace(b'"event",', b'"event",\n', 1)
    with pytest.raises(DocumentValidationError, match=r"^line 3: not a valid json frame"):
        decode_json_lines(b"".join(lines))


def test_two_frames_on_one_line_are_refused_as_per_line() -> None:
    frames = _stream(3)
    lines = encode_json_lines(frames).splitlines()
    lines[2:4] = [lines[2] + b" " + lines[3]]
    with pytest.raises(DocumentValidationError, match=r"^line 3: not a valid json frame"):
        decode_json_lines(b"\n".join(lines))


def test_crlf_blank_lines_and_no_trailing_newline_still_decode() -> None:
    frames = _stream(4)
    text = encode_json_lines(frames)
    assert decode_json_lines(text.replace(b"\n", b"\r\n")) == frames
    assert decode_json_lines(text.rstrip(b"\n")) == frames
    assert _decode_bulk(text.rstrip(b"\n")) == frames
    assert decode_json_lines(text.replace(b"\n", b"\n\n")) == frames
    assert decode_json_lines(b"\n \n") == []

"""The models accept exactly what the official event-model 1.24 schemas accept.

Each case is checked three ways: the official jsonschema validator, our pydantic
model (``validate_document``) and the JSON frame decoder (msgspec fast path for
events). All three must agree.
"""

from __future__ import annotations

from typing import Any

import pytest
from event_model import DocumentNames, schema_validators
from jsonschema import ValidationError

from acq import DocumentValidationError
from acq.documents import decode_json_line, encode_json_line, validate_document

S = {"uid": "s", "time": 1.0}
D = {"uid": "d", "time": 1.0, "run_start": "s", "data_keys": {}}
E = {"uid": "e", "time": 1.0, "descriptor": "d", "seq_num": 1, "data": {}, "timestamps": {}}
P = {"uid": ["e"], "time": [1.0], "descriptor": "d", "seq_num": [1], "data": {}, "timestamps": {}}
STOP = {"uid": "p", "time": 1.0, "run_start": "s", "exit_status": "success"}
R = {"uid": "r", "spec": "S", "root": "/", "resource_path": "a", "resource_kwargs": {}}
SR = {"uid": "sr", "data_key": "x", "mimetype": "m", "uri": "u", "parameters": {}}
SD = {
    "uid": "sr/0",
    "stream_resource": "sr",
    "descriptor": "d",
    "indices": {"start": 0, "stop": 1},
    "seq_nums": {"start": 1, "stop": 2},
}


def _key(**kw: Any) -> dict[str, Any]:
    return {"data_keys": {"x": {"dtype": "number", "shape": [], "source": "s", **kw}}}


CASES: list[tuple[str, dict[str, Any], bool]] = [
    # start
    ("start", S, True),
    ("start", {**S, "time": 1}, True),
    ("start", {**S, "time": True}, False),
    ("start", {**S, "scan_id": "1"}, False),
    ("start", {**S, "sample": {"a/b": 1}}, False),
    ("start", {**S, "a": {"b": {"c.d": 1}}}, False),
    ("start", {**S, "sample": "uid-1"}, True),
    ("start", {**S, "sample": 3}, False),
    ("start", {**S, "hints": {"dimensions": [[["x"], "primary"]]}}, True),
    ("start", {**S, "hints": {"dimensions": [[["x"], 3]]}}, False),
    ("start", {**S, "hints": {"gui": {"a": 1}}}, True),
    ("start", {**S, "hints": {"a.b": 1}}, False),
    ("start", {**S, "hints": {"a/b": 1}}, False),
    ("start", {**S, "data_type": {"a": {"b": 1}}}, True),
    ("start", {**S, "data_type": {"a/b": 1}}, False),
    ("start", {**S, "md": {"nested": {"ok": [1, {"x.y": 1}]}}}, True),
    ("start", {**S, "data_groups": ["a", 1]}, False),
    ("start", {**S, "owner": None}, False),
    (
        "start",
        {
            **S,
            "projections": [
                {
                    "version": "1",
                    "configuration": {},
                    "projection": {
                        "a": {"type": "static", "value": 1},
                        "b": {"type": "linked", "location": "event", "stream": "p", "field": "x"},
                        "c": {
                            "type": "linked",
                            "location": "configuration",
                            "stream": "p",
                            "config_index": 0,
                            "config_device": "d",
                            "field": "x",
                        },
                        "d": {
                            "type": "calculated",
                            "location": "event",
                            "stream": "p",
                            "field": "x",
                            "calculation": {"callable": "m:f", "args": [1], "kwargs": {}},
                        },
                    },
                }
            ],
        },
        True,
    ),
    ("start", {**S, "projections": [{"version": "1", "configuration": {}}]}, False),
    (
        "start",
        {**S, "projections": [{"version": "1", "configuration": {}, "projection": {"a": {}}}]},
        False,
    ),
    # descriptor
    ("descriptor", D, True),
    ("descriptor", {**D, **_key()}, True),
    ("descriptor", {**D, **_key(shape=[None, 3], dims=["a", "b"])}, True),
    ("descriptor", {**D, **_key(shape=[1.5])}, False),
    ("descriptor", {**D, **_key(dtype_numpy="<f8")}, True),
    ("descriptor", {**D, **_key(dtype_numpy="float64")}, False),
    ("descriptor", {**D, **_key(dtype_numpy=[["a", "<f8"], ["b", "<i4"]])}, True),
    ("descriptor", {**D, **_key(dtype_numpy=[["a"]])}, False),
    ("descriptor", {**D, **_key(dtype_numpy=[["a", "float"]])}, False),
    ("descriptor", {**D, **_key(external="FILESTORE:")}, True),
    ("descriptor", {**D, **_key(external="file")}, False),
    ("descriptor", {**D, **_key(precision=None, units=None, choices=["a"])}, True),
    ("descriptor", {**D, **_key(precision=1.5)}, False),
    ("descriptor", {**D, **_key(limits={"control": {"low": 0, "high": None}})}, True),
    ("descriptor", {**D, **_key(limits={"control": None, "hysteresis": 0.1})}, True),
    ("descriptor", {**D, **_key(limits={"control": {"low": 0}})}, False),
    (
        "descriptor",
        {**D, **_key(limits={"rds": {"time_difference": 1, "value_difference": 2}})},
        True,
    ),
    ("descriptor", {**D, **_key(limits={"rds": {"time_difference": 1}})}, False),
    ("descriptor", {**D, **_key(custom_field=1)}, True),
    ("descriptor", {**D, "hints": {"det": {"fields": ["x"]}, "NX_class": "NXdetector"}}, True),
    ("descriptor", {**D, "hints": {"NX_class": "detector"}}, False),
    ("descriptor", {**D, "hints": {"fields": "x"}}, False),
    (
        "descriptor",
        {**D, "configuration": {"det": {"data": {}, "timestamps": {}, "extra": 1}}},
        True,
    ),
    (
        "descriptor",
        {**D, "configuration": {"det": {"data_keys": {"a": {"dtype": "number"}}}}},
        False,
    ),
    ("descriptor", {**D, "object_classes": {"det": 1}}, False),
    ("descriptor", {**D, "name": "primary", "note.x": 1}, False),
    # event / event_page
    ("event", E, True),
    ("event", {**E, "filled": {"x": False, "y": "r/0"}}, True),
    ("event", {**E, "seq_num": 1.5}, False),
    ("event", {**E, "time": "1"}, False),
    ("event", {**E, "data": []}, False),
    ("event", {**E, "descriptor": None}, False),
    ("event_page", P, True),
    ("event_page", {**P, "filled": {"x": [False]}}, True),
    ("event_page", {**P, "filled": {"x": [1]}}, False),
    ("event_page", {**P, "uid": "e"}, False),
    ("event_page", {**P, "time": [1, "2"]}, False),
    ("event_page", {**P, "extra": 1}, False),
    # stop
    ("stop", STOP, True),
    ("stop", {**STOP, "num_events": {"primary": 3}, "reason": "", "data_type": 1}, True),
    ("stop", {**STOP, "reason": None}, False),
    ("stop", {**STOP, "extra_key": {"a": 1}}, True),
    ("stop", {**STOP, "extra_key": {"a.b": 1}}, True),
    ("stop", {**STOP, "extra.key": 1}, False),
    (
        "descriptor",
        {**D, "data_keys": {"x.y": {"dtype": "number", "shape": [], "source": "s"}}},
        False,
    ),
    # resources
    ("resource", R, True),
    ("resource", {**R, "path_semantics": "windows", "run_start": "s"}, True),
    ("resource", {**R, "extra": 1}, False),
    ("resource", {k: v for k, v in R.items() if k != "root"}, False),
    ("datum", {"datum_id": "r/0", "resource": "r", "datum_kwargs": {"a": 1}}, True),
    ("datum", {"datum_id": "r/0", "resource": "r", "datum_kwargs": {}, "x": 1}, False),
    ("datum_page", {"datum_id": ["r/0"], "resource": "r", "datum_kwargs": {"a": [1]}}, True),
    ("datum_page", {"datum_id": ["r/0"], "resource": "r", "datum_kwargs": {"a": 1}}, False),
    ("datum_page", {"datum_id": "r/0", "resource": "r", "datum_kwargs": {}}, False),
    ("stream_resource", SR, True),
    ("stream_resource", {**SR, "run_start": "s", "anything": 1}, True),
    ("stream_resource", {**SR, "uri": 1}, False),
    ("stream_datum", SD, True),
    ("stream_datum", {**SD, "extra": 1, "indices": {"start": 0, "stop": 1, "step": 1}}, True),
    ("stream_datum", {**SD, "seq_nums": {"start": 0.5, "stop": 1}}, False),
]


def _official_ok(name: str, doc: dict[str, Any]) -> bool:
    try:
        schema_validators[getattr(DocumentNames, name)].validate(doc)
    except ValidationError:
        return False
    return True


def _ours_ok(name: str, doc: dict[str, Any]) -> bool:
    try:
        validate_document(name, doc)
    except DocumentValidationError:
        return False
    return True


def _decoder_ok(name: str, doc: dict[str, Any]) -> bool:
    try:
        decode_json_line(encode_json_line(name, doc))
    except DocumentValidationError:
        return False
    return True


@pytest.mark.parametrize(("name", "doc", "valid"), CASES)
def test_models_agree_with_the_official_schema(name: str, doc: dict[str, Any], valid: bool) -> None:
    assert _official_ok(name, doc) is valid, "the case itself is wrong"
    assert _ours_ok(name, doc) is valid
    assert _decoder_ok(name, doc) is valid


# Deliberate deviations: acq is stricter than JSON Schema on integers written as
# floats (``1.0``), which jsonschema counts as integers (decision 0002).
DEVIATIONS: list[tuple[str, dict[str, Any]]] = [
    ("start", {**S, "scan_id": 1.0}),
    ("event", {**E, "seq_num": 2.0}),
    ("stop", {**STOP, "num_events": {"primary": 3.0}}),
]


@pytest.mark.parametrize(("name", "doc"), DEVIATIONS)
def test_integral_floats_are_refused_where_integers_are_due(name: str, doc: dict[str, Any]) -> None:
    assert _official_ok(name, doc)
    assert not _ours_ok(name, doc)
    assert not _decoder_ok(name, doc)

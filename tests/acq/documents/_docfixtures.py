"""A composed example run holding every document type, with numpy payloads."""

from __future__ import annotations

from typing import Any

import numpy as np

from acq.documents import compose_run


def example_run() -> list[tuple[str, dict[str, Any]]]:
    """Every document type of event-model 1.24, composed by acq."""
    run = compose_run(metadata={"plan_name": "count", "scan_id": 7, "sample": {"name": "Si"}})
    data_keys = {
        "det": {"dtype": "number", "shape": [], "source": "sim:det", "dtype_numpy": "<f8"},
        "count": {"dtype": "integer", "shape": [], "source": "sim:count", "units": None},
        "image": {"dtype": "array", "shape": [2, 3], "source": "sim:img", "external": "FILESTORE:"},
        "frames": {"dtype": "array", "shape": [None, 4], "source": "sim:f", "external": "STREAM:"},
    }
    desc = run.compose_descriptor(
        "primary",
        data_keys,
        configuration={
            "det": {
                "data": {"det_gain": 2},
                "timestamps": {"det_gain": 1.0},
                "data_keys": {"det_gain": {"dtype": "integer", "shape": [], "source": "sim:gain"}},
            }
        },
        hints={"det": {"fields": ["det"]}},
        object_keys={"det": ["det", "count"], "img": ["image", "frames"]},
    )
    res = run.compose_resource("AD_HDF5", "/tmp", "data/img.h5", {"frame_per_point": 1})
    datum = res.compose_datum({"point_number": np.int64(0)})
    datum_page = res.compose_datum_page({"point_number": [1, 2]})
    ev = desc.compose_event(
        {"det": np.float64(1.5), "count": np.int32(3), "image": datum["datum_id"]},
        {"det": 1.0, "count": 1.0, "image": 1.0},
    )
    page = desc.compose_event_page(
        {"det": np.array([1.0, 2.0]), "count": [4, 5], "image": datum_page["datum_id"]},
        {"det": [1.0, 2.0], "count": [1.0, 2.0], "image": [1.0, 2.0]},
    )
    sres = run.compose_stream_resource(
        "application/x-hdf5", "file://localhost/tmp/frames.h5", "frames", {"dataset": "/f"}
    )
    sdatum = sres.compose_stream_datum(
        {"start": 0, "stop": 3}, {"start": 1, "stop": 4}, desc.descriptor_doc
    )
    stop = run.compose_stop()
    return [
        ("start", run.start_doc),
        ("descriptor", desc.descriptor_doc),
        ("resource", res.resource_doc),
        ("datum", datum),
        ("datum_page", datum_page),
        ("event", ev),
        ("event_page", page),
        ("stream_resource", sres.stream_resource_doc),
        ("stream_datum", sdatum),
        ("stop", stop),
    ]

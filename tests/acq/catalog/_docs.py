"""Test documents made with event-model (the reference implementation)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import h5py
import numpy as np
from event_model import compose_run

Docs = list[tuple[str, dict[str, Any]]]


def scalar_run(n: int = 5, *, scan_id: int = 1, t0: float | None = None, **md: Any) -> Docs:
    """A run with one primary stream of x (motor) and det (float) for n events."""
    bundle = compose_run(metadata={"scan_id": scan_id, **md}, time=t0)
    docs: Docs = [("start", bundle.start_doc)]
    desc = bundle.compose_descriptor(
        name="primary",
        data_keys={
            "x": {"source": "sim:x", "dtype": "number", "shape": [], "dtype_numpy": "<f8"},
            "det": {"source": "sim:det", "dtype": "number", "shape": []},
            "label": {"source": "sim:label", "dtype": "string", "shape": []},
        },
        configuration={
            "det": {
                "data": {"det_gain": 2.5},
                "timestamps": {"det_gain": 1.0},
                "data_keys": {"det_gain": {"source": "g", "dtype": "number", "shape": []}},
            }
        },
        object_keys={"det": ["det"], "x": ["x"]},
    )
    docs.append(("descriptor", desc.descriptor_doc))
    now = time.time()
    for i in range(n):
        ev = desc.compose_event(
            data={"x": float(i), "det": float(i) ** 2, "label": f"p{i}"},
            timestamps={"x": now + i, "det": now + i, "label": now + i},
        )
        docs.append(("event", ev))
    docs.append(("stop", bundle.compose_stop()))
    return docs


def hdf5_run(path: Path, n_frames: int = 10, shape: tuple[int, int] = (8, 6), **md: Any) -> Docs:
    """A detector that writes its frames to an HDF5 file and emits StreamResource/Datum."""
    bundle = compose_run(metadata={"scan_id": 7, "plan_name": "count", **md})
    docs: Docs = [("start", bundle.start_doc)]
    desc = bundle.compose_descriptor(
        name="primary",
        data_keys={
            "cam_image": {
                "source": "sim:cam",
                "dtype": "array",
                "shape": [1, *shape],
                "dtype_numpy": "<u2",
                "external": "STREAM:",
            },
            "cam_sum": {"source": "sim:cam", "dtype": "number", "shape": []},
        },
    )
    docs.append(("descriptor", desc.descriptor_doc))
    res = bundle.compose_stream_resource(
        mimetype="application/x-hdf5",
        uri=f"file://localhost{path}",
        data_key="cam_image",
        parameters={"dataset": "/entry/data/data", "chunk_shape": [1, *shape]},
    )
    docs.append(("stream_resource", res.stream_resource_doc))
    with h5py.File(path, "w", libver="latest") as f:
        ds = f.create_dataset(
            "/entry/data/data", shape=(0, *shape), maxshape=(None, *shape), dtype="<u2"
        )
        for i in range(n_frames):
            frame = np.full(shape, i, dtype="<u2")
            ds.resize(i + 1, axis=0)
            ds[i] = frame
            ev = desc.compose_event(
                data={"cam_sum": float(frame.sum())}, timestamps={"cam_sum": time.time()}
            )
            docs.append(("event", ev))
            datum = res.compose_stream_datum(
                indices={"start": i, "stop": i + 1},
                seq_nums={"start": i + 1, "stop": i + 2},
                descriptor=desc.descriptor_doc,
            )
            docs.append(("stream_datum", datum))
    docs.append(("stop", bundle.compose_stop()))
    return docs


def stream_run(
    mimetype: str, uri: str, parameters: dict[str, Any], n: int, shape: tuple[int, ...]
) -> Docs:
    """A run whose ``img`` frames live in an external resource, one StreamDatum for all."""
    bundle = compose_run(metadata={"scan_id": 11, "detector": mimetype})
    desc = bundle.compose_descriptor(
        name="primary",
        data_keys={
            "img": {
                "source": "sim:img",
                "dtype": "array",
                "shape": list(shape),
                "external": "STREAM:",
            }
        },
    )
    res = bundle.compose_stream_resource(
        mimetype=mimetype, uri=uri, data_key="img", parameters=parameters
    )
    datum = res.compose_stream_datum(
        indices={"start": 0, "stop": n},
        seq_nums={"start": 1, "stop": n + 1},
        descriptor=desc.descriptor_doc,
    )
    return [
        ("start", bundle.start_doc),
        ("descriptor", desc.descriptor_doc),
        ("stream_resource", res.stream_resource_doc),
        ("stream_datum", datum),
        ("stop", bundle.compose_stop()),
    ]


def resource_run(root: Path, n: int, shape: tuple[int, int] = (4, 5)) -> Docs:
    """Old-style Resource + Datum (AD_HDF5): the event data are datum ids."""
    path = root / "ad.h5"
    with h5py.File(path, "w") as f:
        f["/entry/data/data"] = np.stack([np.full(shape, i, "<i4") for i in range(n)])
    bundle = compose_run(metadata={"scan_id": 12})
    res = bundle.compose_resource(
        spec="AD_HDF5",
        root=str(root),
        resource_path="ad.h5",
        resource_kwargs={"frame_per_point": 1},
    )
    desc = bundle.compose_descriptor(
        name="primary",
        data_keys={
            "ad": {
                "source": "sim:ad",
                "dtype": "array",
                "shape": list(shape),
                "external": "FILESTORE:",
            }
        },
    )
    docs: Docs = [
        ("start", bundle.start_doc),
        ("resource", res.resource_doc),
        ("descriptor", desc.descriptor_doc),
    ]
    page = res.compose_datum_page(datum_kwargs={"point_number": list(range(n))})
    docs.append(("datum_page", page))
    for i, datum_id in enumerate(page["datum_id"]):
        ev = desc.compose_event(
            data={"ad": datum_id}, timestamps={"ad": 1.0 + i}, filled={"ad": False}
        )
        docs.append(("event", ev))
    docs.append(("stop", bundle.compose_stop()))
    return docs

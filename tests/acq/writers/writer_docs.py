"""Document streams for writer tests, made with event_model.compose_run."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import event_model
import h5py
import numpy as np

Docs = list[tuple[str, dict[str, Any]]]


def scalar_run(n: int = 5, **md: Any) -> Docs:
    """A count-like run: primary stream with 3 floats, a baseline stream, all in events."""
    bundle = event_model.compose_run(metadata={"scan_id": 7, "plan_name": "count", **md})
    keys = {k: {"source": "sim", "dtype": "number", "shape": []} for k in ("det", "x", "y")}
    prim = bundle.compose_descriptor(name="primary", data_keys=keys)
    base = bundle.compose_descriptor(
        name="baseline", data_keys={"x": {"source": "sim", "dtype": "number", "shape": []}}
    )
    docs: Docs = [("start", bundle.start_doc), ("descriptor", prim.descriptor_doc)]
    docs.append(("descriptor", base.descriptor_doc))
    docs.append(("event", base.compose_event(data={"x": 0.5}, timestamps={"x": 1.0})))
    for i in range(n):
        data = {"det": float(i) ** 2, "x": float(i), "y": -0.25 * i}
        docs.append(("event", prim.compose_event(data=data, timestamps=dict.fromkeys(data, 1.0))))
    docs.append(("stop", bundle.compose_stop()))
    return docs


def full_run(tmp_path: Path, n: int = 3, dtype: str = "uint16") -> Docs:
    """All ten document types: events, an event page, old-style and stream external data."""
    frames = np.arange(n * 4 * 5, dtype=dtype).reshape(n, 4, 5)
    h5 = tmp_path / "det.h5"
    with h5py.File(h5, "w") as f:
        f["/entry/data/data"] = frames
        f["/entry/old"] = frames + 1
    bundle = event_model.compose_run(metadata={"scan_id": 3, "plan_name": "count"})
    keys = {
        "det": {"source": "sim", "dtype": "number", "shape": []},
        "img": {
            "source": "sim",
            "dtype": "array",
            "shape": [4, 5],
            "dtype_numpy": np.dtype(dtype).str,
            "external": "STREAM:",
        },
        "old": {"source": "sim", "dtype": "array", "shape": [4, 5], "external": "FILESTORE:"},
    }
    desc = bundle.compose_descriptor(name="primary", data_keys=keys)
    sres = bundle.compose_stream_resource(
        mimetype="application/x-hdf5",
        uri=f"file://localhost{h5}",
        data_key="img",
        parameters={"dataset": "/entry/data/data"},
    )
    res = bundle.compose_resource(
        spec="AD_HDF5",
        root="/",
        resource_path=str(h5).lstrip("/"),
        resource_kwargs={"frame_per_point": 1, "dataset": "/entry/old"},
    )
    docs: Docs = [("start", bundle.start_doc), ("descriptor", desc.descriptor_doc)]
    docs += [("stream_resource", sres.stream_resource_doc), ("resource", res.resource_doc)]
    dpage = res.compose_datum_page(datum_kwargs={"point_number": list(range(n - 1))})
    docs.append(("datum_page", dpage))
    last = res.compose_datum(datum_kwargs={"point_number": n - 1})
    docs.append(("datum", last))
    ids = [*dpage["datum_id"], last["datum_id"]]
    for i in range(n - 1):
        ev = desc.compose_event(
            data={"det": float(i), "old": ids[i]},
            timestamps={"det": 1.0, "old": 1.0},
            filled={"old": False},
        )
        docs.append(("event", ev))
    page = desc.compose_event_page(
        data={"det": [float(n - 1)], "old": [ids[-1]]},
        timestamps={"det": [1.0], "old": [1.0]},
        seq_num=[n],
        filled={"old": [False]},
        uid=["page-event"],
        time=[2.0],
    )
    docs.append(("event_page", page))
    sd = sres.compose_stream_datum(
        indices={"start": 0, "stop": n},
        seq_nums={"start": 1, "stop": n + 1},
        descriptor=desc.descriptor_doc,
    )
    docs.append(("stream_datum", sd))
    docs.append(("stop", bundle.compose_stop()))
    return docs

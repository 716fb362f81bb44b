"""``acq demo``: the document stream of a composed example run.

Until the engine and simulated devices land, the demo composes a small scan by
hand (a motor stepping through five positions, a detector reading a Gaussian),
prints one short line per document, then encodes the run to JSON lines and
decodes (validates) it back.
"""

from __future__ import annotations

import argparse
import math
from typing import Any

from acq.documents import compose_run, decode_json_lines, encode_json_lines


def _add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--quiet", action="store_true", help="print only the summary")


def _example_run() -> list[tuple[str, dict[str, Any]]]:
    run = compose_run(metadata={"plan_name": "scan", "scan_id": 1, "motors": ["motor"]})
    data_keys = {
        "motor": {"dtype": "number", "shape": [], "source": "sim:motor", "units": "mm"},
        "det": {"dtype": "number", "shape": [], "source": "sim:det", "units": "counts"},
    }
    desc = run.compose_descriptor(
        "primary", data_keys, hints={"det": {"fields": ["det"]}}, object_keys={"det": ["det"]}
    )
    docs = [("start", run.start_doc), ("descriptor", desc.descriptor_doc)]
    t0 = run.start_doc["time"]
    for i in range(5):
        x = -1.0 + 0.5 * i
        stamp = t0 + 0.1 * (i + 1)
        event = desc.compose_event(
            {"motor": x, "det": round(1000 * math.exp(-(x**2)), 1)},
            {"motor": stamp, "det": stamp},
            time=stamp,
        )
        docs.append(("event", event))
    docs.append(("stop", run.compose_stop()))
    return docs


def _line(name: str, doc: dict[str, Any]) -> str:
    if name == "start":
        return f"uid={doc['uid'][:8]} plan_name={doc['plan_name']} scan_id={doc['scan_id']}"
    if name == "descriptor":
        return f"stream={doc['name']} data_keys={', '.join(doc['data_keys'])}"
    if name == "event":
        values = " ".join(f"{k}={v}" for k, v in doc["data"].items())
        return f"seq_num={doc['seq_num']} {values}"
    return f"exit_status={doc['exit_status']} num_events={doc['num_events']}"


def _run(args: argparse.Namespace) -> int:
    docs = _example_run()
    if not args.quiet:
        for name, doc in docs:
            print(f"{name:<11} {_line(name, doc)}")
    text = encode_json_lines(docs)
    back = decode_json_lines(text)
    ok = back == docs
    print(
        f"{len(docs)} documents, {len(text)} bytes of JSON lines; "
        f"decoded and validated back: {'ok' if ok else 'MISMATCH'}"
    )
    return 0 if ok else 1

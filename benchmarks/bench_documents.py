"""Documents: compose + encode a run, and decode + validate it back.

Method. One run of ``--n`` events with 3 float fields (plus start, descriptor and
stop). acq composes with ``acq.documents.compose_run`` and encodes each
``[name, doc]`` frame with ``encode_json_line`` (msgspec). The anchor is
event-model's ``compose_run`` (1.24), once with its default per-document
jsonschema validation and once with ``validate=False`` on ``compose_event``, each
encoding its frames as suitcase-jsonl does (``json.dumps((name, doc))``). Decoding
reads the JSON-lines text back into validated ``(name, doc)`` dicts: acq with
``decode_json_lines`` (one msgspec ``decode_lines`` call over the whole text into
typed frames, then Struct -> dict); the anchor with ``json.loads`` per line plus
event-model's jsonschema validators. Rates are events per second of wall time;
acq and the anchor alternate, warm-up first, median of ``--repeat`` repetitions.
For the one-event-per-line decode the figure also records, as context, acq's rate
per CPU-second, the machine's load average, and the floor: msgspec decoding the
same text into plain dicts with no validation at all (``decode_lines``).
"""

from __future__ import annotations

import gc
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import event_model
import msgspec
from event_model import DocumentNames, schema_validators

from acq.documents import compose_run, decode_json_lines, encode_json_line

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a script from anywhere
from benchmarks._harness import Bench

KEYS = ("det1", "det2", "det3")
DATA_KEYS = {k: {"dtype": "number", "shape": [], "source": f"sim:{k}"} for k in KEYS}


def _readings(n: int) -> list[tuple[dict[str, float], dict[str, float]]]:
    rnd = random.Random(0)
    now = time.time()
    return [
        ({k: rnd.random() for k in KEYS}, dict.fromkeys(KEYS, now + i * 0.001)) for i in range(n)
    ]


def acq_compose_encode(readings: list[tuple[dict[str, float], dict[str, float]]]) -> float:
    t0 = time.perf_counter()
    run = compose_run(metadata={"plan_name": "count", "scan_id": 1})
    out = [encode_json_line("start", run.start_doc)]
    desc = run.compose_descriptor("primary", DATA_KEYS, hints={"det1": {"fields": ["det1"]}})
    out.append(encode_json_line("descriptor", desc.descriptor_doc))
    compose_event = desc.compose_event
    append = out.append
    for data, ts in readings:
        append(encode_json_line("event", compose_event(data, ts)))
    out.append(encode_json_line("stop", run.compose_stop()))
    return time.perf_counter() - t0


def anchor_compose_encode(
    readings: list[tuple[dict[str, float], dict[str, float]]], validate: bool
) -> float:
    t0 = time.perf_counter()
    run = event_model.compose_run(metadata={"plan_name": "count", "scan_id": 1})
    dumps = json.dumps
    out = [dumps(("start", run.start_doc)) + "\n"]
    desc = run.compose_descriptor(
        name="primary", data_keys=DATA_KEYS, hints={"det1": {"fields": ["det1"]}}
    )
    out.append(dumps(("descriptor", desc.descriptor_doc)) + "\n")
    compose_event = desc.compose_event
    append = out.append
    for data, ts in readings:
        append(dumps(("event", compose_event(data=data, timestamps=ts, validate=validate))) + "\n")
    out.append(dumps(("stop", run.compose_stop())) + "\n")
    return time.perf_counter() - t0


def _jsonl(n: int) -> bytes:
    run = compose_run()
    desc = run.compose_descriptor("primary", DATA_KEYS)
    lines = [encode_json_line("start", run.start_doc)]
    lines.append(encode_json_line("descriptor", desc.descriptor_doc))
    lines += [encode_json_line("event", desc.compose_event(d, t)) for d, t in _readings(n)]
    lines.append(encode_json_line("stop", run.compose_stop()))
    return b"".join(lines)


def _jsonl_pages(n: int, page_size: int) -> bytes:
    run = compose_run()
    desc = run.compose_descriptor("primary", DATA_KEYS)
    lines = [encode_json_line("start", run.start_doc)]
    lines.append(encode_json_line("descriptor", desc.descriptor_doc))
    readings = _readings(n)
    for i in range(0, n, page_size):
        chunk = readings[i : i + page_size]
        data = {k: [d[k] for d, _ in chunk] for k in KEYS}
        stamps = {k: [t[k] for _, t in chunk] for k in KEYS}
        lines.append(encode_json_line("event_page", desc.compose_event_page(data, stamps)))
    lines.append(encode_json_line("stop", run.compose_stop()))
    return b"".join(lines)


def acq_decode(text: bytes, n: int) -> float:
    t0 = time.perf_counter()
    docs = decode_json_lines(text)
    elapsed = time.perf_counter() - t0
    assert docs[-1][0] == "stop"
    return elapsed


def _cpu_rate(fn: Any, n: int, repeat: int = 3) -> float:
    """Events per CPU-second (median), so a busy machine's stolen time is left out."""
    rates = []
    for _ in range(repeat):
        t0 = time.process_time()
        fn()
        rates.append(n / max(time.process_time() - t0, 1e-9))
    return round(statistics.median(rates))


def _floor_decode(text: bytes) -> float:
    """msgspec into plain dicts, no types, no validation: what no validator can beat."""
    t0 = time.perf_counter()
    gc.disable()
    try:
        docs = _GENERIC.decode_lines(text)
    finally:
        gc.enable()
    elapsed = time.perf_counter() - t0
    assert docs[-1][0] == "stop"
    return elapsed


_GENERIC = msgspec.json.Decoder(tuple[str, dict[str, Any]])
_VALIDATORS: dict[str, Any] = {n.name: schema_validators[n] for n in DocumentNames}


def anchor_decode(text: bytes, n: int) -> float:
    t0 = time.perf_counter()
    docs = []
    for line in text.splitlines():
        name, doc = json.loads(line)
        _VALIDATORS[name].validate(doc)
        docs.append((name, doc))
    elapsed = time.perf_counter() - t0
    assert docs[-1][0] == "stop"
    return elapsed


def main() -> None:
    bench = Bench("documents", description=__doc__)
    args = bench.parse_args(defaults={"n": 100_000}, quick={"n": 1_000})
    n = args.n
    readings = _readings(n)
    em = f"event-model {event_model.__version__}"
    bench.compare(
        "compose+encode vs event-model validating",
        unit="events/s",
        n=n,
        acq=lambda: acq_compose_encode(readings),
        anchor=lambda: anchor_compose_encode(readings, validate=True),
        anchor_name=f"{em} (validate=True) + json.dumps",
        goal=">= 20x",
        goal_ratio=20.0,
    )
    bench.compare(
        "compose+encode vs event-model no validation",
        unit="events/s",
        n=n,
        acq=lambda: acq_compose_encode(readings),
        anchor=lambda: anchor_compose_encode(readings, validate=False),
        anchor_name=f"{em} (validate=False) + json.dumps",
        goal=">= 1.5x",
        goal_ratio=1.5,
    )
    text = _jsonl(n)
    floor = [n / _floor_decode(text) for _ in range(3)]
    context = {
        "acq_events_per_cpu_s": _cpu_rate(lambda: acq_decode(text, n), n),
        "floor_msgspec_untyped_dicts_events_per_s": round(statistics.median(floor)),
        "floor_msgspec_untyped_dicts_events_per_cpu_s": _cpu_rate(lambda: _floor_decode(text), n),
        "load_average_1min": round(os.getloadavg()[0], 2),
        "cpus": os.cpu_count(),
    }
    bench.compare(
        "decode+validate JSONL (1 event/line)",
        unit="events/s",
        n=n,
        acq=lambda: acq_decode(text, n),
        anchor=lambda: anchor_decode(text, n),
        anchor_name=f"json.loads + {em} jsonschema",
        goal=">= 1,000,000 events/s",
        goal_value=1_000_000,
        extra=context,
    )
    pages = _jsonl_pages(n, 1000)
    bench.compare(
        "decode+validate JSONL (event_page lines)",
        unit="events/s",
        n=n,
        acq=lambda: acq_decode(pages, n),
        anchor=lambda: anchor_decode(pages, n),
        anchor_name=f"json.loads + {em} jsonschema",
        extra={"note": "pages of 1000 events; informational, no goal"},
    )
    bench.report(anchors=("event-model", "msgspec", "pydantic"))


if __name__ == "__main__":
    main()

"""Test documents made with event_model.compose_run."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import event_model

Pair = tuple[str, dict[str, Any]]


def scan_docs(
    rows: Sequence[dict[str, Any]],
    *,
    data_keys: dict[str, dict[str, Any]] | None = None,
    hints: dict[str, Any] | None = None,
    md: dict[str, Any] | None = None,
    page: bool = False,
    extra_stream: Iterable[dict[str, Any]] = (),
    exit_status: str = "success",
) -> list[Pair]:
    """A run with a primary stream holding ``rows`` (dicts field -> value)."""
    md = dict(md or {})
    bundle = event_model.compose_run(metadata=md)
    docs: list[Pair] = [("start", bundle.start_doc)]
    keys = data_keys or {
        k: {"source": "sim", "dtype": "number", "shape": [], "object_name": k} for k in rows[0]
    }
    desc = bundle.compose_descriptor(
        name="primary", data_keys=keys, hints=hints or {}, object_keys={k: [k] for k in keys}
    )
    docs.append(("descriptor", desc.descriptor_doc))
    events = [
        desc.compose_event(data=dict(r), timestamps=dict.fromkeys(r, 1.0), seq_num=i + 1)
        for i, r in enumerate(rows)
    ]
    if page:
        docs.append(("event_page", event_model.pack_event_page(*events)))
    else:
        docs.extend(("event", e) for e in events)
    extra = list(extra_stream)
    if extra:
        bkeys = {k: {"source": "sim", "dtype": "number", "shape": []} for k in extra[0]}
        bdesc = bundle.compose_descriptor(name="baseline", data_keys=bkeys)
        docs.append(("descriptor", bdesc.descriptor_doc))
        for i, r in enumerate(extra):
            ev = bdesc.compose_event(data=r, timestamps=dict.fromkeys(r, 1.0), seq_num=i + 1)
            docs.append(("event", ev))
    docs.append(("stop", bundle.compose_stop(exit_status=exit_status)))
    return docs


def feed(cb: Any, docs: Iterable[Pair]) -> None:
    for name, doc in docs:
        cb(name, doc)

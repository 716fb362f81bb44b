"""Engine test fixtures: a RunEngine whose every document is schema-checked."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import event_model
import pytest

import acq


class Collector:
    """Validates each document against the official event-model schema and keeps it."""

    def __init__(self) -> None:
        self.docs: list[tuple[str, dict[str, Any]]] = []
        self.descriptors: set[str] = set()
        self.starts: set[str] = set()

    def __call__(self, name: str, doc: dict[str, Any]) -> None:
        event_model.schema_validators[event_model.DocumentNames[name]].validate(doc)
        if name == "start":
            self.starts.add(doc["uid"])
        elif name == "descriptor":
            assert doc["run_start"] in self.starts
            self.descriptors.add(doc["uid"])
        elif name in ("event", "event_page", "stream_datum"):
            assert doc["descriptor"] in self.descriptors, f"{name} before its descriptor"
        elif name == "stop":
            assert doc["run_start"] in self.starts
        self.docs.append((name, doc))

    def names(self) -> list[str]:
        return [n for n, _ in self.docs]

    def of(self, name: str) -> list[dict[str, Any]]:
        return [d for n, d in self.docs if n == name]


@pytest.fixture(autouse=True)
def _data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    d = tmp_path / "acq-data"
    monkeypatch.setenv("ACQ_DATA_DIR", str(d))
    return d


@pytest.fixture
def docs() -> Collector:
    return Collector()


@pytest.fixture
def RE(docs: Collector) -> Iterator[Any]:
    engine = acq.RunEngine()
    engine.subscribe(docs)
    yield engine
    engine.close()

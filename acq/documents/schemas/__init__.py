"""JSON Schemas of the documents, generated from the pydantic models.

The ``*.json`` files next to this module are committed and shipped as package
data. Regenerate them after changing a model::

    python -m acq.documents.schemas        # or: make schemas

``python -m acq.documents.schemas --check`` exits 1 when a file is stale.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from acq.documents._validate import DOCUMENT_MODELS

__all__ = ["SCHEMA_DIR", "document_schema", "main", "stale_schemas", "write_schemas"]

#: Where the committed schema files live (inside the installed package).
SCHEMA_DIR = Path(__file__).resolve().parent

_DIALECT = "https://json-schema.org/draft/2020-12/schema"
_KEY = "^([^./]+)$"
# event-model's DataType: dict keys without '.' or '/', recursively.
_DATA_TYPE = {
    "patternProperties": {_KEY: {"$ref": "#/$defs/DataType"}},
    "additionalProperties": False,
}


def _drop_null_defaults(node: Any) -> Any:
    """Optional fields are absent, not null: drop pydantic's ``"default": null``."""
    if isinstance(node, dict):
        return {
            k: _drop_null_defaults(v) for k, v in node.items() if not (k == "default" and v is None)
        }
    if isinstance(node, list):
        return [_drop_null_defaults(v) for v in node]
    return node


def document_schema(name: str) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of the ``name`` document, from its model."""
    schema: dict[str, Any] = _drop_null_defaults(DOCUMENT_MODELS[name].model_json_schema())
    if name in ("start", "descriptor"):
        schema.setdefault("$defs", {})["DataType"] = _DATA_TYPE
        schema["patternProperties"] = {_KEY: {"$ref": "#/$defs/DataType"}}
    return {"$schema": _DIALECT, "title": name, **{k: v for k, v in schema.items() if k != "title"}}


def _render(name: str) -> str:
    return json.dumps(document_schema(name), indent=2, sort_keys=True) + "\n"


def write_schemas(directory: Path = SCHEMA_DIR) -> list[Path]:
    """Write ``<name>.json`` for every document into ``directory``; return the paths."""
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for name in DOCUMENT_MODELS:
        path = directory / f"{name}.json"
        path.write_text(_render(name), encoding="utf-8")
        paths.append(path)
    return paths


def stale_schemas(directory: Path = SCHEMA_DIR) -> list[str]:
    """Names whose file in ``directory`` is missing or differs from the models."""
    stale = []
    for name in DOCUMENT_MODELS:
        path = directory / f"{name}.json"
        if not path.exists() or path.read_text(encoding="utf-8") != _render(name):
            stale.append(name)
    return stale


def main(argv: Sequence[str] | None = None) -> int:
    """Command line of ``python -m acq.documents.schemas``."""
    parser = argparse.ArgumentParser(prog="python -m acq.documents.schemas")
    parser.add_argument("--check", action="store_true", help="exit 1 if a file is stale")
    parser.add_argument("--out", type=Path, default=SCHEMA_DIR, help="output directory")
    args = parser.parse_args(argv)
    if args.check:
        stale = stale_schemas(args.out)
        for name in stale:
            print(f"stale: {args.out / (name + '.json')}")
        if stale:
            print("regenerate with: python -m acq.documents.schemas  (or: make schemas)")
        return 1 if stale else 0
    for path in write_schemas(args.out):
        print(f"wrote {path}")
    return 0

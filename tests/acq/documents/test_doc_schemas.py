"""The committed JSON Schemas match the models, and mean what the models mean."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from acq.documents import DOCUMENT_MODELS, decode_json_line, encode_json_line
from acq.documents.schemas import SCHEMA_DIR, document_schema, main, stale_schemas
from tests.acq.documents._docfixtures import example_run
from tests.acq.documents.test_doc_conformance import MALFORMED


def test_committed_schemas_are_fresh() -> None:
    stale = stale_schemas()
    assert not stale, (
        f"JSON Schemas out of date for {stale}: regenerate with "
        "`python -m acq.documents.schemas` (or `make schemas`) and commit them"
    )


def test_schemas_ship_as_package_data() -> None:
    files = resources.files("acq.documents.schemas")
    for name in DOCUMENT_MODELS:
        assert json.loads(files.joinpath(f"{name}.json").read_text())["title"] == name
    assert (SCHEMA_DIR / "event.json").is_file()


def test_cli_writes_and_checks(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--out", str(tmp_path)]) == 0
    assert sorted(p.stem for p in tmp_path.glob("*.json")) == sorted(DOCUMENT_MODELS)
    assert main(["--check", "--out", str(tmp_path)]) == 0
    (tmp_path / "event.json").write_text("{}\n")
    (tmp_path / "stop.json").unlink()
    capsys.readouterr()
    assert main(["--check", "--out", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert "stale: " in out
    assert "event.json" in out
    assert "stop.json" in out
    assert "regenerate with: python -m acq.documents.schemas" in out


def _validator(name: str) -> Draft202012Validator:
    return Draft202012Validator(document_schema(name))


@pytest.mark.parametrize("index", range(10))
def test_exported_schemas_accept_composed_documents(index: int) -> None:
    name, doc = decode_json_line(encode_json_line(*example_run()[index]))
    _validator(name).validate(doc)


@pytest.mark.parametrize(("name", "doc", "message"), MALFORMED)
def test_exported_schemas_reject_malformed_documents(
    name: str, doc: dict[str, Any], message: str
) -> None:
    assert not _validator(name).is_valid(doc), message

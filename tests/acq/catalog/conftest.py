"""One catalog fixture, parametrized over both backends: the SAME tests run on each.

PostgreSQL is the real server at ``$ACQ_TEST_POSTGRES_URI`` (default
``postgresql://postgres@127.0.0.1:5432/test``); each test gets its own schema,
dropped afterwards. Without a server the PostgreSQL tests skip locally and FAIL
when ``CI=true``.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from acq.catalog import Catalog

PG_URI = os.environ.get("ACQ_TEST_POSTGRES_URI", "postgresql://postgres@127.0.0.1:5432/test")


def _pg_available() -> str | None:
    import psycopg

    try:
        with psycopg.connect(PG_URI, connect_timeout=3):
            return None
    except psycopg.OperationalError as exc:
        return str(exc)


def _require_pg() -> None:
    problem = _pg_available()
    if problem is None:
        return
    message = f"PostgreSQL at {PG_URI} is unreachable: {problem}"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message + " (CI=true: the PostgreSQL tests must run)")
    pytest.skip(message)


def _drop_schema(schema: str) -> None:
    import psycopg

    with psycopg.connect(PG_URI, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


@pytest.fixture(params=["sqlite", "postgres"])
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def open_catalog(backend: str, tmp_path: Path) -> Iterator[Callable[..., Catalog]]:
    """``open_catalog(**options)``: a fresh catalog on this test's backend (same store)."""
    opened: list[Catalog] = []
    schema = f"acq_test_{uuid.uuid4().hex[:12]}"
    if backend == "postgres":
        _require_pg()

    def make(**options: Any) -> Catalog:
        if backend == "postgres":
            options.setdefault("retry_delay", 0.01)
            cat = Catalog.open(PG_URI, schema=schema, **options)
        else:
            cat = Catalog.open(tmp_path / "catalog.sqlite", **options)
        opened.append(cat)
        return cat

    yield make
    for cat in opened:
        cat.close()
    if backend == "postgres":
        _drop_schema(schema)


@pytest.fixture
def catalog(open_catalog: Callable[..., Catalog]) -> Catalog:
    return open_catalog()


def ingest_all(catalog: Catalog, docs: list[tuple[str, dict[str, Any]]]) -> None:
    for name, doc in docs:
        catalog(name, doc)
    catalog.flush()

"""The storage interface and its two backends: SQLite (embedded) and PostgreSQL.

Both speak the same SQL (``?`` placeholders; the PostgreSQL backend rewrites them)
and run the same versioned migrations from :mod:`._schema`. A write is one
function run inside one transaction; the PostgreSQL backend re-runs it on a fresh
connection when the server went away, so a batch is committed whole or not at all.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any, Protocol, TypeVar

from acq._exceptions import CatalogError
from acq.catalog._schema import SCHEMA_VERSION, _statements

T = TypeVar("T")
Row = tuple[Any, ...]


class _Tx(Protocol):
    """What a write function sees: statements inside one open transaction."""

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None: ...
    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None: ...
    def fetchall(self, sql: str, params: Sequence[Any] = ()) -> list[Row]: ...


class _Backend(ABC):
    """One database: transactions for writes, plain queries for reads."""

    uri: str
    #: SQL dialect, for the query translation in :mod:`._pushdown`.
    dialect = "sqlite"
    #: SQL expression for the next metadata revision (evaluated inside a write).
    next_rev = "(SELECT COALESCE(MAX(rev), 0) + 1 FROM runs)"

    @abstractmethod
    def write(self, fn: Callable[[_Tx], T]) -> T:
        """Run ``fn`` in one transaction; commit on return, roll back on error."""

    @abstractmethod
    def query(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        """Run a read-only statement and return all rows."""

    @abstractmethod
    def close(self) -> None:
        """Release the connection."""

    def lock_runs(self, tx: _Tx) -> None:  # noqa: B027 - optional hook
        """Serialize writers that change run metadata (so revisions commit in order)."""

    def _migrate(self, tx: _Tx) -> None:
        tx.execute("CREATE TABLE IF NOT EXISTS acq_schema (version INTEGER NOT NULL)")
        rows = tx.fetchall("SELECT version FROM acq_schema")
        current = int(rows[0][0]) if rows else 0
        if current > SCHEMA_VERSION:
            raise CatalogError(
                f"catalog {self.uri} has schema version {current}, newer than this acq "
                f"understands ({SCHEMA_VERSION}); upgrade acq to open it"
            )
        for version in range(current + 1, SCHEMA_VERSION + 1):
            for stmt in _statements(version, **self._types()):
                tx.execute(stmt)
        if not rows:
            tx.execute("INSERT INTO acq_schema (version) VALUES (?)", (SCHEMA_VERSION,))
        elif current != SCHEMA_VERSION:
            tx.execute("UPDATE acq_schema SET version = ?", (SCHEMA_VERSION,))

    @abstractmethod
    def _types(self) -> dict[str, str]: ...

    def _init_schema(self) -> None:
        try:
            self.write(self._migrate)
        except BaseException:
            self.close()
            raise

    def schema_version(self) -> int:
        """The schema version stored in the database."""
        return int(self.query("SELECT version FROM acq_schema")[0][0])


class _SqliteTx:
    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        self._conn.execute(sql, params)

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        self._conn.executemany(sql, rows)

    def fetchall(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        return self._conn.execute(sql, params).fetchall()


class _SqliteBackend(_Backend):
    """One SQLite file in WAL mode; several processes may write it (they take turns)."""

    def __init__(self, path: str | Path, *, busy_timeout: float = 30.0) -> None:
        self.path = Path(path).expanduser()
        self.uri = str(self.path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.RLock()
        self._conn = sqlite3.connect(
            self.path, isolation_level=None, check_same_thread=False, timeout=busy_timeout
        )
        self._conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout * 1000)}")
        self._conn.execute("PRAGMA journal_mode = WAL")
        self._conn.execute("PRAGMA synchronous = NORMAL")
        self._init_schema()

    def _types(self) -> dict[str, str]:
        return {
            "blob": "BLOB",
            "bigint": "INTEGER",
            "plan_name": "json_extract(start_doc, '$.plan_name')",
        }

    def write(self, fn: Callable[[_Tx], T]) -> T:
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                out = fn(_SqliteTx(self._conn))
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")
            return out

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        with self._lock:
            return self._conn.execute(sql, params).fetchall()

    def close(self) -> None:
        with self._lock:
            self._conn.close()


def _pg_sql(sql: str) -> str:
    return sql.replace("?", "%s")


class _PgTx:
    def __init__(self, conn: Any) -> None:
        self._conn = conn

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        self._conn.execute(_pg_sql(sql), params)

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        with self._conn.cursor() as cur:
            cur.executemany(_pg_sql(sql), list(rows))

    def fetchall(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        return list(self._conn.execute(_pg_sql(sql), params).fetchall())


def _pg_connect(uri: str) -> Any:
    import psycopg

    return psycopg.connect(uri, autocommit=True, connect_timeout=5)


class _PostgresBackend(_Backend):
    """PostgreSQL through psycopg 3; reconnects and re-runs a batch when the server drops.

    ``schema`` keeps the catalog's tables in their own PostgreSQL schema (created if
    missing). ``connect`` is the connection factory (a seam for tests).
    """

    dialect = "postgresql"

    def __init__(
        self,
        uri: str,
        *,
        schema: str | None = None,
        retries: int = 3,
        retry_delay: float = 0.5,
        connect: Callable[[str], Any] = _pg_connect,
    ) -> None:
        self.uri = uri
        self.schema = schema
        self.retries = retries
        self.retry_delay = retry_delay
        self._connect_fn = connect
        self._lock = threading.RLock()
        self._conn: Any = None
        self._init_schema()

    def _types(self) -> dict[str, str]:
        return {
            "blob": "BYTEA",
            "bigint": "BIGINT",
            "plan_name": "(start_doc::jsonb ->> 'plan_name')",
        }

    def _connection(self) -> Any:
        if self._conn is None or self._conn.closed:
            conn = self._connect_fn(self.uri)
            if self.schema:
                conn.execute(f'CREATE SCHEMA IF NOT EXISTS "{self.schema}"')
                conn.execute(f'SET search_path TO "{self.schema}"')
            self._conn = conn
        return self._conn

    def lock_runs(self, tx: _Tx) -> None:
        tx.execute("SELECT pg_advisory_xact_lock(7400012)")

    def _retrying(self, what: str, fn: Callable[[Any], T]) -> T:
        import psycopg

        last: Exception | None = None
        for attempt in range(self.retries + 1):
            try:
                with self._lock:
                    return fn(self._connection())
            except psycopg.OperationalError as exc:
                last = exc
                self._drop()
                if attempt < self.retries:
                    time.sleep(self.retry_delay * (attempt + 1))
        raise CatalogError(
            f"PostgreSQL catalog {_redact(self.uri)}: {what} failed after "
            f"{self.retries + 1} attempts because the server went away or refused the "
            f"connection ({last}); nothing of this batch was committed. Check that the "
            "server is running and reachable, then ingest again (ingest is idempotent)."
        ) from last

    def _drop(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            try:
                conn.close()
            except Exception:  # pragma: no cover - closing a dead connection
                pass

    def write(self, fn: Callable[[_Tx], T]) -> T:
        def run(conn: Any) -> T:
            with conn.transaction():
                return fn(_PgTx(conn))

        return self._retrying("a write", run)

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        return self._retrying(
            "a query", lambda conn: list(conn.execute(_pg_sql(sql), params).fetchall())
        )

    def close(self) -> None:
        with self._lock:
            self._drop()

    def _migrate(self, tx: _Tx) -> None:
        tx.execute("SELECT pg_advisory_xact_lock(7400011)")
        super()._migrate(tx)


def _redact(uri: str) -> str:
    """The URI without a password."""
    if "@" not in uri or "://" not in uri:
        return uri
    scheme, rest = uri.split("://", 1)
    creds, host = rest.rsplit("@", 1)
    user = creds.split(":", 1)[0]
    return f"{scheme}://{user}@{host}"


def _open_backend(uri: str | Path, **options: Any) -> _Backend:
    """A backend for a SQLite path (or ``sqlite:///path``) or a ``postgresql://`` URI."""
    text = str(uri)
    if text.startswith(("postgresql://", "postgres://")):
        return _PostgresBackend(text, **options)
    if text.startswith("sqlite://"):
        text = text.removeprefix("sqlite://")
    return _SqliteBackend(text, **options)

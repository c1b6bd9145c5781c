"""A bare DB-API connection for read-only commands, without SQLAlchemy.

Importing SQLAlchemy, its ORM and douse's models costs about half a second of CPU, ten times what
`douse incidents --overdue` spends on its query at a million mentions. The read models' lists are
plain SQL (core.db.sql), so a read command can run them on the driver itself: sqlite3, or psycopg
for PostgreSQL. This is only ever a shortcut: `open_reader` returns None whenever the full path
must decide (a URL it does not read plainly, a database file that is not there yet, a schema
that is not at this douse's revision, which the full path upgrades), and the caller goes through
core.services instead.
"""

from __future__ import annotations

from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import unquote

from douse.core.db.revision import shipped_head
from douse.core.db.sql import Params, Row, bind_all, driver_sql
from douse.core.errors import StorageError

SQLITE_BUSY_TIMEOUT_S = 10.0  # as core.db.engine's engines wait for a writer
PG_CONNECT_TIMEOUT_S = 10

SQLITE_SCHEMES = ("sqlite", "sqlite+pysqlite")
PG_SCHEMES = ("postgresql", "postgres", "postgresql+psycopg")


class DriverReader:
    """Runs the read models' SQL on a DB-API connection; closes it on exit."""

    def __init__(self, connection: Any, dialect: str, errors: type[Exception]) -> None:
        self.connection = connection
        self.dialect = dialect
        self._unavailable = errors

    def rows(self, sql: str, params: Params) -> list[Row]:
        return self.execute(driver_sql(sql, self.dialect), bind_all(params, self.dialect))

    def execute(self, statement: str, params: Params) -> list[Row]:
        """One statement in the driver's own parameter style, every row fetched."""
        try:
            cursor = self.connection.execute(statement, params)
            return [tuple(r) for r in cursor.fetchall()]
        except self._unavailable as exc:
            # A locked, unreachable or vanished database is the environment, not a bug: the same
            # line the command line prints for SQLAlchemy's OperationalError.
            reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise StorageError(f"database unavailable: {reason}") from None

    def close(self) -> None:
        self.connection.close()

    def __enter__(self) -> DriverReader:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def open_reader(url: str) -> DriverReader | None:
    """A bare connection to `url` at this douse's schema, or None: then use core.services."""
    reader = _connect(url)
    if reader is None:
        return None
    try:
        if _at_head(reader):
            return reader
    except Exception:
        # Not a database, no version table, no permission...: the full path says what is wrong
        # in its own words, or upgrades.
        pass
    reader.close()
    return None


def _connect(url: str) -> DriverReader | None:
    scheme, found, rest = url.partition("://")
    if not found or "?" in rest:
        return None  # options in the URL: SQLAlchemy reads those
    if scheme in SQLITE_SCHEMES and rest.startswith("/"):
        return _sqlite(unquote(rest[1:]))  # sqlite:///relative.db, sqlite:////absolute.db
    if scheme in PG_SCHEMES:
        return _postgres(f"postgresql://{rest}")
    return None


def _sqlite(database: str) -> DriverReader | None:
    path = Path(database).expanduser()
    if database in ("", ":memory:") or not path.is_file():
        return None  # a new database: the full path creates it and its schema
    import sqlite3

    try:
        connection = sqlite3.connect(path, timeout=SQLITE_BUSY_TIMEOUT_S)
    except sqlite3.Error:
        return None
    return DriverReader(connection, "sqlite", sqlite3.OperationalError)


def _postgres(conninfo: str) -> DriverReader | None:
    try:
        import psycopg
    except ImportError:
        return None  # the full path reports the missing driver
    try:
        connection = psycopg.connect(
            conninfo, autocommit=True, connect_timeout=PG_CONNECT_TIMEOUT_S
        )
    except psycopg.Error:
        return None
    return DriverReader(connection, "postgresql", psycopg.OperationalError)


def _at_head(reader: DriverReader) -> bool:
    head = shipped_head()
    if head is None:
        return False
    versions = reader.execute("SELECT version_num FROM alembic_version", {})
    return [row[0] for row in versions] == [head]

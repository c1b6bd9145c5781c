"""Engines for SQLite (WAL, foreign keys, busy timeout) and any other SQLAlchemy URL."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError

from douse.core.errors import StorageError
from douse.core.settings import default_data_dir

SQLITE_BUSY_TIMEOUT_MS = 10_000


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


def _prepare_sqlite_file(database: str) -> None:
    if database in ("", ":memory:") or database.startswith("file:"):
        return
    folder = Path(database).expanduser().resolve().parent
    if not folder.is_dir():
        # Only douse's own data directory is made on first run: a typo in a --db path must
        # not quietly become a new, empty agency.
        if folder != default_data_dir().resolve():
            raise StorageError(
                f"no directory {folder} for the database {Path(database).name}; "
                "check the path, or create the directory first"
            )
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StorageError(f"cannot create data directory {folder}: {exc.strerror}") from None
    if not os.access(folder, os.W_OK):
        raise StorageError(f"data directory {folder} is not writable")
    path = Path(database)
    if path.exists() and not os.access(path, os.R_OK | os.W_OK):
        raise StorageError(f"database file {path} is not readable and writable")


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys = ON")
    # WAL lets the desk read while a poller writes; NORMAL is durable in WAL mode.
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.close()


def make_engine(url: str, *, echo: bool = False) -> Engine:
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise StorageError(f"not a database URL: {url!r}") from None
    if parsed.get_backend_name() == "sqlite":
        _prepare_sqlite_file(parsed.database or "")
        engine = create_engine(
            parsed,
            echo=echo,
            connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000, "check_same_thread": False},
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    if parsed.get_backend_name() == "postgresql" and parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    try:
        return create_engine(parsed, echo=echo, pool_pre_ping=True)
    except NoSuchModuleError:
        raise StorageError(f"unknown database kind {parsed.drivername!r} in --db URL") from None
    except ImportError as exc:
        raise StorageError(f"database driver missing for {parsed.drivername}: {exc}") from None

"""Alembic migrations shipped in the package; the database is brought to head on start."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, text
from sqlalchemy.exc import DatabaseError, OperationalError

from core.errors import StorageError

MIGRATIONS = Path(__file__).with_name("migrations")
# Any constant works: it only has to be the same for every douse process sharing a database.
PG_MIGRATION_LOCK = 0x646F757365


def alembic_config(engine: Engine) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["engine"] = engine
    return cfg


def head_revision() -> str | None:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return ScriptDirectory.from_config(cfg).get_current_head()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: Engine) -> None:
    """Upgrade to head. Several workers starting at once on PostgreSQL take turns."""
    try:
        if current_revision(engine) == head_revision():
            return
        with engine.connect() as connection:
            if engine.dialect.name == "postgresql":
                connection.execute(text("SELECT pg_advisory_lock(:k)"), {"k": PG_MIGRATION_LOCK})
            try:
                cfg = alembic_config(engine)
                cfg.attributes["connection"] = connection
                command.upgrade(cfg, "head")
                connection.commit()
            finally:
                if engine.dialect.name == "postgresql":
                    connection.execute(
                        text("SELECT pg_advisory_unlock(:k)"), {"k": PG_MIGRATION_LOCK}
                    )
                    connection.commit()
    except OperationalError as exc:
        raise StorageError(f"cannot open database {engine.url!r}: {_reason(exc)}") from None
    except DatabaseError as exc:
        raise StorageError(f"cannot use database {engine.url!r}: {_reason(exc)}") from None


def _reason(exc: DatabaseError) -> str:
    return str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc).splitlines()[0]

"""Alembic migrations shipped in the package; the database is brought to head on start.

Every douse process checks the schema on start, and nearly always it is already at head. That
check reads the version table and the migration files' own `revision` lines directly; Alembic
(a third of a second to import) is loaded only when there is something to upgrade.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import Engine, text
from sqlalchemy.exc import DatabaseError, OperationalError

from douse.core.db.revision import MIGRATIONS, shipped_head
from douse.core.errors import StorageError

if TYPE_CHECKING:
    from alembic.config import Config

# Any constant works: it only has to be the same for every douse process sharing a database.
PG_MIGRATION_LOCK = 0x646F757365


def alembic_config(engine: Engine) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["engine"] = engine
    return cfg


def head_revision() -> str | None:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return ScriptDirectory.from_config(cfg).get_current_head()


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def _at_shipped_head(engine: Engine) -> bool:
    head = shipped_head()
    if head is None:
        return False
    with engine.connect() as connection:
        if not engine.dialect.has_table(connection, "alembic_version"):
            return False
        versions = connection.execute(text("SELECT version_num FROM alembic_version")).all()
    return [row[0] for row in versions] == [head]


def upgrade(engine: Engine) -> None:
    """Upgrade to head. Several workers starting at once on PostgreSQL take turns."""
    try:
        if _at_shipped_head(engine) or current_revision(engine) == head_revision():
            return
        from alembic import command

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

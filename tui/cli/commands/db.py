"""`douse db upgrade|status`: the database schema, explicitly (it is also upgraded on start)."""

from __future__ import annotations

import argparse
from typing import Any

from douse.core.db.engine import make_engine
from douse.core.db.migrate import current_revision, head_revision, upgrade
from douse.tui.cli.context import Context


def register(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser("db", help="database schema migrations")
    actions = parser.add_subparsers(dest="db_action", metavar="ACTION", required=True)
    actions.add_parser(
        "upgrade", help="bring the database schema to the newest version"
    ).set_defaults(run=run_upgrade)
    actions.add_parser("status", help="show the schema version").set_defaults(run=run_status)


def run_upgrade(ctx: Context) -> int:
    engine = make_engine(ctx.settings.database_url)
    try:
        before = current_revision_or_none(engine)
        upgrade(engine)
        after = current_revision(engine)
    finally:
        engine.dispose()
    if before == after:
        ctx.out(f"database is up to date (revision {after})")
    else:
        ctx.out(f"database upgraded from {before or 'empty'} to {after}")
    return 0


def run_status(ctx: Context) -> int:
    engine = make_engine(ctx.settings.database_url)
    try:
        current = current_revision_or_none(engine)
    finally:
        engine.dispose()
    head = head_revision()
    state = "up to date" if current == head else "needs upgrade (run: douse db upgrade)"
    ctx.out(f"revision {current or 'empty'}, newest {head}: {state}")
    return 0


def current_revision_or_none(engine: Any) -> str | None:
    from sqlalchemy.exc import DatabaseError

    from douse.core.errors import StorageError

    try:
        return current_revision(engine)
    except DatabaseError as exc:
        raise StorageError(f"cannot open database: {str(exc.orig).splitlines()[0]}") from None

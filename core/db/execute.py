"""Running an UPDATE or DELETE and reading how many rows it changed."""

from __future__ import annotations

from typing import Any, TypeVarTuple, cast

from sqlalchemy import CursorResult
from sqlalchemy.orm import Session
from sqlalchemy.sql import Executable
from sqlalchemy.sql.selectable import TypedReturnsRows

_Ts = TypeVarTuple("_Ts")


def rows_changed(session: Session, statement: Executable) -> int:
    """Execute a DML statement; the number of rows it matched.

    `Session.execute` is typed as returning a plain `Result`, but for UPDATE and DELETE it is a
    `CursorResult`, the only kind that carries `rowcount`.
    """
    return cast("CursorResult[Any]", session.execute(statement)).rowcount


def read_rows(
    session: Session,
    statement: TypedReturnsRows[*_Ts],
    params: dict[str, Any] | None = None,
) -> CursorResult[*_Ts]:
    """Run a SELECT of plain columns on the session's connection, as Core.

    `Session.execute` of a select naming mapped columns goes through the ORM's execution (its
    result wrapped row by row for loading): 0.1-0.4 ms a call more for the reads triage runs
    every 200 posts. Flushed first, as `Session.execute` would have done (autoflush), so the
    rows read are the same.
    """
    if session.autoflush:  # False inside `with session.no_autoflush`, as for Session.execute
        session.flush()
    return session.connection().execute(statement, params)

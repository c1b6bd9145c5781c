"""Running an UPDATE or DELETE and reading how many rows it changed."""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import CursorResult
from sqlalchemy.orm import Session
from sqlalchemy.sql import Executable


def rows_changed(session: Session, statement: Executable) -> int:
    """Execute a DML statement; the number of rows it matched.

    `Session.execute` is typed as returning a plain `Result`, but for UPDATE and DELETE it is a
    `CursorResult`, the only kind that carries `rowcount`.
    """
    return cast("CursorResult[Any]", session.execute(statement)).rowcount

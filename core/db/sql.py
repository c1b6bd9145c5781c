"""Plain SQL for the read models, the same text on SQLite and PostgreSQL, without SQLAlchemy.

The command line's read commands answer in a fraction of the time it takes to import SQLAlchemy
and douse's models, so the queries they share with the desk are written here as SQL text with
`:name` parameters and run through a `Reader`: either a bare DB-API connection
(core.db.connect, the CLI) or the caller's SQLAlchemy Session (the desk, inside its own
transaction). Values cross this boundary the way core.db.base's column types store them:
instants as aware UTC datetimes (naive UTC text on SQLite), booleans as 0/1 on SQLite, JSON as
text on SQLite.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Protocol, TypeAlias, runtime_checkable

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

Row = tuple[Any, ...]
Params = dict[str, Any]

_NAMED = r"(?<![:\w]):(\w+)"  # a `:name` parameter, not a `::` cast


@runtime_checkable
class Reader(Protocol):
    dialect: str
    """"sqlite" or "postgresql": how instants are bound."""

    def rows(self, sql: str, params: Params) -> list[Row]: ...


class SessionReader:
    """Runs SQL text inside a SQLAlchemy Session's transaction (the desk's reads)."""

    def __init__(self, session: Session) -> None:
        self.session = session
        bind = session.get_bind()
        self.dialect = bind.dialect.name

    def rows(self, sql: str, params: Params) -> list[Row]:
        statement = driver_sql(sql, self.dialect)
        bound = bind_all(params, self.dialect)
        result = self.session.connection().exec_driver_sql(statement, bound)
        return [tuple(r) for r in result]


def reader(db: Session | Reader) -> Reader:
    """A Reader for either a Session or something that already is one."""
    return db if isinstance(db, Reader) else SessionReader(db)


def driver_sql(sql: str, dialect: str) -> str:
    """`:name` parameters in the driver's own style: sqlite3 takes them as written; psycopg
    wants `%(name)s`, and a literal `%` doubled."""
    if dialect == "sqlite":
        return sql
    return re.sub(_NAMED, r"%(\1)s", sql.replace("%", "%%"))


def bind(value: Any, dialect: str) -> Any:
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        # SQLAlchemy's SQLite DateTime stores this exact text; comparisons are on the text.
        return value.strftime("%Y-%m-%d %H:%M:%S.%f") if dialect == "sqlite" else value
    return value


def bind_all(params: Params, dialect: str) -> Params:
    return {key: bind(value, dialect) for key, value in params.items()}


def in_list(name: str, values: Iterable[Any], params: Params) -> str:
    """`(:name_0, :name_1, ...)` for an IN test, adding each value to params."""
    keys = []
    for i, value in enumerate(values):
        keys.append(f":{name}_{i}")
        params[f"{name}_{i}"] = value
    if not keys:
        return "(NULL)"  # matches nothing, on both databases
    return f"({', '.join(keys)})"


def like_contains(needle: str) -> str:
    """A LIKE pattern finding `needle` anywhere, its own % and _ escaped with '/' (ESCAPE '/')."""
    escaped = needle.replace("/", "//").replace("%", "/%").replace("_", "/_")
    return f"%{escaped}%"


def instant(value: Any) -> datetime | None:
    """A stored instant as an aware UTC datetime (SQLite hands back text)."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def when(value: Any) -> datetime:
    """A stored instant that is never NULL."""
    found = instant(value)
    assert found is not None, "a NOT NULL instant was NULL"
    return found


def from_json(value: Any) -> Any:
    """A JSON list or object column's value: text on SQLite, already decoded by psycopg on
    PostgreSQL."""
    if not isinstance(value, str | bytes):
        return value
    import json  # only lists of mentions read a JSON column; the others start without it

    return json.loads(value)


if TYPE_CHECKING:
    Db: TypeAlias = Session | Reader
    """What a read-model query takes first: the caller's Session, or a bare Reader."""

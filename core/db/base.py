"""Declarative base with a constraint naming convention and an aware-UTC datetime type."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, DateTime, MetaData, Table
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """Stores instants in UTC and always hands back timezone-aware UTC datetimes.

    SQLite has no time zones; PostgreSQL's timestamptz has. Normalising at this one boundary means
    the domain never compares a naive datetime with an aware one.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def bind_processor(self, dialect: Dialect) -> Any:
        # SQLite: one function instead of process_bind_param wrapped around SQLAlchemy's own
        # DATETIME formatter (three Python calls and a dict per value); an import binds about
        # seven instants a mention. The same text, in the same format (a test compares them).
        if dialect.name == "sqlite":
            return sqlite_bind_instant
        return super().bind_processor(dialect)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)

    def result_processor(self, dialect: Dialect, coltype: Any) -> Any:
        # SQLite hands back text, which SQLAlchemy parses with a regular expression before
        # process_result_value runs; fromisoformat (C) reads the same text in one step, and an
        # export reads hundreds of thousands of these.
        if dialect.name == "sqlite":
            return sqlite_instant
        return super().result_processor(dialect, coltype)


# SQLAlchemy's SQLite DATETIME storage format, fields in order.
_SQLITE_FORMAT = "%04d-%02d-%02d %02d:%02d:%02d.%06d"


def sqlite_bind_instant(value: datetime | None) -> str | None:
    """An aware instant as SQLite stores it: UTC, no offset, SQLAlchemy's text format."""
    if value is None:
        return None
    if value.tzinfo is not UTC:
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
    return _SQLITE_FORMAT % (
        value.year,
        value.month,
        value.day,
        value.hour,
        value.minute,
        value.second,
        value.microsecond,
    )


def sqlite_instant(value: Any) -> datetime | None:
    """A UTC column's value as SQLite hands it back, as an aware UTC datetime."""
    if value is None:
        return None
    if value.__class__ is str:
        # Stored without an offset (bind strips it): reading the text with "+00:00" appended
        # gives the aware UTC instant in one C call; `replace(tzinfo=UTC)` cost four times the
        # parse. Text that already names an offset fails that and is read as written.
        try:
            return datetime.fromisoformat(value + "+00:00")
        except ValueError:
            value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UTCDateTime(), dict[str, Any]: JSON(), list[Any]: JSON()}


def table_of(model: type[Base]) -> Table:
    """A mapped class's Table, for Core statements (plain UPDATEs, executemany, upserts).

    SQLAlchemy types `__table__` as any FromClause, since a class can be mapped to a join or a
    select; every douse model is mapped to one table.
    """
    table = model.__table__
    if not isinstance(table, Table):  # pragma: no cover - a model mapped to something else
        raise TypeError(f"{model.__name__} is not mapped to a single table")
    return table

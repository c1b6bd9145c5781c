"""Rows as the database driver hands them back, for exports.

An export reads every row once and never writes. Statements are still built and compiled by
SQLAlchemy, but fetching on the driver's cursor gives plain tuples: SQLAlchemy's Result builds
a Row for each and calls a processor per typed value, which cost more than SQLite's own fetch
of the row. The readers here convert only the columns whose driver value is not what a record
holds, as the column types (core/db/base.py) would.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from json.scanner import make_scanner
from typing import Any, cast

from sqlalchemy import type_coerce
from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.types import NullType, TypeEngine

from douse.core.db.base import sqlite_instant

Row = Sequence[Any]


def raw(column: Any) -> Any:
    """`column`, labelled as itself, with no result type: its value is the driver's."""
    return type_coerce(column, NullType()).label(column.key)


def fetch(connection: Connection, statement: Any) -> Sequence[Row]:
    """The statement's rows as the driver's tuples."""
    result = connection.execute(statement)
    try:
        rows: Sequence[Row] = result.cursor.fetchall()
    finally:
        result.close()
    return rows


def _aware_utc(value: datetime | None) -> datetime | None:
    """What UTCDateTime makes of another driver's datetime (psycopg hands back aware ones)."""
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def instant_reader(dialect: Dialect) -> Callable[[Any], datetime | None]:
    """A UTC column's driver value as the aware UTC datetime UTCDateTime reads."""
    return sqlite_instant if dialect.name == "sqlite" else _aware_utc


def as_is(value: Any) -> Any:
    return value


def numeric_reader(column_type: TypeEngine[Any], dialect: Dialect) -> Callable[[Any], Any]:
    """A Numeric column's driver value as SQLAlchemy reads it: SQLite hands back a float, made
    a Decimal of the column's scale; psycopg hands back the Decimal."""
    if dialect.name == "sqlite":
        return column_type.result_processor(dialect, None) or as_is
    return as_is


# typeshed asks for the scanner's own type as its context; a decoder is what it reads.
_scan_json = make_scanner(cast(Any, json.JSONDecoder()))


def decode_stored_json(value: str | None) -> Any:
    """A JSON column's value as SQLite stores it (the text), decoded.

    By the C scanner directly: json.loads's Python layers cost more than the scan for the short
    values rows hold, and the empty list and object most rows hold need no decoding at all."""
    if value is None:
        return None
    if value == "[]":
        return []
    if value == "{}":
        return {}
    try:
        decoded, end = _scan_json(value, 0)
    except StopIteration:
        end = -1
    # Anything but exactly one value (padding, trailing text) is left to json.loads, which
    # accepts surrounding whitespace and names what is wrong otherwise.
    return decoded if end == len(value) else json.loads(value)


def json_reader(dialect: Dialect) -> Callable[[Any], Any]:
    """A JSON column's driver value, decoded: SQLite hands back the text, psycopg the value."""
    return decode_stored_json if dialect.name == "sqlite" else as_is

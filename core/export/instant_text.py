"""Instants as the douse JSON export writes them: ISO 8601 in UTC with a "Z"
("2026-03-04T05:06:07.123456Z", the fraction left out when it is zero, as isoformat does).

On SQLite the column's stored text is rewritten to that form directly: reading it into a
datetime and writing the datetime back cost a sixth of a JSON export, a dozen instants an
incident.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from douse.core.db.base import sqlite_instant


def iso_z(value: datetime | None) -> str | None:
    """An aware datetime in the export's form (the reference the stored-text path must equal)."""
    return value.isoformat().replace("+00:00", "Z") if value is not None else None


_parse = datetime.fromisoformat


def sqlite_instant_text(value: Any) -> str | None:
    """The export's form of a UTC instant as SQLite hands it back.

    SQLAlchemy stores "YYYY-MM-DD HH:MM:SS.ffffff" (the instant in UTC without an offset), and
    SQLite's own CURRENT_TIMESTAMP writes "YYYY-MM-DD HH:MM:SS"; those two shapes are rewritten
    as text. Anything else (an offset, a "T", another number of digits, another type) is read as
    a datetime and written from it, as before. The text is still parsed, so the same values are
    refused as before (a 30 February stops the export rather than being copied into it)."""
    if value.__class__ is str:
        size = len(value)
        # value[4:20:3] is the characters at 4, 7, 10, 13, 16 and 19: the date's dashes (not a
        # week date: "2026-W10-1" is ten characters too), the space, the time's colons and the
        # fraction's point. Every digit and range is then checked by the parse, and no offset:
        # a short fraction and "+01" fill 26 characters too. An end-of-day 24:00 is left to the
        # datetime path, which writes it as the next day.
        if size == 26:
            if value[4:20:3] == "-- ::." and value[11:13] != "24" and _parse(value).tzinfo is None:
                if value.endswith(".000000"):
                    return value[:19].replace(" ", "T") + "Z"
                return value.replace(" ", "T") + "Z"
        elif (
            size == 19
            and value[4:20:3] == "-- ::"
            and value[11:13] != "24"
            and _parse(value).tzinfo is None
        ):
            return value.replace(" ", "T") + "Z"
    elif value is None:
        return None
    return iso_z(sqlite_instant(value))


def utc_text(value: datetime | None) -> str | None:
    """A datetime read by another dialect (psycopg hands back aware values)."""
    if value is None:
        return None
    return iso_z(value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC))

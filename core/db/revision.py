"""Which schema revision this douse ships, read from the migration files without Alembic.

Every douse process checks on start that the database is at this revision; reading the files'
`revision` lines is enough for that check (core.db.migrate loads Alembic only to upgrade), and
the command line's read commands do it without SQLAlchemy either (core.db.connect).
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

MIGRATIONS = Path(__file__).with_name("migrations")

_REVISION_LINE = re.compile(r"^(down_revision|revision)\s*(?::[^=]*)?=\s*(.+?)\s*$", re.M)


@cache
def shipped_head() -> str | None:
    """The head revision read from the migration files' `revision = "..."` and
    `down_revision = ...` lines, or None when they do not make exactly one plain head (then
    Alembic decides)."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in (MIGRATIONS / "versions").glob("*.py"):
        found = {m[1]: m[2] for m in _REVISION_LINE.finditer(path.read_text("utf-8"))}
        if "revision" not in found:
            continue
        revision, parent = found["revision"], found.get("down_revision", "None")
        if not _is_quoted(revision) or not (parent == "None" or _is_quoted(parent)):
            return None  # a merge point or a computed value: not for a line reader
        revisions.add(revision[1:-1])
        if parent != "None":
            parents.add(parent[1:-1])
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 else None


def _is_quoted(value: str) -> bool:
    return len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'"

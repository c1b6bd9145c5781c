"""Incidents as triage reads and writes them: plain rows, not ORM objects.

An import opens thousands of incidents and updates hundreds per 10,000 posts. As ORM objects each
one cost an instrumented construction, history on every attribute set, and its own INSERT (the
unit of work inserts rows one statement each when it needs their ids back). Here an incident is
a plain object with one attribute per column; a batch's new incidents are numbered by triage and
inserted with one executemany, and the changed ones updated with another, each row guarded by its
`version` as the ORM's optimistic lock would be (another writer's change in between raises
StaleDataError, as a flush would, and the transaction is rolled back by its owner).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, insert, select, text, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError
from sqlalchemy.orm.util import identity_key

from douse.core.db.base import table_of
from douse.core.db.models import Incident

INCIDENTS = table_of(Incident)
COLUMNS: tuple[str, ...] = tuple(column.name for column in INCIDENTS.c)
# Written whenever an incident is: their values are lists and dicts, which could be changed in
# place (then no copy kept at load would tell), and no index holds them.
_ALWAYS = ("severity_reasons", "terms", "summary")


class IncidentRow:
    """One incident: every column of `incidents` as a plain attribute (see `COLUMNS`)."""

    __slots__ = (
        "account_id",
        "acknowledged_at",
        "breach_kind",
        "breached_at",
        "category",
        "client_id",
        "closed_at",
        "distinct_authors",
        "due_at",
        "first_response_at",
        "first_response_due_at",
        "id",
        "is_pattern",
        "kind",
        "last_customer_at",
        "last_response_at",
        "loaded",
        "mention_count",
        "merged_into_id",
        "next_response_due_at",
        "opened_at",
        "owner_id",
        "paused_at",
        "problem_id",
        "repair_status",
        "resolution",
        "resolution_due_at",
        "resolved_at",
        "severity",
        "severity_reasons",
        "status",
        "summary",
        "terms",
        "title",
        "updated_at",
        "updated_by_id",
        "version",
    )

    id: int
    client_id: int
    account_id: int | None
    kind: str
    title: str
    severity: str
    severity_reasons: list[Any]
    status: str
    owner_id: int | None
    is_pattern: bool
    distinct_authors: int
    mention_count: int
    terms: list[Any]
    category: str | None
    problem_id: int | None
    summary: dict[str, Any]
    opened_at: datetime
    acknowledged_at: datetime | None
    first_response_at: datetime | None
    last_customer_at: datetime | None
    last_response_at: datetime | None
    resolved_at: datetime | None
    closed_at: datetime | None
    first_response_due_at: datetime | None
    next_response_due_at: datetime | None
    resolution_due_at: datetime | None
    due_at: datetime | None
    paused_at: datetime | None
    breached_at: datetime | None
    breach_kind: str | None
    resolution: str | None
    repair_status: str | None
    merged_into_id: int | None
    updated_at: datetime
    updated_by_id: int | None
    version: int
    # The values read (in COLUMNS' order); None for a new incident.
    loaded: tuple[Any, ...] | None

    @classmethod
    def new(cls, **values: Any) -> IncidentRow:
        """A new incident: the model's defaults, no deadlines yet, `values` on top; no id
        until `insert_new` numbers it."""
        row = cls()
        row.loaded = None
        for name in COLUMNS:
            setattr(row, name, None)
        row.kind, row.severity, row.status = "mention", "low", "new"
        row.severity_reasons, row.terms, row.summary = [], [], {}
        row.is_pattern, row.distinct_authors, row.mention_count, row.version = False, 1, 0, 1
        for name, value in values.items():
            setattr(row, name, value)
        return row

    def values(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in COLUMNS}


_KEPT = set(IncidentRow.__slots__) - {"loaded"}
if set(COLUMNS) != _KEPT:  # a column added to the model, not here
    raise TypeError(f"IncidentRow does not hold the columns {sorted(set(COLUMNS) ^ _KEPT)}")


_SELECT = select(INCIDENTS).where(INCIDENTS.c.id.in_(bindparam("ids", expanding=True)))
# The SET clause is every key of the parameters (each column but the id), as executemany does.
_UPDATE = update(INCIDENTS).where(
    INCIDENTS.c.id == bindparam("_id"), INCIDENTS.c.version == bindparam("_seen")
)


def load_incidents(session: Session, ids: Sequence[int]) -> list[IncidentRow]:
    """The incidents with these ids, in the database's order (ids ascending on SQLite)."""
    from douse.core.db.execute import read_rows

    found: list[IncidentRow] = []
    for values in read_rows(session, _SELECT, {"ids": list(ids)}).all():
        row = IncidentRow()
        for name, value in zip(COLUMNS, values, strict=True):
            setattr(row, name, value)
        row.loaded = tuple(values)
        found.append(row)
    return found


def number_new(session: Session, rows: Sequence[IncidentRow]) -> None:
    """Give new incidents their ids, in the order given, before they are inserted (so that a
    case can point at a problem opened in the same batch): on PostgreSQL from the table's
    sequence, on SQLite after the largest id, under the database's write lock (taken first if
    this transaction has not written yet, so no other writer can take the same numbers until
    this one commits)."""
    if not rows:
        return
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        ids = sorted(
            connection.execute(
                text(
                    "SELECT nextval(pg_get_serial_sequence('incidents', 'id')) "
                    "FROM generate_series(1, :n)"
                ),
                {"n": len(rows)},
            ).scalars()
        )
    else:
        # A write that changes nothing takes SQLite's write lock before the largest id is read
        # (the claim a judging transaction makes, triage_pending's `_claim`).
        connection.execute(
            text("UPDATE clients SET archived = archived WHERE id = :client"),
            {"client": rows[0].client_id},
        )
        last = connection.execute(text("SELECT coalesce(max(id), 0) FROM incidents")).scalar()
        ids = list(range(int(last or 0) + 1, int(last or 0) + 1 + len(rows)))
    for row, number in zip(rows, ids, strict=True):
        row.id = number


def insert_new(session: Session, rows: Sequence[IncidentRow]) -> None:
    """Insert numbered incidents with one statement."""
    if rows:
        session.connection().execute(insert(INCIDENTS), [row.values() for row in rows])


def update_changed(session: Session, rows: Sequence[IncidentRow]) -> None:
    """Write what changed in these loaded incidents, each only if its version is still the one
    read (then one more). A row another writer changed meanwhile raises StaleDataError.

    Only the columns whose values changed are set (as the ORM did), rows grouped by which:
    SQLite rewrites every index holding a column named in SET, changed or not, and setting every
    column made an update cost twice as much."""
    if not rows:
        return
    groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for row in rows:
        before = row.loaded
        if before is None:
            raise ValueError(f"incident {row.id} was not loaded: nothing to compare it with")
        names = tuple(
            name
            for name, value in zip(COLUMNS, before, strict=True)
            if name in _ALWAYS or (name != "version" and getattr(row, name) != value)
        )
        values = {name: getattr(row, name) for name in names}
        values["_id"], values["_seen"], values["version"] = row.id, row.version, row.version + 1
        groups.setdefault(names, []).append(values)
    connection = session.connection()
    matched = sum(connection.execute(_UPDATE, params).rowcount for params in groups.values())
    if matched != len(rows):
        raise StaleDataError(
            f"incidents changed by another writer while being judged: expected {len(rows)} "
            f"rows at the versions read, matched {matched}"
        )
    for row in rows:
        row.version += 1
        row.loaded = tuple(getattr(row, name) for name in COLUMNS)
    forget(session, (row.id for row in rows))


def forget(session: Session, ids: Iterable[int]) -> None:
    """Expire the session's ORM copies of incidents written here as rows, so that whoever
    reads them next in this session reads what was written."""
    identity = session.identity_map
    if not len(identity):
        return
    for incident_id in ids:
        known = identity.get(identity_key(Incident, incident_id))
        if known is not None:
            session.expire(known)

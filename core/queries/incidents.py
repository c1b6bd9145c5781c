"""Lists of incidents: a client's, the agency's (`douse incidents`), and the deadline queue.

Plain SQL through core.db.sql (no SQLAlchemy import), paged, each on an index in models.py
whatever the number of incidents. Every function takes the caller's Session (or a bare Reader)
first and never writes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from douse.core.db.sql import Params, Reader, Row, in_list, instant, like_contains, reader, when
from douse.core.db.vocab import INCIDENT_STATUSES, OPEN_STATUSES, SEVERITIES
from douse.core.errors import DouseError, NotFound
from douse.core.queries.clients import client_id_for, staff_id_for
from douse.core.queries.rows import IncidentFilter, IncidentRow, QueueCounts

if TYPE_CHECKING:
    from douse.core.db.sql import Db

CLOCKED_STATUSES = ("new", "acknowledged", "in_progress")
"""Clocks run while an incident waits on us; the other statuses have no deadline that counts."""

_ROW = """
    SELECT i.id, i.client_id, c.slug, i.title, i.kind, i.severity, i.status, st.handle,
           i.opened_at, i.due_at, i.breached_at, i.mention_count, i.distinct_authors,
           i.is_pattern, i.version, i.category, i.problem_id
    FROM incidents AS i
    JOIN clients AS c ON c.id = i.client_id
    LEFT OUTER JOIN staff AS st ON st.id = i.owner_id
"""


def _incident_row(r: Row) -> IncidentRow:
    return IncidentRow(
        id=r[0],
        client_id=r[1],
        client_slug=r[2],
        title=r[3],
        kind=r[4],
        severity=r[5],
        status=r[6],
        owner=r[7],
        opened_at=when(r[8]),
        due_at=instant(r[9]),
        breached_at=instant(r[10]),
        mention_count=r[11],
        distinct_authors=r[12],
        is_pattern=bool(r[13]),
        version=r[14],
        category=r[15],
        problem_id=r[16],
    )


def _page(limit: int | None, offset: int, params: Params) -> str:
    if not limit:
        return ""
    params["limit"], params["offset"] = limit, offset
    return " LIMIT :limit OFFSET :offset"


def statuses_of(status: str | None, *, running: bool) -> tuple[str, ...] | None:
    """The statuses a filter's `status` names (None: any). `running`: an overdue or due-within
    list, which means the open incidents when no status is named."""
    if status is None or status == "all":
        return OPEN_STATUSES if running and status is None else None
    wanted = {s.strip().replace("-", "_") for s in status.split(",")}
    for name in sorted(wanted - {"open"}):
        if name not in INCIDENT_STATUSES:
            known = ", ".join((*INCIDENT_STATUSES, "open"))
            raise DouseError(f"unknown status {name!r} (one of {known})")
    if "open" in wanted:
        wanted = (wanted - {"open"}) | set(OPEN_STATUSES)
    return tuple(sorted(wanted))


def list_incidents(
    db: Db,
    now: datetime,
    filters: IncidentFilter | None = None,
    *,
    client_id: int | None = None,
    limit: int | None = 100,
    offset: int = 0,
    with_drafts: bool = True,
) -> list[IncidentRow]:
    """A page of incidents, soonest deadline first (no deadline last), then the newest opened
    (the first opened of those opened together).

    client_id (or filters.client, a slug) keeps one client's; with_drafts says who is drafting
    a reply on each (one more query).
    """
    filters = filters or IncidentFilter()
    rd = reader(db)
    params: Params = {}
    where: list[str] = []
    if filters.client:
        client_id = client_id_for(rd, filters.client)
    if client_id is not None:
        where.append("i.client_id = :client_id")
        params["client_id"] = client_id
    if not filters.include_merged:
        where.append("i.merged_into_id IS NULL")
    running = filters.overdue or filters.due_within is not None
    statuses = statuses_of(filters.status, running=running)
    if statuses is not None:
        where.append(f"i.status IN {in_list('status', statuses, params)}")
    if filters.severity:
        severities = [s.strip() for s in filters.severity.split(",")]
        for severity in severities:
            if severity not in SEVERITIES:
                raise DouseError(f"unknown severity {severity!r} (one of {', '.join(SEVERITIES)})")
        where.append(f"i.severity IN {in_list('severity', severities, params)}")
    if filters.owner == "-":
        where.append("i.owner_id IS NULL")
    elif filters.owner:
        where.append("i.owner_id = :owner_id")
        params["owner_id"] = staff_id_for(rd, filters.owner)
    if filters.category:
        where.append("i.category = :category")
        params["category"] = filters.category.strip().lower()
    if filters.text.strip():
        where.append("lower(i.title) LIKE :text ESCAPE '/'")
        params["text"] = like_contains(filters.text.strip().lower())
    if filters.overdue:
        where.append("i.due_at < :now")
        params["now"] = now
    if filters.due_within is not None:
        where.append("i.due_at <= :due_by")
        params["due_by"] = now + filters.due_within
    sql = (
        _ROW
        + (f" WHERE {' AND '.join(where)}" if where else "")
        + " ORDER BY i.due_at IS NULL, i.due_at, i.opened_at DESC, i.id"
        + _page(limit, offset, params)
    )
    rows = [_incident_row(r) for r in rd.rows(sql, params)]
    return _with_drafts(rd, rows) if with_drafts else rows


def incident_row(db: Db, incident_id: int) -> IncidentRow:
    rd = reader(db)
    rows = rd.rows(f"{_ROW} WHERE i.id = :id", {"id": incident_id})
    if not rows:
        raise NotFound(f"no incident #{incident_id}")
    return _with_drafts(rd, [_incident_row(rows[0])])[0]


# ---------------------------------------------------------------------------------------------
# The deadline queue


def _queue_where(
    now: datetime,
    params: Params,
    *,
    owner: str | None,
    overdue_only: bool,
    horizon: timedelta | None,
) -> str:
    where = [
        f"i.status IN {in_list('clocked', CLOCKED_STATUSES, params)}",
        "i.due_at IS NOT NULL",
        "NOT c.archived",
    ]
    if overdue_only:
        where.append("i.due_at < :now")
        params["now"] = now
    elif horizon is not None:
        where.append("i.due_at < :horizon")
        params["horizon"] = now + horizon
    if owner:
        where.append("st.handle = :owner")
        params["owner"] = owner
    return " WHERE " + " AND ".join(where)


def queue(
    db: Db,
    now: datetime,
    *,
    owner: str | None = None,
    overdue_only: bool = False,
    horizon: timedelta | None = timedelta(hours=24),
    limit: int = 200,
    offset: int = 0,
) -> list[IncidentRow]:
    """Open incidents with a running deadline across all clients, soonest (most overdue) first.

    horizon: only those due within it (None: every running deadline); overdue_only: only those
    past it. A page on the (status, due_at) index, whatever the number of incidents.
    """
    rd = reader(db)
    params: Params = {}
    where = _queue_where(now, params, owner=owner, overdue_only=overdue_only, horizon=horizon)
    sql = _ROW + where + " ORDER BY i.due_at, i.id" + _page(limit, offset, params)
    return _with_drafts(rd, [_incident_row(r) for r in rd.rows(sql, params)])


def queue_counts(
    db: Db,
    now: datetime,
    *,
    owner: str | None = None,
    overdue_only: bool = False,
    horizon: timedelta | None = timedelta(hours=24),
    soon: timedelta = timedelta(hours=1),
) -> QueueCounts:
    """The queue's bar in one COUNT, while only its first page is loaded."""
    params: Params = {"at": now, "soon": now + soon}
    where = _queue_where(now, params, owner=owner, overdue_only=overdue_only, horizon=horizon)
    sql = (
        "SELECT count(*),"
        " coalesce(sum(CASE WHEN i.due_at <= :at THEN 1 ELSE 0 END), 0),"
        " coalesce(sum(CASE WHEN i.due_at > :at AND i.due_at <= :soon THEN 1 ELSE 0 END), 0)"
        " FROM incidents AS i JOIN clients AS c ON c.id = i.client_id"
        " LEFT OUTER JOIN staff AS st ON st.id = i.owner_id" + where
    )
    total, overdue, due_soon = reader(db).rows(sql, params)[0]
    return QueueCounts(int(total), int(overdue or 0), int(due_soon or 0))


# ---------------------------------------------------------------------------------------------
# Who is drafting


def drafting(db: Db, incident_ids: Sequence[int]) -> dict[int, tuple[str, ...]]:
    """Who is drafting a reply on each of these incidents (handles, the latest first)."""
    ids = sorted(set(incident_ids))
    if not ids:
        return {}
    params: Params = {}
    sql = (
        "SELECT d.incident_id, st.handle FROM drafts AS d JOIN staff AS st ON st.id = d.staff_id"
        f" WHERE d.incident_id IN {in_list('id', ids, params)}"
        " ORDER BY d.updated_at DESC, d.id DESC"
    )
    found: dict[int, list[str]] = {}
    for incident_id, handle in reader(db).rows(sql, params):
        found.setdefault(incident_id, []).append(handle)
    return {k: tuple(v) for k, v in found.items()}


def _with_drafts(rd: Reader, rows: list[IncidentRow]) -> list[IncidentRow]:
    who = drafting(rd, [r.id for r in rows])
    return [replace(r, drafting=who[r.id]) if r.id in who else r for r in rows]

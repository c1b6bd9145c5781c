"""Clients and staff: the switcher's list, `douse clients` with its counts, and name lookups.

Plain SQL through core.db.sql (no SQLAlchemy import): `douse clients` answers without loading
the ORM. Every function takes the caller's Session (or a bare Reader) first and never writes.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from douse.core.db.sql import Params, Row, from_json, in_list, reader
from douse.core.db.vocab import OPEN_STATUSES
from douse.core.errors import NotFound
from douse.core.queries.rows import ClientRef, ClientRow, StaffRef

if TYPE_CHECKING:
    from douse.core.db.sql import Db


def active_clients(db: Db) -> list[ClientRef]:
    """Every client not archived, by name."""
    rows = reader(db).rows(
        "SELECT id, slug, name FROM clients WHERE NOT archived ORDER BY name", {}
    )
    return [ClientRef(*r) for r in rows]


def get_client(db: Db, client_id: int) -> ClientRef:
    rows = reader(db).rows("SELECT id, slug, name FROM clients WHERE id = :id", {"id": client_id})
    if not rows:
        raise NotFound(f"no client with id {client_id}")
    return ClientRef(*rows[0])


def client_id_for(db: Db, slug: str) -> int:
    rows = reader(db).rows("SELECT id FROM clients WHERE slug = :slug", {"slug": slug})
    if not rows:
        raise NotFound(f"unknown client {slug!r} (see `douse clients`)")
    return int(rows[0][0])


def client_overview(db: Db, now: datetime, *, include_archived: bool = False) -> list[ClientRow]:
    """Each client with its accounts, sources and open incidents, by slug: one query."""
    params: Params = {"now": now}
    open_statuses = in_list("open", OPEN_STATUSES, params)
    sql = f"""
        SELECT c.slug, c.name, c.timezone, c.archived,
               coalesce(a.n, 0), coalesce(a.unowned, 0), coalesce(s.n, 0),
               coalesce(i.n_open, 0), coalesce(i.n_overdue, 0), st.handle
        FROM clients AS c
        LEFT OUTER JOIN (
            SELECT client_id, count(*) AS n,
                   sum(CASE WHEN owner_id IS NULL THEN 1 ELSE 0 END) AS unowned
            FROM accounts WHERE NOT archived GROUP BY client_id
        ) AS a ON a.client_id = c.id
        LEFT OUTER JOIN (
            SELECT client_id, count(*) AS n FROM sources WHERE enabled GROUP BY client_id
        ) AS s ON s.client_id = c.id
        LEFT OUTER JOIN (
            SELECT client_id, count(*) AS n_open,
                   sum(CASE WHEN due_at < :now THEN 1 ELSE 0 END) AS n_overdue
            FROM incidents WHERE status IN {open_statuses} GROUP BY client_id
        ) AS i ON i.client_id = c.id
        LEFT OUTER JOIN staff AS st ON st.id = c.default_owner_id
        {"" if include_archived else "WHERE NOT c.archived"}
        ORDER BY c.slug
    """
    return [
        ClientRow(
            slug=slug,
            name=name,
            timezone=timezone,
            archived=bool(archived),
            accounts=int(accounts),
            unowned_accounts=int(unowned),
            sources=int(sources),
            open_incidents=int(n_open),
            overdue_incidents=int(n_overdue),
            default_owner=owner,
        )
        for (
            slug,
            name,
            timezone,
            archived,
            accounts,
            unowned,
            sources,
            n_open,
            n_overdue,
            owner,
        ) in reader(db).rows(sql, params)
    ]


def canned_reply_names(db: Db, client_ids: Sequence[int]) -> list[str]:
    """The canned replies these clients have between them, by name."""
    params: Params = {}
    ids = in_list("id", sorted(set(client_ids)), params)
    names: set[str] = set()
    sql = f"SELECT canned_replies FROM clients WHERE id IN {ids}"
    for (replies,) in reader(db).rows(sql, params):
        names.update(str(k) for k in (from_json(replies) or {}))
    return sorted(names, key=str.lower)


# ---------------------------------------------------------------------------------------------
# Staff

_STAFF = "SELECT id, handle, name, away, role FROM staff"


def _staff(row: Row) -> StaffRef:
    staff_id, handle, name, away, role = row
    return StaffRef(staff_id, handle, name, bool(away), role or "")


def list_staff(db: Db) -> list[StaffRef]:
    """Active staff, by handle."""
    return [_staff(r) for r in reader(db).rows(f"{_STAFF} WHERE active ORDER BY handle", {})]


def staff_by_handle(db: Db, handle: str) -> StaffRef | None:
    rows = reader(db).rows(f"{_STAFF} WHERE handle = :handle", {"handle": handle})
    return _staff(rows[0]) if rows else None


def staff_id_for(db: Db, handle: str) -> int:
    """The id of the staff member with this handle (any case), or NotFound."""
    found = staff_by_handle(db, handle.lower())
    if found is None:
        raise NotFound(f"unknown staff member {handle!r}")
    return found.id

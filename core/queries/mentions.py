"""Lists of mentions, newest first, paged by keyset so a client's million are never loaded.

Plain SQL through core.db.sql (no SQLAlchemy import). The desk's mentions pane and
`douse mentions` read the same rows.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from douse.core.db.sql import Params, Row, from_json, like_contains, reader, when
from douse.core.db.vocab import SENTIMENT_LABELS
from douse.core.errors import DouseError, NotFound
from douse.core.queries.clients import client_id_for
from douse.core.queries.rows import MENTION_FILTERS, MentionCursor, MentionRow
from douse.core.text import mention_ref

if TYPE_CHECKING:
    from douse.core.db.sql import Db

# The first incident a mention is on: a correlated lookup on incident_mentions' mention index,
# once per row of the page.
_SELECT = """
    SELECT m.id, m.client_id, c.slug, m.published_at, m.platform, m.author_id, a.handle,
           a.display_name, a.is_troll, a.is_vip, a.followers, m.sentiment_label,
           m.sentiment_compound, m.sentiment_reasons, m.label_corrected_by_id, m.model_label,
           m.title, m.text, m.url, m.canonical_url, m.likes, m.shares, m.replies, m.category,
           (SELECT min(im.incident_id) FROM incident_mentions AS im WHERE im.mention_id = m.id)
    FROM mentions AS m
    JOIN clients AS c ON c.id = m.client_id
    LEFT OUTER JOIN authors AS a ON a.id = m.author_id
"""


def mention_from(r: Row) -> MentionRow:
    return MentionRow(
        id=r[0],
        client_id=r[1],
        client_slug=r[2],
        published_at=when(r[3]),
        platform=r[4],
        author_id=r[5],
        author=r[6],
        author_name=r[7],
        author_is_troll=bool(r[8]),
        author_is_vip=bool(r[9]),
        followers=r[10],
        label=r[11],
        compound=r[12],
        reasons=tuple(str(x) for x in from_json(r[13]) or ()),
        corrected=r[14] is not None,
        model_label=r[15],
        title=r[16] or "",
        text=r[17] or "",
        url=r[18],
        canonical_url=r[19],
        likes=r[20],
        shares=r[21],
        replies=r[22],
        category=r[23],
        incident_id=r[24],
    )


def mentions_where(db: Db, where: str, params: Params, *, limit: int) -> list[MentionRow]:
    """Mentions matching a WHERE clause over `m` (mentions), newest first."""
    params = {**params, "limit": limit}
    sql = f"{_SELECT} WHERE {where} ORDER BY m.published_at DESC, m.id DESC LIMIT :limit"
    return [mention_from(r) for r in reader(db).rows(sql, params)]


def list_mentions(
    db: Db,
    *,
    client_id: int | None = None,
    client: str | None = None,
    label: str | None = None,
    kind: str = "all",
    search: str = "",
    after: MentionCursor | None = None,
    with_duplicates: bool = True,
    limit: int = 100,
) -> list[MentionRow]:
    """A page of mentions, newest first, continuing after `after` (keyset paging).

    client_id or client (a slug) keeps one client's; label one sentiment label; kind one of
    MENTION_FILTERS (the desk's tabs: "unhandled" is negative and on no incident); search finds
    text in the title or body; with_duplicates=False leaves out reposts of a kept mention.
    """
    if kind not in MENTION_FILTERS:
        raise ValueError(f"unknown mention filter {kind!r}")
    if label is not None and label not in SENTIMENT_LABELS:
        raise DouseError(f"unknown label {label!r} (one of {', '.join(SENTIMENT_LABELS)})")
    rd = reader(db)
    params: Params = {}
    where = ["1 = 1"]
    if client:
        client_id = client_id_for(rd, client)
    if client_id is not None:
        where.append("m.client_id = :client_id")
        params["client_id"] = client_id
    if kind in ("negative", "unhandled"):
        label = "negative"
    elif kind == "unscored":
        label = "unscored"
    if label:
        where.append("m.sentiment_label = :label")
        params["label"] = label
    if kind == "unhandled":
        where.append(
            "NOT EXISTS (SELECT 1 FROM incident_mentions AS im WHERE im.mention_id = m.id)"
        )
    if not with_duplicates:
        where.append("m.duplicate_of_id IS NULL")
    if search.strip():
        where.append(
            "(lower(m.text) LIKE :needle ESCAPE '/' OR lower(m.title) LIKE :needle ESCAPE '/')"
        )
        params["needle"] = like_contains(search.strip().lower())
    if after is not None:
        where.append(older_than(after, params))
    return mentions_where(rd, " AND ".join(where), params, limit=limit)


def older_than(after: MentionCursor, params: Params) -> str:
    """The keyset condition for the mentions listed after `after` in `mentions_where`'s order
    (newest first, then by id); adds its values to `params`."""
    params["after_at"], params["after_id"] = after.published_at, after.id
    return "(m.published_at < :after_at OR (m.published_at = :after_at AND m.id < :after_id))"


def cursor_at(db: Db, mention_id: int) -> MentionCursor | None:
    """The keyset position of a mention, for a page of those older than it (None: no such)."""
    sql = "SELECT published_at, id FROM mentions WHERE id = :id"
    rows = reader(db).rows(sql, {"id": mention_id})
    return MentionCursor(when(rows[0][0]), rows[0][1]) if rows else None


def mention_row(db: Db, mention_id: int) -> MentionRow:
    rows = mentions_where(db, "m.id = :id", {"id": mention_id}, limit=1)
    if not rows:
        raise NotFound(f"no mention {mention_ref(mention_id)}")
    return rows[0]

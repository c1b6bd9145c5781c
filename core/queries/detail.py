"""One incident in full: its mentions with their authors' records, its timeline, its cases, and
what the outreach dialog needs (the client's reply policy and canned replies, who is drafting).

`douse incident ID` and the desk's incident screen show this same detail. Every function takes
a Session first and never commits.
"""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from douse.core.db.models import (
    OPEN_STATUSES,
    Account,
    Activity,
    Author,
    Client,
    Incident,
    IncidentMention,
    Mention,
    Staff,
)
from douse.core.db.sql import Params
from douse.core.errors import NotFound
from douse.core.incidents.categories import client_categories
from douse.core.incidents.drafts import drafts_on
from douse.core.incidents.workflow import reply_platform
from douse.core.policy import ReplyPolicy, policy_note
from douse.core.queries.authors import author_histories
from douse.core.queries.clients import get_client
from douse.core.queries.incidents import incident_row
from douse.core.queries.mentions import mentions_where, older_than
from douse.core.queries.rows import (
    ActivityRow,
    CaseRow,
    IncidentDetail,
    IncidentMentionRow,
    MentionCursor,
)
from douse.core.send.notes import sent_note

MAX_CASES = 200


def incident_detail(
    session: Session, incident_id: int, *, mention_limit: int = 50
) -> IncidentDetail:
    """One incident with its newest mentions (up to `mention_limit`) and its whole timeline."""
    row = incident_row(session, incident_id)
    inc = session.get(Incident, incident_id)
    assert inc is not None  # incident_row raised otherwise
    client = get_client(session, inc.client_id)
    client_obj = session.get(Client, inc.client_id)
    assert client_obj is not None
    account = None
    if inc.account_id is not None:
        acc = session.get(Account, inc.account_id)
        account = f"{acc.platform} {acc.handle}" if acc else None
    updated_by = session.get(Staff, inc.updated_by_id) if inc.updated_by_id else None
    titles = client_categories(client_obj)

    total = (
        session.scalar(select(func.count()).where(IncidentMention.incident_id == incident_id)) or 0
    )
    mentions = incident_mentions(session, incident_id, limit=mention_limit)
    return IncidentDetail(
        row=row,
        client=client,
        severity_reasons=tuple(str(r) for r in inc.severity_reasons or ()),
        # The words as people wrote them where triage noted them, else the stems.
        terms=tuple(str((inc.summary or {}).get("words", {}).get(t) or t) for t in inc.terms or ()),
        acknowledged_at=inc.acknowledged_at,
        first_response_at=inc.first_response_at,
        last_response_at=inc.last_response_at,
        resolved_at=inc.resolved_at,
        first_response_due_at=inc.first_response_due_at,
        next_response_due_at=inc.next_response_due_at,
        resolution_due_at=inc.resolution_due_at,
        paused_at=inc.paused_at,
        breach_kind=inc.breach_kind,
        resolution=inc.resolution,
        repair_status=inc.repair_status,
        merged_into_id=inc.merged_into_id,
        updated_at=inc.updated_at,
        updated_by=updated_by.handle if updated_by else None,
        account=account,
        mentions=mentions,
        more_mentions=max(total - len(mentions), 0),
        activities=activities(session, incident_id),
        reply_policy=dict(client_obj.reply_policy or {}),
        canned_replies=tuple(
            (str(k), str(v)) for k, v in sorted((client_obj.canned_replies or {}).items())
        ),
        brand=client_obj.name,
        account_platform=reply_platform(
            session, inc, ReplyPolicy.from_dict(client_obj.reply_policy), None
        ),
        drafts=tuple(drafts_on(session, incident_id)),
        category_title=titles.get(inc.category or ""),
        cases=cases_under(session, inc) if inc.kind == "pattern" else (),
        categories=tuple(titles.items()),
        placed=_placed(inc),
    )


def _placed(inc: Incident) -> str | None:
    placed = (inc.summary or {}).get("placed") if inc.problem_id is not None else None
    return str(placed) if placed else None


def incident_mentions(
    session: Session, incident_id: int, *, after: MentionCursor | None = None, limit: int = 50
) -> tuple[IncidentMentionRow, ...]:
    """An incident's mentions, newest first: up to `limit` of them, continuing after `after`
    (keyset paging, so the last page of a large problem costs what the first does), each with
    its author's record across every client."""
    if limit <= 0:
        return ()
    params: Params = {"incident": incident_id}
    where = "m.id IN (SELECT mention_id FROM incident_mentions WHERE incident_id = :incident)"
    if after is not None:
        where += " AND " + older_than(after, params)
    mentions = mentions_where(session, where, params, limit=limit)
    histories = author_histories(session, [m.author_id for m in mentions if m.author_id])
    return tuple(
        IncidentMentionRow(m, histories.get(m.author_id) if m.author_id else None) for m in mentions
    )


def activities(session: Session, incident_id: int) -> tuple[ActivityRow, ...]:
    """An incident's whole timeline, oldest first."""
    by = aliased(Staff)
    rows = session.execute(
        select(
            Activity.id,
            Activity.kind,
            Activity.channel,
            by.handle,
            Activity.at,
            Activity.body,
            Activity.outcome,
            Activity.amount,
            Activity.currency,
            Activity.corrects_id,
            Activity.details,
        )
        .outerjoin(by, by.id == Activity.staff_id)
        .where(Activity.incident_id == incident_id)
        .order_by(Activity.at, Activity.id)
    )
    return tuple(
        ActivityRow(
            id=a.id,
            kind=a.kind,
            channel=a.channel,
            staff=a.handle,
            at=a.at,
            body=a.body or "",
            outcome=a.outcome,
            amount=_money(a.amount),
            currency=a.currency,
            corrects_id=a.corrects_id,
            details=dict(a.details or {}),
            policy_note=policy_note(a.details),
            sent_note=sent_note(a.details),
            undo=a.kind == "correction" and bool((a.details or {}).get("undo")),
        )
        for a in rows
    )


def _money(amount: Decimal | None) -> str | None:
    return None if amount is None else str(amount)


def cases_under(session: Session, problem: Incident) -> tuple[CaseRow, ...]:
    """The cases under a problem, soonest deadline first, each with its person."""
    rows = session.execute(
        select(Incident, Author.handle)
        .outerjoin(IncidentMention, IncidentMention.incident_id == Incident.id)
        .outerjoin(Mention, Mention.id == IncidentMention.mention_id)
        .outerjoin(Author, Author.id == Mention.author_id)
        .where(Incident.problem_id == problem.id)
        .order_by(Incident.due_at.is_(None), Incident.due_at, Incident.id)
    ).all()
    seen: dict[int, CaseRow] = {}
    for case, handle in rows:
        if case.id not in seen and len(seen) < MAX_CASES:
            seen[case.id] = CaseRow(case.id, handle, case.status, case.due_at, case.mention_count)
    return tuple(seen.values())


def category_counts(session: Session, client_id: int) -> list[tuple[str, str, int]]:
    """The client's issue categories (name, title) with how many open incidents each holds."""
    client = session.get(Client, client_id)
    if client is None:
        raise NotFound(f"no client {client_id}")
    counts = dict(
        session.execute(
            select(Incident.category, func.count())
            .where(
                Incident.client_id == client_id,
                Incident.status.in_(OPEN_STATUSES),
                Incident.category.is_not(None),
            )
            .group_by(Incident.category)
        ).all()
    )
    titles = client_categories(client)
    return [(name, title, int(counts.get(name, 0))) for name, title in titles.items()]

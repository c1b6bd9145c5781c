"""Incidents made by hand from the desk: open one from a mention, attach a mention to one.

Triage decides most incidents; these are for what it could not know (a neutral-looking post that
is in fact a complaint, a post that belongs with an incident it did not match). They reuse the
engine's routing, severity, clocks and the workflow's version checks, so a hand-made incident is
indistinguishable from a triaged one except for the note saying who made it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from douse.core.db.models import Activity, Client, Incident, IncidentMention, Mention
from douse.core.errors import DouseError, NotFound
from douse.core.incidents import clocks
from douse.core.incidents.notify import notify
from douse.core.incidents.routing import route, staff_map
from douse.core.incidents.severity import Evidence, assess, level
from douse.core.incidents.text import ignore_stems, matched_critical_terms, significant_terms
from douse.core.incidents.triage import MAX_TERMS

# The workflow's own helpers, so versions, conflicts and results behave exactly as for every
# other incident action (they are private there only because nothing outside needed them).
from douse.core.incidents.workflow import (
    ActionResult,
    _flush,
    _reassess,
    _result,
    _touch,
    load_incident,
    staff_by_handle,
)
from douse.core.text import inert, mention_ref


def _mention(session: Session, mention_id: int) -> Mention:
    mention = session.scalars(
        select(Mention).options(selectinload(Mention.author)).where(Mention.id == mention_id)
    ).one_or_none()
    if mention is None:
        raise NotFound(f"no mention {mention_ref(mention_id)}")
    return mention


def _handled_by(session: Session, mention_id: int) -> int | None:
    """The incident (not a spike) this mention is already on, if any."""
    return session.scalar(
        select(IncidentMention.incident_id)
        .join(Incident, Incident.id == IncidentMention.incident_id)
        .where(IncidentMention.mention_id == mention_id, Incident.kind != "spike")
        .order_by(IncidentMention.incident_id)
        .limit(1)
    )


def open_incident_from_mention(
    session: Session,
    mention_id: int,
    *,
    by: str,
    now: datetime,
    title: str | None = None,
    note: str = "",
) -> ActionResult:
    """Open a new incident on one mention, routed and judged like triage would, clocks running."""
    staff = staff_by_handle(session, by)
    mention = _mention(session, mention_id)
    already = _handled_by(session, mention.id)
    if already is not None:
        raise DouseError(f"mention {mention_ref(mention.id)} is already on incident #{already}")
    client = session.scalars(
        select(Client).options(selectinload(Client.accounts)).where(Client.id == mention.client_id)
    ).one()
    if client.archived:
        raise DouseError(f"client {client.slug!r} is archived")
    text = f"{mention.title}\n{mention.text}" if mention.title else mention.text
    author = mention.author
    critical = matched_critical_terms(text, list(client.critical_terms or []))
    evidence = Evidence(
        author_id=mention.author_id,
        compound=mention.sentiment_compound,
        followers=author.followers if author else None,
        shares=mention.shares or 0,
        published_at=mention.published_at,
        fetched_at=mention.fetched_at,
        critical_terms=tuple(critical),
        is_vip=bool(author and author.is_vip),
    )
    judged = assess([evidence])
    routed = route(
        client,
        client.accounts,
        staff_map(session),
        account_id=mention.account_id,
        platform=mention.platform,
        text=text,
    )
    shown_title = inert(title or mention.title or mention.text, 120) or "(no text)"
    incident = Incident(
        client_id=client.id,
        account_id=routed.account_id,
        kind="mention",
        title=shown_title,
        severity=judged.severity,
        severity_reasons=[*judged.reasons, f"opened by hand by {staff.handle}"],
        status="new",
        owner_id=routed.owner_id,
        distinct_authors=1,
        mention_count=1,
        terms=significant_terms(
            text, ignore_stems([client.name, client.slug, *(client.keywords or [])])
        )[:MAX_TERMS],
        opened_at=now,
        last_customer_at=mention.published_at,
        updated_at=now,
        updated_by_id=staff.id,
    )
    clocks.start_clocks(incident, client, now)
    session.add(incident)
    session.flush()
    session.add(IncidentMention(incident_id=incident.id, mention_id=mention.id, added_at=now))
    body = f"opened by hand from mention {mention_ref(mention.id)}; routed to {routed.reason}"
    activity = Activity(
        incident_id=incident.id,
        kind="internal_note",
        staff_id=staff.id,
        at=now,
        body=f"{body}: {note}" if note.strip() else body,
        details={"event": "opened_from_mention", "mention_id": mention.id},
    )
    session.add(activity)
    session.flush()
    if judged.severity == "critical":
        notify(
            session, incident, "critical", f"#{incident.id} opened as critical: {shown_title}", now
        )
    _flush(session, incident)
    return _result(session, incident, activity)


def attach_mention(
    session: Session,
    incident_id: int,
    mention_id: int,
    *,
    by: str,
    now: datetime,
    expected_version: int | None = None,
) -> ActionResult:
    """Put a mention of the same client on an incident; severity is re-judged, never lowered."""
    staff = staff_by_handle(session, by)
    incident = load_incident(session, incident_id, expected_version)
    if incident.merged_into_id is not None:
        raise DouseError(
            f"incident #{incident.id} was merged into #{incident.merged_into_id}; attach it there"
        )
    mention = _mention(session, mention_id)
    if mention.client_id != incident.client_id:
        raise DouseError(
            f"mention {mention_ref(mention.id)} is about another client than #{incident.id}"
        )
    already = _handled_by(session, mention.id)
    if already == incident.id:
        raise DouseError(f"mention {mention_ref(mention.id)} is already on incident #{incident.id}")
    if already is not None:
        raise DouseError(
            f"mention {mention_ref(mention.id)} is on incident #{already}: merge #{already} into "
            f"#{incident.id} instead, so its history moves with it"
        )
    client = session.get(Client, incident.client_id)
    assert client is not None
    session.add(IncidentMention(incident_id=incident.id, mention_id=mention.id, added_at=now))
    session.flush()
    before = incident.severity
    before_reasons = list(incident.severity_reasons or [])
    _reassess(session, incident, client)
    if level(incident.severity) < level(before):
        # More evidence never makes an incident less serious, nor undoes a person's judgement.
        incident.severity = before
        incident.severity_reasons = before_reasons
    elif level(incident.severity) > level(before) and incident.status != "monitor":
        clocks.tighten_for_severity(incident, client, now)
    clocks.sync_due(incident)
    activity = Activity(
        incident_id=incident.id,
        kind="internal_note",
        staff_id=staff.id,
        at=now,
        body=f"attached mention {mention_ref(mention.id)} by hand",
        details={"event": "attach_mention", "mention_id": mention.id},
    )
    session.add(activity)
    _touch(incident, staff, now)
    _flush(session, incident)
    return _result(session, incident, activity)

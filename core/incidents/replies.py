"""What a reply on an incident is addressed to, and a client's canned reply logged on one incident.

`reply_values` fills canned replies' placeholders the same way for the outreach dialog and for
bulk replies: `{author}` is the person as they call themselves (their display name, "Oliver
Kelly"), not a platform handle that may carry a review site's counter ("oliver kelly (187)").
`log_canned_reply` renders the client's template for one incident, checks it against that
client's reply policy on its own, and logs it with workflow.log_activity (the function the
outreach dialog logs through as well).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from douse.core.db.models import Author, Client, Incident, IncidentMention, Mention, Staff
from douse.core.errors import DouseError, NotFound
from douse.core.incidents.workflow import ActionResult, log_activity, staff_by_handle
from douse.core.policy import ReplyPolicy, check_reply, has_blocking, render_canned
from douse.core.text import inert


def author_name(author: Author | None) -> str:
    """How to greet the author: their display name, else their handle, else "there"."""
    if author is None:
        return "there"
    name = inert(author.display_name or "", 80).strip()
    return name or inert(author.handle or "", 80).strip() or "there"


def reply_values(session: Session, incident_id: int, agent: str | None) -> dict[str, str]:
    """The placeholders of a canned reply on this incident: the latest post's author and
    platform, the brand, and the agent (a staff handle, shown by name)."""
    incident = session.get(Incident, incident_id)
    if incident is None:
        raise NotFound(f"no incident #{incident_id}")
    client = session.get(Client, incident.client_id)
    assert client is not None
    latest = session.scalar(
        select(Mention)
        .join(IncidentMention, IncidentMention.mention_id == Mention.id)
        .where(IncidentMention.incident_id == incident_id)
        .order_by(Mention.published_at.desc(), Mention.id.desc())
        .limit(1)
    )
    author = session.get(Author, latest.author_id) if latest and latest.author_id else None
    staff = (
        session.scalar(select(Staff).where(Staff.handle == agent)) if agent is not None else None
    )
    return {
        "author": author_name(author),
        "brand": client.name,
        "client": client.name,
        "agent": staff.name if staff else (agent or ""),
        "platform": latest.platform if latest else "",
        "url": (latest.url or "") if latest else "",
    }


def log_canned_reply(
    session: Session,
    incident_id: int,
    name: str,
    *,
    by: str,
    now: datetime,
    expected_version: int | None = None,
) -> ActionResult:
    """Log the client's canned reply `name` as a public reply on this incident, filled for it and
    checked on its own: a DouseError (nothing logged) when the client has no such reply or the
    policy blocks the filled text."""
    staff = staff_by_handle(session, by)
    incident = session.get(Incident, incident_id)
    if incident is None:
        raise NotFound(f"no incident #{incident_id}")
    client = session.get(Client, incident.client_id)
    assert client is not None
    template = (client.canned_replies or {}).get(name)
    if template is None:
        raise DouseError(f"{client.slug} has no canned reply {name!r}")
    values = reply_values(session, incident_id, staff.handle)
    body = render_canned(str(template), values)
    policy = ReplyPolicy.from_dict(dict(client.reply_policy or {}))
    findings = check_reply(policy, body, platform=values["platform"] or None, public=True)
    if has_blocking(findings):
        blocking = "; ".join(f"{f.rule}: {f.message}" for f in findings if f.blocking)
        raise DouseError(f"the reply policy blocks it ({blocking})")
    return log_activity(
        session,
        incident_id,
        "public_reply",
        by=staff.handle,
        now=now,
        expected_version=expected_version,
        channel=values["platform"] or None,
        body=body,
    )

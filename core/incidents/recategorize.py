"""Filing an incident under another issue category, and teaching triage to do the same.

The incident and its posts take the category a person chose (their category reasons say who
chose it); the posts are remembered as examples (feedback.py), so the next post like them is
filed there by triage. Logged on the timeline; nothing is erased.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from douse.core.db.models import Activity, Client, IncidentMention, Mention
from douse.core.errors import DouseError
from douse.core.incidents.categories import client_categories
from douse.core.incidents.feedback import MAX_POSTS_PER_DECISION, remember_category
from douse.core.incidents.regroup import brand_stems
from douse.core.incidents.workflow import (
    ActionResult,
    _flush,
    _result,
    _touch,
    load_incident,
    staff_by_handle,
)


def set_category(
    session: Session,
    incident_id: int,
    category: str,
    *,
    by: str,
    now: datetime,
    expected_version: int | None = None,
) -> ActionResult:
    staff = staff_by_handle(session, by)
    incident = load_incident(session, incident_id, expected_version)
    client = session.get(Client, incident.client_id)
    assert client is not None
    known = client_categories(client)
    name = category.strip().lower()
    if name not in known:
        raise DouseError(
            f"{client.slug} has no category {category!r}; use one of: {', '.join(sorted(known))}"
        )
    before = incident.category
    if before == name:
        raise DouseError(f"#{incident.id} is already filed under {known[name]}")
    reason = f"{known[name].lower()}: filed by {staff.handle} at {now:%Y-%m-%d %H:%M} UTC"
    mention_ids = list(
        session.scalars(
            select(IncidentMention.mention_id).where(IncidentMention.incident_id == incident.id)
        )
    )
    session.execute(
        update(Mention)
        .where(Mention.id.in_(mention_ids), Mention.sentiment_label != "positive")
        .values(category=name, category_reason=reason)
        .execution_options(synchronize_session=False)
    )
    ignore = brand_stems(client)
    examples = session.scalars(
        select(Mention)
        .where(Mention.id.in_(mention_ids), Mention.sentiment_label != "positive")
        .order_by(Mention.published_at, Mention.id)
        .limit(MAX_POSTS_PER_DECISION)
    )
    for mention in examples:
        remember_category(
            session, client.id, mention, name, staff_id=staff.id, now=now, ignore=ignore
        )
    incident.category = name
    was = known.get(before or "", before or "no category")
    activity = Activity(
        incident_id=incident.id,
        kind="category_change",
        staff_id=staff.id,
        at=now,
        body=f"filed under {known[name]} (was {was})",
        details={"from": before, "to": name},
    )
    session.add(activity)
    _touch(incident, staff, now)
    _flush(session, incident)
    return _result(session, incident, activity)

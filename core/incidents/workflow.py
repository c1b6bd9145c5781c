"""What staff do to an incident: log outreach, change status, assign, set severity, merge, split.

Every action takes `expected_version` (the `Incident.version` the person was looking at). A
mismatch is a ConflictError naming who changed it and when; SQLAlchemy's version counter also
catches the race between two flushes. Nothing is overwritten and nothing is lost.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import Connection, Engine, bindparam, delete, func, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified
from sqlalchemy.orm.exc import StaleDataError

from douse.core.db.models import (
    ACTIVITY_KINDS,
    INCIDENT_STATUSES,
    SEVERITIES,
    Account,
    Activity,
    Client,
    Incident,
    IncidentMention,
    Mention,
    RepairCheck,
    Staff,
)
from douse.core.errors import ConflictError, DouseError, NotFound
from douse.core.incidents import clocks, regroup
from douse.core.incidents.notify import notify
from douse.core.incidents.severity import assess, level
from douse.core.incidents.snapshots import remember, snapshot
from douse.core.incidents.text import ignore_stems, significant_terms
from douse.core.incidents.triage import MAX_TERMS
from douse.core.policy import ReplyPolicy
from douse.core.policy import gate as policy_gate
from douse.core.text import inert, mention_ref, strip_controls

# A public reply or a private contact is the first response.
RESPONSE_KINDS = ("public_reply", "private_message", "email", "phone_call")
# Recorded by the engine itself, not logged by hand.
SYSTEM_KINDS = (
    "assignment",
    "status_change",
    "severity_change",
    "merge",
    "split",
    "repair_check",
    "category_change",
    "approval",  # written by core.send.approvals, step by step
)
LOGGABLE_KINDS = tuple(k for k in ACTIVITY_KINDS if k not in SYSTEM_KINDS)
OFFER_TYPES = ("refund", "discount", "tutorial", "fix", "replacement", "voucher", "other")
REPAIR_CHECK_DELAY = timedelta(hours=24)

TRANSITIONS: dict[str, tuple[str, ...]] = {
    "new": ("acknowledged", "in_progress", "waiting_customer", "resolved", "closed", "monitor"),
    "acknowledged": ("in_progress", "waiting_customer", "resolved", "closed", "monitor"),
    "in_progress": ("waiting_customer", "resolved", "closed", "monitor"),
    "waiting_customer": ("in_progress", "resolved", "closed"),
    "resolved": ("closed", "in_progress"),
    "closed": ("in_progress",),
    "monitor": ("acknowledged", "in_progress", "resolved", "closed"),
}


@dataclass(frozen=True)
class ActionResult:
    """What the screen needs after an action: the new version to send with the next one."""

    incident_id: int
    version: int
    status: str
    owner_handle: str | None
    activity_id: int | None


# Built once: every action names who acts, and building the statement cost more than running
# it (260 -> 116 us a lookup; the demo's month makes about 10,000).
_STAFF_BY_HANDLE = select(Staff).where(func.lower(Staff.handle) == bindparam("handle"))


def staff_by_handle(session: Session, handle: str | None) -> Staff:
    if not handle:
        raise DouseError("say who is acting: --by STAFF (or --as / DOUSE_ME)")
    person = session.scalar(_STAFF_BY_HANDLE, {"handle": handle.lower()})
    if person is None:
        raise NotFound(f"no staff member with handle {handle!r}")
    return person


def load_incident(session: Session, incident_id: int, expected_version: int | None) -> Incident:
    """The incident, checked against the version the caller saw."""
    incident = session.get(Incident, incident_id, populate_existing=True)
    if incident is None:
        raise NotFound(f"no incident #{incident_id}")
    if expected_version is not None and incident.version != expected_version:
        raise _conflict(session, incident)
    return incident


def _conflict(session: Session, incident: Incident) -> ConflictError:
    """One line naming who changed the incident, when, and what their latest entry was."""
    who = "douse (a new mention or the scheduler)"
    if incident.updated_by_id is not None:
        person = session.get(Staff, incident.updated_by_id)
        who = person.handle if person else who
    when = f"{incident.updated_at:%Y-%m-%d %H:%M} UTC" if incident.updated_at else "an unknown time"
    what = ""
    with session.no_autoflush:
        latest = session.scalar(
            select(Activity)
            .where(Activity.incident_id == incident.id)
            .order_by(Activity.id.desc())
            .limit(1)
        )
    # Only when that entry is the changer's own: a mention's arrival leaves no entry.
    changer = incident.updated_by_id
    if latest is not None and changer is not None and latest.staff_id == changer:
        said = inert(latest.body or "", 60)
        what = f" ({latest.kind.replace('_', ' ')}{': ' + said if said else ''})"
    return ConflictError(
        f"incident {incident.id} was changed by {who} at {when}{what}; reload and try again"
    )


def _touch(incident: Incident, staff: Staff, now: datetime) -> None:
    incident.updated_at = now
    incident.updated_by_id = staff.id
    # Even when nothing else changes (a note by the last editor within the same instant), the
    # row is written, so its version is checked and stepped: one winner per version, always.
    flag_modified(incident, "updated_at")


def _flush(session: Session, incident: Incident) -> None:
    """Write the change; a row that moved under us since it was read is a ConflictError.

    The session is left for its caller's `sessions.begin()` to roll back: rolling back here
    would close the transaction the caller's context manager still owns. Who won the race is
    read through a session of its own."""
    incident_id = incident.id  # read now: a failed flush expires every loaded attribute
    try:
        session.flush()
    except StaleDataError:
        raise _stale_conflict(session, incident_id) from None


def _stale_conflict(session: Session, incident_id: int) -> ConflictError:
    bind = session.get_bind()
    return stale_conflict(bind.engine if isinstance(bind, Connection) else bind, incident_id)


def stale_conflict(engine: Engine, incident_id: int) -> ConflictError:
    """The ConflictError for a write that found the incident at a newer version than it read;
    who won is read through a session of its own (the losing one must only roll back)."""
    try:
        with Session(engine) as fresh:
            current = fresh.get(Incident, incident_id)
            if current is not None:
                return _conflict(fresh, current)
    except SQLAlchemyError:
        pass  # the database is busy or gone: the conflict is still the news
    return ConflictError(
        f"incident {incident_id} was changed by someone else meanwhile; reload and try again"
    )


def _result(session: Session, incident: Incident, activity: Activity | None) -> ActionResult:
    owner = session.get(Staff, incident.owner_id) if incident.owner_id else None
    return ActionResult(
        incident.id,
        incident.version,
        incident.status,
        owner.handle if owner else None,
        activity.id if activity else None,
    )


def _amount(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        raise DouseError(f"amount must be a number, got {value!r}") from None
    if not amount.is_finite() or amount < 0 or amount >= Decimal("1e10"):
        raise DouseError(f"amount must be a positive number, got {value!r}")
    return amount.quantize(Decimal("0.01"))


def log_activity(
    session: Session,
    incident_id: int,
    kind: str,
    *,
    by: str,
    now: datetime,
    expected_version: int | None = None,
    channel: str | None = None,
    body: str = "",
    outcome: str | None = None,
    amount: Any = None,
    currency: str | None = None,
    offer: str | None = None,
    corrects_id: int | None = None,
    at: datetime | None = None,
    details: Mapping[str, Any] | None = None,
    override: str | None = None,
) -> ActionResult:
    """Append one outreach entry and apply what it means for the clocks and the repair.

    Every entry passes the client's reply policy gate (core.policy.gate): one that the policy
    blocks raises PolicyBlocked (a DouseError carrying the findings) and nothing is written,
    unless `override` gives the reason it is recorded anyway; who overrode what and why is then
    kept in the entry's details["policy"]."""
    if kind not in LOGGABLE_KINDS:
        raise DouseError(f"unknown activity kind {kind!r}; use one of: {', '.join(LOGGABLE_KINDS)}")
    # Typed or pasted text stays inert like internet text: an ESC or BEL pasted into a note
    # would otherwise travel into every CSV and HTML export of the log.
    body = strip_controls(body)
    channel = inert(channel, 32) or None if channel is not None else None
    outcome = strip_controls(outcome) if outcome is not None else None
    at = at or now
    if at > now:
        raise DouseError("an activity cannot be logged in the future")
    staff = staff_by_handle(session, by)
    incident = load_incident(session, incident_id, expected_version)
    client = session.get(Client, incident.client_id)
    assert client is not None
    extra: dict[str, Any] = dict(details or {})
    money = _amount(amount)
    if kind == "offer_made":
        if offer not in OFFER_TYPES:
            raise DouseError(f"an offer needs --offer, one of: {', '.join(OFFER_TYPES)}")
        extra["offer"] = offer
        if money is not None and not currency:
            currency = str((client.reply_policy or {}).get("currency") or "GBP")
    elif offer is not None:
        raise DouseError("--offer only goes with --kind offer_made")
    if currency is not None and (len(currency) != 3 or not currency.isalpha()):
        raise DouseError(f"currency must be a 3-letter code like GBP, got {currency!r}")
    if kind == "correction" and corrects_id is None:
        raise DouseError("a correction must name the entry it corrects (--corrects ID)")
    if corrects_id is not None:
        target = session.get(Activity, corrects_id)
        if target is None or target.incident_id != incident.id:
            raise NotFound(f"no activity #{corrects_id} on incident #{incident.id}")
    # Only the gate writes the policy record: a caller cannot pass an override in as details.
    extra.pop("policy", None)
    policy = ReplyPolicy.from_dict(client.reply_policy)
    record = policy_gate(
        policy,
        kind,
        body,
        by=staff.handle,
        at=now,
        platform=reply_platform(session, incident, policy, channel),
        amount=money,
        currency=currency or (policy.currency if money is not None else None),
        override=override,
    )
    if record is not None:
        extra["policy"] = record
    activity = Activity(
        incident_id=incident.id,
        kind=kind,
        channel=channel,
        staff_id=staff.id,
        at=at,
        body=body,
        outcome=outcome,
        amount=money,
        currency=currency.upper() if currency else None,
        details=extra,
        corrects_id=corrects_id,
    )
    session.add(activity)
    _apply_effects(session, incident, client, staff, kind, at, now)
    _touch(incident, staff, now)
    _flush(session, incident)
    return _result(session, incident, activity)


def reply_platform(
    session: Session, incident: Incident, policy: ReplyPolicy, channel: str | None
) -> str | None:
    """Where a reply goes, for its length limit: the channel when the policy knows it as a
    platform ("x", "mastodon"), else the platform of the account the incident concerns. A
    Mastodon account's instance is named too ("mastodon:fosstodon.org"): instances differ."""
    account = session.get(Account, incident.account_id) if incident.account_id else None
    platform = channel if channel else (account.platform if account else None)
    if not platform or policy.limit_for(platform) is None:
        return None  # "email", "dm", "phone": no platform length applies
    if account is not None and account.platform == platform and ":" not in platform:
        instance = mastodon_instance(account.handle, account.url)
        if platform == "mastodon" and instance:
            return f"{platform}:{instance}"
    return platform


def mastodon_instance(handle: str, url: str | None) -> str | None:
    """ "fosstodon.org" for "@brand@fosstodon.org" or "https://fosstodon.org/@brand"."""
    parts = handle.lstrip("@").split("@")
    if len(parts) == 2 and "." in parts[1]:
        return parts[1].lower()
    if url:
        host = urlsplit(url).hostname
        return host.lower() if host else None
    return None


def _apply_effects(
    session: Session,
    incident: Incident,
    client: Client,
    staff: Staff,
    kind: str,
    at: datetime,
    now: datetime,
) -> None:
    if kind in RESPONSE_KINDS:
        clocks.on_response(incident, at)
        if incident.status in ("new", "acknowledged"):
            _set_status(session, incident, client, staff, "in_progress", now, "first response")
    elif kind == "customer_replied":
        if incident.status == "waiting_customer":
            _set_status(session, incident, client, staff, "in_progress", now, "customer replied")
        clocks.on_customer_reply(incident, client, at)
    elif kind == "asked_to_update":
        incident.repair_status = "asked"
        mention_id = session.scalar(
            select(IncidentMention.mention_id)
            .join(Mention, Mention.id == IncidentMention.mention_id)
            .where(IncidentMention.incident_id == incident.id, Mention.url.is_not(None))
            .order_by(Mention.published_at, Mention.id)
            .limit(1)
        )
        if mention_id is not None:
            session.add(
                RepairCheck(
                    incident_id=incident.id,
                    mention_id=mention_id,
                    due_at=now + REPAIR_CHECK_DELAY,
                )
            )
    elif kind == "post_updated":
        incident.repair_status = "updated"
    elif kind == "post_removed":
        incident.repair_status = "removed"
    elif kind == "positive_follow_up":
        incident.repair_status = incident.repair_status or "followed_up"
    if incident.acknowledged_at is None and kind != "correction":
        incident.acknowledged_at = at


def _set_status(
    session: Session,
    incident: Incident,
    client: Client,
    staff: Staff | None,
    status: str,
    now: datetime,
    note: str,
    details: Mapping[str, Any] | None = None,
) -> Activity:
    before = incident.status
    if status == before:
        raise DouseError(f"incident #{incident.id} is already {status}")
    if status not in TRANSITIONS[before]:
        allowed = ", ".join(TRANSITIONS[before])
        hint = ""
        if before == "monitor" and status == "new":
            # What a person means is "take the troll flag's move back": that restores it whole.
            hint = "; to take back a troll flag's move, unflag the author or `douse undo`"
        raise DouseError(
            f"incident #{incident.id} cannot go from {before} to {status} ({allowed}){hint}"
        )
    if before == "waiting_customer":
        clocks.resume(incident, client, now)
    incident.status = status
    if status == "acknowledged":
        incident.acknowledged_at = incident.acknowledged_at or now
    elif status == "waiting_customer":
        clocks.pause(incident, now)
    elif status == "resolved":
        incident.resolved_at = now
    elif status == "closed":
        incident.closed_at = now
    elif status == "monitor":
        incident.kind = "monitor" if incident.kind == "mention" else incident.kind
    elif status == "in_progress" and before in ("resolved", "closed"):
        clocks.restart_after_reopen(incident, client, now)
    if status == "in_progress" and before == "monitor" and incident.first_response_due_at is None:
        clocks.start_clocks(incident, client, now)
    clocks.sync_due(incident)
    activity = Activity(
        incident_id=incident.id,
        kind="status_change",
        staff_id=staff.id if staff else None,
        at=now,
        body=f"{before} -> {status}" + (f": {note}" if note else ""),
        details={**(details or {}), "from": before, "to": status},
    )
    session.add(activity)
    return activity


def change_status(
    session: Session,
    incident_id: int,
    status: str,
    *,
    by: str,
    now: datetime,
    expected_version: int | None = None,
    note: str = "",
    resolution: str | None = None,
    details: Mapping[str, Any] | None = None,
) -> ActionResult:
    """details: kept on the status-change entry; {"troll_author": id} marks a move to monitor
    made by flagging that author, which unflagging restores (core.authors)."""
    if status not in INCIDENT_STATUSES:
        raise DouseError(f"unknown status {status!r}; use one of: {', '.join(INCIDENT_STATUSES)}")
    resolution = (resolution or "").strip() or None
    if status == "resolved" and not (resolution or note.strip()):
        raise DouseError("say how it was resolved: a resolution note is required (--resolution)")
    staff = staff_by_handle(session, by)
    incident = load_incident(session, incident_id, expected_version)
    client = session.get(Client, incident.client_id)
    assert client is not None
    before = snapshot(incident)
    activity = _set_status(session, incident, client, staff, status, now, note, details)
    if status == "resolved":
        incident.resolution = resolution or note.strip()
    elif resolution:
        incident.resolution = resolution
    _touch(incident, staff, now)
    _flush(session, incident)
    action = "troll" if details and details.get("troll_author") else "status"
    remember(session, incident, activity, action, staff, now, before)
    return _result(session, incident, activity)


def assign(
    session: Session,
    incident_id: int,
    to: str,
    *,
    by: str,
    now: datetime,
    expected_version: int | None = None,
    reason: str = "",
) -> ActionResult:
    staff = staff_by_handle(session, by)
    target = staff_by_handle(session, to)
    if not target.active:
        raise DouseError(f"{target.handle} is no longer active")
    incident = load_incident(session, incident_id, expected_version)
    if incident.owner_id == target.id:
        raise DouseError(f"incident #{incident.id} is already assigned to {target.handle}")
    state = snapshot(incident)
    before = session.get(Staff, incident.owner_id) if incident.owner_id else None
    incident.owner_id = target.id
    note = f"{before.handle if before else 'nobody'} -> {target.handle}"
    if target.away:
        note += f" ({target.handle} is marked away)"
    activity = Activity(
        incident_id=incident.id,
        kind="assignment",
        staff_id=staff.id,
        at=now,
        body=f"{note}: {reason}" if reason else note,
        details={"from": before.handle if before else None, "to": target.handle},
    )
    session.add(activity)
    _touch(incident, staff, now)
    _flush(session, incident)
    remember(session, incident, activity, "assign", staff, now, state)
    return _result(session, incident, activity)


def set_severity(
    session: Session,
    incident_id: int,
    severity: str,
    *,
    by: str,
    now: datetime,
    expected_version: int | None = None,
    reason: str = "",
) -> ActionResult:
    """A person's judgement of severity; triage never lowers it afterwards."""
    if severity not in SEVERITIES:
        raise DouseError(f"unknown severity {severity!r}; use one of: {', '.join(SEVERITIES)}")
    if not reason.strip():
        raise DouseError("say why the severity changes (--reason)")
    staff = staff_by_handle(session, by)
    incident = load_incident(session, incident_id, expected_version)
    client = session.get(Client, incident.client_id)
    assert client is not None
    before = incident.severity
    if before == severity:
        raise DouseError(f"incident #{incident.id} is already {severity}")
    state = snapshot(incident)
    incident.severity = severity
    incident.severity_reasons = [
        *incident.severity_reasons,
        f"set to {severity} by {staff.handle}: {inert(reason, 200)}",
    ]
    if level(severity) > level(before):
        clocks.tighten_for_severity(incident, client, now)
    if severity == "critical":
        # A person's "this is critical" must reach the desk and the webhook like triage's does.
        notify(session, incident, "critical", f"#{incident.id} is critical: {incident.title}", now)
    activity = Activity(
        incident_id=incident.id,
        kind="severity_change",
        staff_id=staff.id,
        at=now,
        body=reason,
        details={"from": before, "to": severity},
    )
    session.add(activity)
    _touch(incident, staff, now)
    _flush(session, incident)
    remember(session, incident, activity, "severity", staff, now, state)
    return _result(session, incident, activity)


def _judgements(reasons: Sequence[str] | None) -> list[str]:
    """The latest "set to LEVEL by STAFF: why" a person wrote into these reasons, if any."""
    return [r for r in reasons or () if str(r).startswith("set to ")][-1:]


def _reassess(
    session: Session,
    incident: Incident,
    client: Client,
    *,
    floor: str = "low",
    keep: Sequence[str] = (),
) -> None:
    """Recount mentions and authors and re-judge severity after mentions moved.

    Severity never drops below `floor` (what the incident already was, or a person set), and the
    people's judgements in `keep` stay among the reasons so the floor still says whose it is.
    """
    evidence = regroup.evidence(session, incident, client)
    incident.mention_count = len(evidence)
    incident.summary = {}  # summed up again from its posts when triage next meets it
    if not evidence:
        return
    a = assess(evidence, floor=floor)
    reasons = list(a.reasons)
    kept = [r for r in dict.fromkeys(keep) if r not in reasons]
    if (
        reasons
        and reasons[-1] == f"kept at {floor} as set earlier"
        and any(r.startswith(f"set to {floor} by ") for r in kept)
    ):
        reasons.pop()  # the person's own words say it better
    incident.severity = a.severity
    incident.severity_reasons = reasons + kept
    incident.distinct_authors = a.distinct_authors
    incident.is_pattern = a.is_pattern
    if incident.kind in ("mention", "pattern"):
        incident.kind = "pattern" if a.is_pattern else "mention"
    incident.last_customer_at = max(e.published_at for e in evidence)


def _merge_terms(current: Sequence[str], new: Sequence[str]) -> list[str]:
    """As triage keeps them: words shared with the newcomer first, then the rest, capped."""
    incoming = set(new)
    shared = [t for t in current if t in incoming]
    rest = [t for t in current if t not in incoming]
    extra = [t for t in dict.fromkeys(new) if t not in set(current)]
    return (shared + rest + extra)[:MAX_TERMS]


def _terms_from_mentions(session: Session, incident: Incident, client: Client) -> list[str]:
    """The incident's shared words built from its mentions, oldest first, the way triage does."""
    ignore = ignore_stems([client.name, client.slug, *(client.keywords or [])])
    terms: list[str] = []
    for m in session.scalars(
        select(Mention)
        .join(IncidentMention, IncidentMention.mention_id == Mention.id)
        .where(IncidentMention.incident_id == incident.id)
        .order_by(Mention.published_at, Mention.id)
    ):
        words = significant_terms(f"{m.title}\n{m.text}" if m.title else m.text, ignore)
        terms = _merge_terms(terms, words) if terms else words[:MAX_TERMS]
    return terms


def _after_rise(
    session: Session, incident: Incident, client: Client, before: str, now: datetime
) -> None:
    """Tighter targets and the critical alert when re-judging raised the severity."""
    if level(incident.severity) <= level(before) or incident.status == "monitor":
        return
    clocks.tighten_for_severity(incident, client, now)
    if incident.severity == "critical":
        notify(session, incident, "critical", f"#{incident.id} is critical: {incident.title}", now)


def merge_incidents(
    session: Session,
    target_id: int,
    source_ids: Sequence[int],
    *,
    by: str,
    now: datetime,
    expected_versions: Mapping[int, int] | None = None,
) -> ActionResult:
    """Move every mention of the sources onto the target; the sources close as merged."""
    versions = dict(expected_versions or {})
    staff = staff_by_handle(session, by)
    target = load_incident(session, target_id, versions.get(target_id))
    if target.merged_into_id is not None:
        raise DouseError(f"incident #{target.id} was itself merged into #{target.merged_into_id}")
    client = session.get(Client, target.client_id)
    assert client is not None
    sources = []
    for source_id in dict.fromkeys(source_ids):
        if source_id == target_id:
            raise DouseError("an incident cannot be merged into itself")
        source = load_incident(session, source_id, versions.get(source_id))
        if source.client_id != target.client_id:
            raise DouseError(f"#{source.id} belongs to another client than #{target.id}")
        if source.merged_into_id is not None:
            raise DouseError(f"#{source.id} is already merged into #{source.merged_into_id}")
        sources.append(source)
    if not sources:
        raise DouseError("name at least one incident to merge")
    present = set(
        session.scalars(
            select(IncidentMention.mention_id).where(IncidentMention.incident_id == target.id)
        )
    )
    state: dict[str, Any] = {
        "incident": snapshot(target),
        "mentions": sorted(present),
        "sources": [{"id": src.id, "state": snapshot(src)} for src in sources],
    }
    for source in sources:
        for link in session.scalars(
            select(IncidentMention).where(IncidentMention.incident_id == source.id)
        ):
            if link.mention_id not in present:
                session.add(
                    IncidentMention(incident_id=target.id, mention_id=link.mention_id, added_at=now)
                )
                present.add(link.mention_id)
        # The source keeps its own links too: history stays readable from either side.
        source.merged_into_id = target.id
        if source.status not in ("closed",):
            source.status = "closed"
            source.closed_at = now
        source.resolution = f"merged into #{target.id}"
        source.due_at = None
        session.add(
            Activity(
                incident_id=source.id,
                kind="merge",
                staff_id=staff.id,
                at=now,
                body=f"merged into #{target.id}",
                details={"into": target.id},
            )
        )
        _touch(source, staff, now)
        target.terms = _merge_terms(target.terms or [], source.terms or [])
        for due in ("first_response_due_at", "resolution_due_at", "next_response_due_at"):
            theirs, ours = getattr(source, due), getattr(target, due)
            if theirs is not None and (ours is None or theirs < ours):
                setattr(target, due, theirs)  # the merged whole is as urgent as its most urgent
    regroup.after_merge(session, target, sources, client, staff_id=staff.id, now=now)
    session.flush()
    before = target.severity
    # The merged whole is at least as serious as the most serious part, whoever judged it.
    floor = max((target.severity, *(src.severity for src in sources)), key=level)
    keep = [r for inc in (target, *sources) for r in _judgements(inc.severity_reasons)]
    _reassess(session, target, client, floor=floor, keep=keep)
    _after_rise(session, target, client, before, now)
    clocks.sync_due(target)
    activity = Activity(
        incident_id=target.id,
        kind="merge",
        staff_id=staff.id,
        at=now,
        body="merged in " + ", ".join(f"#{s.id}" for s in sources),
        details={"from": [s.id for s in sources]},
    )
    session.add(activity)
    _touch(target, staff, now)
    _flush(session, target)
    for kept, src in zip(state["sources"], sources, strict=True):
        kept["version"] = src.version  # an undo also needs each of them untouched since
    remember(session, target, activity, "merge", staff, now, state)
    return _result(session, target, activity)


def split_incident(
    session: Session,
    incident_id: int,
    mention_ids: Sequence[int],
    *,
    by: str,
    now: datetime,
    expected_version: int | None = None,
) -> ActionResult:
    """Move some mentions to a new incident of their own (same client and owner)."""
    staff = staff_by_handle(session, by)
    incident = load_incident(session, incident_id, expected_version)
    client = session.get(Client, incident.client_id)
    assert client is not None
    wanted = set(mention_ids)
    linked = set(
        session.scalars(
            select(IncidentMention.mention_id).where(IncidentMention.incident_id == incident.id)
        )
    )
    missing = sorted(wanted - linked)
    if missing:
        raise NotFound(f"mention {mention_ref(missing[0])} is not on incident #{incident.id}")
    if not wanted or wanted == linked:
        raise DouseError("split off some of the incident's mentions, not none or all")
    state: dict[str, Any] = {"incident": snapshot(incident), "mentions": sorted(wanted)}
    first = session.scalar(
        select(Mention).where(Mention.id.in_(wanted)).order_by(Mention.published_at).limit(1)
    )
    assert first is not None
    new = Incident(
        client_id=incident.client_id,
        account_id=incident.account_id,
        kind="mention",
        title=inert(first.title or first.text, 120) or "(no text)",
        severity="low",
        status="new",
        owner_id=incident.owner_id,
        opened_at=now,
        updated_at=now,
        updated_by_id=staff.id,
        terms=[],
        category=incident.category,
    )
    session.add(new)
    session.flush()
    session.execute(
        delete(IncidentMention).where(
            IncidentMention.incident_id == incident.id, IncidentMention.mention_id.in_(wanted)
        )
    )
    for mention_id in sorted(wanted):
        session.add(IncidentMention(incident_id=new.id, mention_id=mention_id, added_at=now))
    session.flush()
    # The split-off part is judged on its own mentions; what stays never drops by itself.
    _reassess(session, new, client)
    new.terms = _terms_from_mentions(session, new, client)
    incident.terms = _terms_from_mentions(session, incident, client)
    clocks.start_clocks(new, client, now)
    if new.severity == "critical":
        notify(session, new, "critical", f"#{new.id} is critical: {new.title}", now)
    _reassess(
        session,
        incident,
        client,
        floor=incident.severity,
        keep=_judgements(incident.severity_reasons),
    )
    clocks.sync_due(incident)
    regroup.after_split(session, incident, new, sorted(wanted), client, staff_id=staff.id, now=now)
    entries = []
    for inc, body in (
        (incident, f"split {len(wanted)} mention(s) off to #{new.id}"),
        (new, f"split off from #{incident.id}"),
    ):
        entry = Activity(
            incident_id=inc.id,
            kind="split",
            staff_id=staff.id,
            at=now,
            body=body,
            details={"mentions": sorted(wanted), "from": incident.id, "to": new.id},
        )
        session.add(entry)
        entries.append(entry)
    _touch(incident, staff, now)
    _flush(session, incident)
    state["new"] = {"id": new.id, "version": new.version}
    remember(session, incident, entries[0], "split", staff, now, state)
    return _result(session, new, None)

"""Answering an incident: check the draft, route it through an approval when the client's rules
say so, then send it through the platform's API (or log it as sent by hand).

    reply(services, ReplyRequest(...)) -> SendOutcome
    approve(services, outbox_id, by=...) -> SendOutcome     (sends an approved API reply)
    return_reply(services, outbox_id, by=..., note=...) -> SendOutcome
    approval_queue(session, client_slug=None) -> list[ApprovalRow]

Nothing is posted unless a person asked for it: `reply(..., mode="send")` (the desk's send key,
`douse reply --send`) or an approver's `approve`. The policy gate runs before anything is
recorded or sent, and again (through log_activity) when the sent reply is logged.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

import httpx
from sqlalchemy import select
from sqlalchemy.orm import Session

from douse.core.db.models import (
    Account,
    Client,
    Incident,
    IncidentMention,
    Mention,
    OutboxEntry,
    Staff,
)
from douse.core.errors import DouseError, NotFound
from douse.core.incidents.drafts import discard_draft, save_draft
from douse.core.incidents.workflow import (
    load_incident,
    log_activity,
    reply_platform,
    staff_by_handle,
)
from douse.core.policy import ReplyPolicy
from douse.core.policy import gate as policy_gate
from douse.core.send import approvals
from douse.core.send.email import address_of
from douse.core.send.outbox import SendOutcome, recover, send_entry, unfinished
from douse.core.send.registry import has_api
from douse.core.send.types import EMAIL, PRIVATE, PUBLIC
from douse.core.services import Services
from douse.core.text import inert, mention_ref

MODES = ("send", "log_only")
MAX_TEXT = 10_000


@dataclass(frozen=True)
class ReplyRequest:
    incident_id: int
    text: str
    by: str
    mode: str = "send"  # "send": through the platform's API; "log_only": posted by hand
    private: bool = False
    override: str | None = None
    mention_id: int | None = None  # which post to answer (default: the incident's latest)
    email: str | None = None  # an email to this address instead of a reply on the platform
    expected_version: int | None = None
    as_email: bool = False  # an email follow-up, to the address douse knows (or `email`)


@dataclass(frozen=True)
class ReplyTarget:
    """What the desk shows before sending: which post, where, whether an API can send it."""

    incident_id: int
    mention_id: int | None
    platform: str
    link: str | None
    author: str | None
    account: str | None
    has_api: bool
    can_send: bool
    why_not: str | None

    def line(self) -> str:
        """What Ctrl+T would do, in one line for the dialog."""
        if self.can_send:
            to = f" to {self.author}" if self.author else ""
            return f"Ctrl+T replies{to} on {self.platform} as {self.account}"
        return f"Ctrl+T cannot send here: {self.why_not}"


@dataclass(frozen=True)
class ApprovalRow:
    outbox_id: int
    incident_id: int
    client_slug: str
    author: str
    platform: str
    kind: str
    mode: str
    body: str
    rules: tuple[str, ...]
    approvers: tuple[str, ...]
    state: str
    created_at: datetime
    note: str | None
    severity: str


def _mention(session: Session, incident: Incident, mention_id: int | None) -> Mention | None:
    if mention_id is not None:
        linked = session.scalar(
            select(IncidentMention).where(
                IncidentMention.incident_id == incident.id,
                IncidentMention.mention_id == mention_id,
            )
        )
        mention = session.get(Mention, mention_id) if linked else None
        if mention is None:
            raise NotFound(f"{mention_ref(mention_id)} is not on incident #{incident.id}")
        return mention
    # The customer's latest post is the one a reply answers.
    return session.scalar(
        select(Mention)
        .join(IncidentMention, IncidentMention.mention_id == Mention.id)
        .where(IncidentMention.incident_id == incident.id)
        .order_by(Mention.published_at.desc(), Mention.id.desc())
        .limit(1)
    )


def _account(session: Session, incident: Incident, platform: str) -> Account | None:
    """The account the reply goes out from: the incident's own when it is on that platform,
    else the client's account there that is set up to send."""
    if incident.account_id:
        account = session.get(Account, incident.account_id)
        if account is not None and account.platform == platform and not account.archived:
            return account
    accounts = list(
        session.scalars(
            select(Account)
            .where(
                Account.client_id == incident.client_id,
                Account.platform == platform,
                Account.archived.is_(False),
            )
            .order_by(Account.id)
        )
    )
    ready = [a for a in accounts if a.sending]
    chosen = ready or accounts
    return chosen[0] if chosen else None


def _where(
    session: Session, incident: Incident, req: ReplyRequest
) -> tuple[Mention | None, str, str, Account | None]:
    """(post answered, platform sent on, kind of entry, account sending)."""
    mention = _mention(session, incident, req.mention_id)
    if req.email is not None or req.as_email:
        if req.email is not None and address_of(req.email) is None:
            raise DouseError(f"{req.email!r} is not an email address")
        return mention, "email", EMAIL, _account(session, incident, "email")
    if mention is None:
        raise DouseError(f"incident #{incident.id} has no post to reply to")
    platform = mention.platform
    if platform == "email":
        return mention, "email", EMAIL, _account(session, incident, "email")
    kind = PRIVATE if req.private else PUBLIC
    return mention, platform, kind, _account(session, incident, platform)


def reply_target(
    session: Session, incident_id: int, *, private: bool = False, mention_id: int | None = None
) -> ReplyTarget:
    incident = load_incident(session, incident_id, None)
    req = ReplyRequest(incident_id, "", "", private=private, mention_id=mention_id)
    try:
        mention, platform, _kind, account = _where(session, incident, req)
    except DouseError as exc:
        return ReplyTarget(incident.id, None, "", None, None, None, False, False, str(exc))
    api = has_api(platform)
    why = None
    if not api:
        why = "no reply API: copy, post by hand, log"
    elif account is None:
        why = f"no {platform} account of this client"
    elif not account.sending:
        why = f"{platform} account {account.handle} is not set up to send"
    return ReplyTarget(
        incident_id=incident.id,
        mention_id=mention.id if mention else None,
        platform=platform,
        link=mention.url if mention else None,
        author=mention.author.handle if mention and mention.author else None,
        account=account.handle if account else None,
        has_api=api,
        can_send=why is None,
        why_not=why,
    )


def reply(
    services: Services,
    req: ReplyRequest,
    *,
    env: Mapping[str, str] | None = None,
    http: httpx.Client | None = None,
) -> SendOutcome:
    """Check, route and send (or log) one reply. Raises PolicyBlocked / DouseError for what a
    person must change first (nothing recorded); a platform's refusal is a "failed" outcome
    with the draft kept."""
    if req.mode not in MODES:
        raise DouseError(f"mode must be one of {', '.join(MODES)}")
    text = req.text.strip()
    if not text:
        raise DouseError("the reply is empty")
    if len(text) > MAX_TEXT:
        raise DouseError(f"a reply is limited to {MAX_TEXT:,} characters")
    # A send on this incident left unconfirmed is settled first: it may be the same reply.
    recover(services, env=env, http=http, incident_id=req.incident_id)
    now = services.clock.now()
    with services.sessions.begin() as session:
        outcome, entry_id = _plan(session, req, text, now)
    if outcome is not None:
        return outcome
    assert entry_id is not None
    return send_entry(services, entry_id, env=env, http=http)


def _plan(
    session: Session, req: ReplyRequest, text: str, now: datetime
) -> tuple[SendOutcome | None, int | None]:
    staff = staff_by_handle(session, req.by)
    incident = load_incident(session, req.incident_id, req.expected_version)
    client = session.get(Client, incident.client_id)
    assert client is not None
    waiting = unfinished(session, incident.id)
    if waiting:
        raise DouseError(
            f"a reply on incident #{incident.id} is not confirmed yet (outbox #{waiting[0]}); "
            "douse checks the platform before anything else is sent: try again in a few minutes"
        )
    mention, platform, kind, account = _where(session, incident, req)
    policy = ReplyPolicy.from_dict(client.reply_policy)
    channel = platform if kind != EMAIL else "email"
    record = policy_gate(
        policy,
        kind,
        text,
        by=staff.handle,
        at=now,
        platform=reply_platform(session, incident, policy, channel),
        override=req.override,
    )
    override = req.override if record is not None else None
    mode = "api" if req.mode == "send" else "by_hand"
    if req.mode == "send" and not has_api(platform):
        from douse.core.send.errors import NoReplyApi
        from douse.core.send.registry import PLATFORM_NAMES

        raise NoReplyApi(PLATFORM_NAMES.get(platform, platform), mention.url if mention else None)
    rules = approvals.rules_for(client, incident, staff, text)
    entry = OutboxEntry(
        key=uuid.uuid4().hex,
        incident_id=incident.id,
        client_id=client.id,
        staff_id=staff.id,
        account_id=account.id if account else None,
        mention_id=mention.id if mention else None,
        platform=platform,
        kind=kind,
        mode=mode,
        body=text,
        target={"email": req.email} if req.email else {},
        override=override,
        state="approved",
        created_at=now,
    )
    if rules:
        approvers = [h for h in approvals.approvers_of(client) if h != staff.handle]
        if not approvers:
            raise DouseError(
                f"this reply needs an approval ({'; '.join(rules)}) but {client.slug} names no "
                "approver other than you: add approvals.approvers in clients.toml"
            )
        entry.state = "awaiting_approval"
        entry.approval = {"rules": rules, "approvers": approvers}
        session.add(entry)
        session.flush()
        approvals.record_step(session, entry, "requested", staff, now)
        save_draft(
            session, incident.id, by=staff.handle, now=now, kind=kind, body=text, channel=channel
        )
        return (
            SendOutcome(
                state="awaiting_approval",
                outbox_id=entry.id,
                incident_id=incident.id,
                platform=platform,
                kind=kind,
                approvers=tuple(approvers),
                rules=tuple(rules),
            ),
            None,
        )
    session.add(entry)
    session.flush()
    if mode == "by_hand":
        activity_id = _log_by_hand(session, entry, staff, now, mention)
        return (
            SendOutcome(
                state="logged",
                outbox_id=entry.id,
                incident_id=incident.id,
                platform=platform,
                kind=kind,
                activity_id=activity_id,
                url=mention.url if mention else None,
            ),
            None,
        )
    # Kept until it is sent: a refusal leaves the text where the person can fix and resend it.
    save_draft(
        session, incident.id, by=staff.handle, now=now, kind=kind, body=text, channel=channel
    )
    return None, entry.id


def needs_approval(session: Session, incident_id: int, by: str, text: str) -> list[str]:
    """Why a reply by `by` with this text on the incident needs an approver (empty: it does
    not): what the desk asks before logging a reply posted by hand."""
    staff = staff_by_handle(session, by)
    incident = load_incident(session, incident_id, None)
    client = session.get(Client, incident.client_id)
    assert client is not None
    return approvals.rules_for(client, incident, staff, text)


def _log_by_hand(
    session: Session, entry: OutboxEntry, staff: Staff, now: datetime, mention: Mention | None
) -> int | None:
    details = {
        "sent": {
            "via": "by_hand",
            "platform": entry.platform,
            "link": mention.url if mention else None,
            "outbox": entry.id,
        }
    }
    if entry.decided_by_id:
        approver = session.get(Staff, entry.decided_by_id)
        details["sent"]["approved_by"] = approver.handle if approver else None
    result = log_activity(
        session,
        entry.incident_id,
        entry.kind,
        by=staff.handle,
        now=now,
        channel=entry.platform,
        body=entry.body,
        details=details,
        override=entry.override,
    )
    entry.state = "sent"
    entry.finished_at = now
    entry.activity_id = result.activity_id
    entry.post_url = mention.url if mention else None
    discard_draft(session, entry.incident_id, by=staff.handle)
    return result.activity_id


def _pending(session: Session, outbox_id: int, approver: Staff) -> tuple[OutboxEntry, Client]:
    entry = session.get(OutboxEntry, outbox_id)
    if entry is None:
        raise NotFound(f"no reply #{outbox_id} in the outbox")
    if entry.state != "awaiting_approval":
        raise DouseError(f"reply #{outbox_id} is {entry.state.replace('_', ' ')}, not waiting")
    client = session.get(Client, entry.client_id)
    assert client is not None
    allowed = (entry.approval or {}).get("approvers") or approvals.approvers_of(client)
    if approver.id == entry.staff_id:
        raise DouseError("a reply is approved by someone other than its author")
    if approver.handle not in allowed:
        raise DouseError(
            f"{approver.handle} does not approve replies for {client.slug} "
            f"(approvers: {', '.join(allowed)})"
        )
    return entry, client


def approve(
    services: Services,
    outbox_id: int,
    *,
    by: str,
    env: Mapping[str, str] | None = None,
    http: httpx.Client | None = None,
) -> SendOutcome:
    """The approver says yes: an API reply is sent at once (the approver pressed send); a reply
    posted by hand is logged, as its author asked when submitting it."""
    now = services.clock.now()
    with services.sessions.begin() as session:
        approver = staff_by_handle(session, by)
        entry, _client = _pending(session, outbox_id, approver)
        entry.state = "approved"
        entry.decided_by_id = approver.id
        entry.decided_at = now
        approvals.record_step(session, entry, "approved", approver, now)
        mode, incident_id = entry.mode, entry.incident_id
        if mode == "by_hand":
            staff = session.get(Staff, entry.staff_id)
            mention = session.get(Mention, entry.mention_id) if entry.mention_id else None
            activity_id = _log_by_hand(session, entry, staff, now, mention)  # type: ignore[arg-type]
            return SendOutcome(
                state="logged",
                outbox_id=entry.id,
                incident_id=incident_id,
                platform=entry.platform,
                kind=entry.kind,
                activity_id=activity_id,
            )
    return send_entry(services, outbox_id, env=env, http=http)


def return_reply(services: Services, outbox_id: int, *, by: str, note: str) -> SendOutcome:
    """The approver sends it back with a note; the author's draft stays to be reworked."""
    note = " ".join(note.split())
    if not note:
        raise DouseError("returning a reply needs a note saying what to change")
    now = services.clock.now()
    with services.sessions.begin() as session:
        approver = staff_by_handle(session, by)
        entry, _client = _pending(session, outbox_id, approver)
        entry.state = "returned"
        entry.decided_by_id = approver.id
        entry.decided_at = now
        entry.note = inert(note, 500)
        entry.finished_at = now
        approvals.record_step(session, entry, "returned", approver, now, note)
        return SendOutcome(
            state="returned",
            outbox_id=entry.id,
            incident_id=entry.incident_id,
            platform=entry.platform,
            kind=entry.kind,
            reason=entry.note,
        )


def approval_queue(
    session: Session, client_slug: str | None = None, *, approver: str | None = None
) -> list[ApprovalRow]:
    """Replies waiting for an approver, oldest first (and, for an approver, only theirs)."""
    query = (
        select(OutboxEntry, Client.slug, Staff.handle, Incident.severity)
        .join(Client, Client.id == OutboxEntry.client_id)
        .join(Staff, Staff.id == OutboxEntry.staff_id)
        .join(Incident, Incident.id == OutboxEntry.incident_id)
        .where(OutboxEntry.state == "awaiting_approval")
        .order_by(OutboxEntry.created_at, OutboxEntry.id)
    )
    if client_slug:
        if session.scalar(select(Client.id).where(Client.slug == client_slug)) is None:
            raise NotFound(f"no client {client_slug!r}")
        query = query.where(Client.slug == client_slug)
    rows = []
    for entry, slug, author, severity in session.execute(query):
        approvers = tuple((entry.approval or {}).get("approvers") or ())
        if approver and approver.lower() not in approvers:
            continue
        rows.append(
            ApprovalRow(
                outbox_id=entry.id,
                incident_id=entry.incident_id,
                client_slug=slug,
                author=author,
                platform=entry.platform,
                kind=entry.kind,
                mode=entry.mode,
                body=entry.body,
                rules=tuple((entry.approval or {}).get("rules") or ()),
                approvers=approvers,
                state=entry.state,
                created_at=entry.created_at,
                note=entry.note,
                severity=severity,
            )
        )
    return rows

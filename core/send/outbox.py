"""The outbox: every reply douse sends is recorded as intended *before* the platform is called,
and completed after, so a send cut short (a crash, kill -9, a lost connection) is found again.

States of a row (OutboxEntry.state):
    approved  ready to send (no approval needed, or an approver said yes)
    sending   the intent is recorded and the platform may have been called: unfinished
    sent      the platform's post id and URL are kept; the outreach activity is logged in the
              same transaction, which moves the response clock
    failed    with a one-line reason; the draft is kept
    awaiting_approval / returned   see core/send/approvals.py

`recover()` (run by `douse watch` every minute and by the desk at start) finishes what was left
`sending`: it looks on the platform for the reply first (Sender.find) and completes the row when
it is there; only when it is not there, and the send is recent, is it sent again, so a reply is
never posted twice and never lost. A row is looked at only once its send has had time to end
(GRACE), and a claim on `checked_at` keeps two workers off the same row.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from douse.core.db.execute import rows_changed
from douse.core.db.models import Account, Client, Mention, OutboxEntry, Staff
from douse.core.errors import DouseError
from douse.core.incidents.drafts import discard_draft
from douse.core.incidents.retry import write_incident
from douse.core.incidents.workflow import ActionResult, log_activity
from douse.core.policy import PolicyBlocked
from douse.core.send.account import AccountSetup
from douse.core.send.errors import SendError
from douse.core.send.registry import sender_for
from douse.core.send.types import Outgoing, Post, Posted, Sender
from douse.core.services import Services

log = logging.getLogger(__name__)

GRACE = timedelta(minutes=2)
"""A send younger than this may still be under way (HTTP timeouts are 20 s): not touched."""
RETRY_WINDOW = timedelta(hours=1)
"""An unfinished send not found on the platform is sent again only this soon after it was
asked for; older, it is failed with the draft kept (a reply hours late needs a person)."""


@dataclass(frozen=True)
class SendOutcome:
    """What happened to one reply. state: sent, logged, awaiting_approval, failed, unconfirmed
    (the platform may have it; douse checks before any retry)."""

    state: str
    outbox_id: int | None
    incident_id: int
    platform: str
    kind: str
    activity_id: int | None = None
    post_id: str | None = None
    url: str | None = None
    reason: str | None = None
    reason_code: str | None = None
    retry_after: float | None = None
    approvers: tuple[str, ...] = ()
    rules: tuple[str, ...] = ()

    def line(self) -> str:
        what = self.kind.replace("_", " ")
        if self.state == "sent":
            where = self.url or self.post_id
            return f"sent {what} on {self.platform}: {where} (incident #{self.incident_id})"
        if self.state == "logged":
            return f"logged {what} on incident #{self.incident_id} as sent by hand"
        if self.state == "awaiting_approval":
            who = ", ".join(self.approvers) or "an approver"
            return (
                f"waiting for approval by {who} (outbox #{self.outbox_id}: "
                f"{'; '.join(self.rules)}); nothing was sent"
            )
        if self.state == "unconfirmed":
            return f"not confirmed: {self.reason}; the draft is kept"
        return f"not sent: {self.reason}; the draft is kept"


@dataclass(frozen=True)
class Recovered:
    outbox_id: int
    incident_id: int
    outcome: str  # found, resent, failed, waiting
    detail: str = ""


def account_setup(
    session: Session, account_id: int | None, env: Mapping[str, str] | None
) -> AccountSetup | None:
    import os

    account = session.get(Account, account_id) if account_id else None
    if account is None:
        return None
    return AccountSetup(
        platform=account.platform,
        handle=account.handle,
        url=account.url,
        sending=dict(account.sending or {}),
        env=os.environ if env is None else env,
    )


def post_of(session: Session, mention_id: int | None, extra: Mapping[str, Any]) -> Post:
    mention = session.get(Mention, mention_id) if mention_id else None
    raw = dict(mention.raw or {}) if mention is not None else {}
    if extra.get("email"):
        raw["email"] = extra["email"]
    author = None
    if mention is not None and mention.author is not None:
        author = mention.author.handle
    return Post(
        platform=mention.platform if mention is not None else str(extra.get("platform") or ""),
        external_id=mention.external_id if mention is not None else None,
        url=mention.url if mention is not None else None,
        author=author,
        title=mention.title if mention is not None else "",
        raw=raw,
    )


def _held(session: Session, entry_id: int) -> OutboxEntry:
    """An entry this send or recovery already holds (outbox rows are never deleted)."""
    entry = session.get(OutboxEntry, entry_id)
    if entry is None:
        raise DouseError(f"no outbox entry #{entry_id}")
    return entry


def outgoing(entry: OutboxEntry) -> Outgoing:
    return Outgoing(
        key=entry.key,
        kind=entry.kind,
        text=entry.body,
        target=dict(entry.target or {}),
        attempted_at=entry.attempted_at,
    )


def _outcome(entry: OutboxEntry, state: str, **kw: Any) -> SendOutcome:
    return SendOutcome(
        state=state,
        outbox_id=entry.id,
        incident_id=entry.incident_id,
        platform=entry.platform,
        kind=entry.kind,
        **kw,
    )


def complete(
    session: Session, entry: OutboxEntry, posted: Posted, now: datetime, *, recovered: bool = False
) -> int | None:
    """Mark the row sent and log the outreach (moving the clock) in the caller's transaction."""
    staff = session.get(Staff, entry.staff_id)
    assert staff is not None
    entry.state = "sent"
    entry.post_id = posted.post_id[:500]
    entry.post_url = posted.url[:2000] if posted.url else None
    entry.finished_at = now
    entry.reason = None
    details = {
        "sent": {
            "via": "api",
            "platform": entry.platform,
            "post_id": entry.post_id,
            "url": entry.post_url,
            "outbox": entry.id,
            "key": entry.key,
            **({"recovered": True} if recovered else {}),
        }
    }
    if entry.approval and entry.decided_by_id:
        approver = session.get(Staff, entry.decided_by_id)
        details["sent"]["approved_by"] = approver.handle if approver else None
    when = min(entry.attempted_at or now, now)

    def log(override: str | None) -> ActionResult:
        return log_activity(
            session,
            entry.incident_id,
            entry.kind,
            by=staff.handle,
            now=now,
            at=when,
            channel=entry.platform,
            body=entry.body,
            details=details,
            override=override,
        )

    try:
        result = log(entry.override)
    except PolicyBlocked:
        # It is out already: the log must say so even if the policy changed since it was sent.
        result = log("sent before the reply policy was changed to block it")
    entry.activity_id = result.activity_id
    discard_draft(session, entry.incident_id, by=staff.handle)
    return result.activity_id


def fail(session: Session, entry: OutboxEntry, error: SendError | str, now: datetime) -> None:
    entry.state = "failed"
    entry.reason = str(error)[:1000]
    entry.finished_at = now
    retry = getattr(error, "retry_after", None)
    entry.retry_after = now + timedelta(seconds=retry) if retry else None


def send_entry(
    services: Services,
    entry_id: int,
    *,
    env: Mapping[str, str] | None = None,
    http: httpx.Client | None = None,
) -> SendOutcome:
    """Send one ready (approved) row: prepare, record the intent, call the platform, complete."""
    from douse.core.send.http import new_client

    own_http = http is None
    client = http or new_client()
    try:
        return _send_entry(services, entry_id, env, client)
    finally:
        if own_http:
            client.close()


def _send_entry(
    services: Services, entry_id: int, env: Mapping[str, str] | None, http: httpx.Client
) -> SendOutcome:
    now = services.clock.now()
    with services.sessions.begin() as session:
        entry = session.get(OutboxEntry, entry_id)
        if entry is None:
            raise DouseError(f"no outbox entry #{entry_id}")
        if entry.state != "approved":
            raise DouseError(f"outbox #{entry_id} is {entry.state.replace('_', ' ')}, not ready")
        account = account_setup(session, entry.account_id, env)
        post = post_of(session, entry.mention_id, entry.target or {})
    try:
        sender = sender_for(account, entry.platform, http, post.url)
        prepared = _guarded(sender.prepare, post, entry.kind, entry.key, now)
        target = {**(entry.target or {}), **prepared}
    except SendError as exc:
        with services.sessions.begin() as session:
            entry = _held(session, entry_id)
            fail(session, entry, exc, now)
            return _outcome(
                entry,
                "failed",
                reason=str(exc),
                reason_code=exc.reason,
                retry_after=exc.retry_after,
            )
    with services.sessions.begin() as session:
        # The intent, written before the platform is called. The condition claims the row: a
        # second desk pressing send on the same approved reply finds it taken.
        claimed = rows_changed(
            session,
            update(OutboxEntry)
            .where(OutboxEntry.id == entry_id, OutboxEntry.state == "approved")
            .values(
                state="sending",
                target=target,
                attempted_at=now,
                attempts=OutboxEntry.attempts + 1,
            ),
        )
        if claimed != 1:
            raise DouseError(f"outbox #{entry_id} is already being sent by someone else")
    with services.sessions() as session:
        entry = _held(session, entry_id)
        out = outgoing(entry)
    return _attempt(services, entry_id, sender, out)


def _attempt(services: Services, entry_id: int, sender: Sender, out: Outgoing) -> SendOutcome:
    try:
        posted = _guarded(sender.send, out)
    except SendError as exc:
        now = services.clock.now()
        with services.sessions.begin() as session:
            entry = _held(session, entry_id)
            if exc.maybe_sent:
                entry.reason = str(exc)[:1000]  # stays `sending`: recover() checks the platform
                return _outcome(entry, "unconfirmed", reason=str(exc), reason_code=exc.reason)
            fail(session, entry, exc, now)
            return _outcome(
                entry,
                "failed",
                reason=str(exc),
                reason_code=exc.reason,
                retry_after=exc.retry_after,
            )
    now = services.clock.now()

    def record(session: Session) -> SendOutcome:
        entry = _held(session, entry_id)
        activity_id = complete(session, entry, posted, now)
        return _outcome(
            entry, "sent", activity_id=activity_id, post_id=entry.post_id, url=entry.post_url
        )

    # It is out: a colleague's edit landing at the same moment must not lose the record of it.
    return write_incident(services.sessions, record, pinned=False)


def _guarded(call: Any, *args: Any) -> Any:
    """A platform's answer in a shape the sender did not expect (a missing field) is the
    platform's failure, said in one line; the send may have happened, so it is checked."""
    try:
        return call(*args)
    except SendError:
        raise
    except (KeyError, TypeError, ValueError, AttributeError, IndexError) as exc:
        log.exception("a platform answer was not understood")
        raise SendError(
            "server",
            f"the platform's answer was not understood ({type(exc).__name__}); douse checks "
            "whether it was posted before any retry",
            maybe_sent=True,
        ) from None


def unfinished(session: Session, incident_id: int | None = None) -> list[int]:
    query = select(OutboxEntry.id).where(OutboxEntry.state == "sending").order_by(OutboxEntry.id)
    if incident_id is not None:
        query = query.where(OutboxEntry.incident_id == incident_id)
    return list(session.scalars(query))


def recover(
    services: Services,
    *,
    now: datetime | None = None,
    env: Mapping[str, str] | None = None,
    http: httpx.Client | None = None,
    incident_id: int | None = None,
    grace: timedelta = GRACE,
) -> list[Recovered]:
    """Finish sends left unfinished: found on the platform -> completed and logged; not found
    and recent -> sent again (same key); not found and old, or not checkable -> failed."""
    from douse.core.send.http import new_client

    now = services.clock.now() if now is None else now
    with services.sessions() as session:
        # Read first: the desk and every reply call this, and there is usually nothing to do.
        stale = _stale_ready(session, now, grace)
        ids = unfinished(session, incident_id)
    if stale:
        with services.sessions.begin() as session:
            _drop_stale_ready(session, now, grace)
    if not ids:
        return []
    own_http = http is None
    client = http or new_client()
    results: list[Recovered] = []
    try:
        for entry_id in ids:
            try:
                result = _recover_one(services, entry_id, now, env, client, grace)
            except SendError as exc:
                result = None
                log.warning("outbox #%s: could not check the platform: %s", entry_id, exc)
            except Exception:
                # One odd answer must not keep the other sends from being settled.
                result = None
                log.exception("outbox #%s: checking the platform failed", entry_id)
            if result is not None:
                results.append(result)
    finally:
        if own_http:
            client.close()
    return results


def _stale_ready(session: Session, now: datetime, grace: timedelta) -> bool:
    return (
        session.scalar(
            select(OutboxEntry.id)
            .where(
                OutboxEntry.state == "approved",
                OutboxEntry.decided_by_id.is_(None),
                OutboxEntry.created_at < now - grace,
            )
            .limit(1)
        )
        is not None
    )


def _drop_stale_ready(session: Session, now: datetime, grace: timedelta) -> None:
    """A row left `approved` without an approval by a process that stopped before it called the
    platform: nothing was posted; the draft is kept."""
    session.execute(
        update(OutboxEntry)
        .where(
            OutboxEntry.state == "approved",
            OutboxEntry.decided_by_id.is_(None),
            OutboxEntry.created_at < now - grace,
        )
        .values(
            state="failed",
            reason="douse stopped before sending it; nothing was posted",
            finished_at=now,
        )
    )


def _recover_one(
    services: Services,
    entry_id: int,
    now: datetime,
    env: Mapping[str, str] | None,
    http: httpx.Client,
    grace: timedelta,
) -> Recovered | None:
    with services.sessions.begin() as session:
        entry = session.get(OutboxEntry, entry_id)
        if entry is None or entry.state != "sending":
            return None
        started = entry.attempted_at or entry.created_at
        if started > now - grace:
            return None  # may still be under way
        if entry.checked_at is not None and entry.checked_at > now - grace:
            return None  # another worker is on it
        claimed = session.execute(
            update(OutboxEntry)
            .where(
                OutboxEntry.id == entry_id,
                OutboxEntry.state == "sending",
                or_(OutboxEntry.checked_at.is_(None), OutboxEntry.checked_at == entry.checked_at),
            )
            .values(checked_at=now)
        )
        if getattr(claimed, "rowcount", 0) != 1:
            return None
        account = account_setup(session, entry.account_id, env)
        post = post_of(session, entry.mention_id, entry.target or {})
        out = outgoing(entry)
        incident_id, created = entry.incident_id, entry.created_at
    sender = sender_for(account, out_platform(services, entry_id), http, post.url)
    if not sender.checkable:
        with services.sessions.begin() as session:
            entry = _held(session, entry_id)
            fail(
                session,
                entry,
                f"douse stopped during the send and cannot look into a mailbox, so it did not "
                f"send it again: look for Message-ID <douse-{entry.key}@…> in the sent mail, "
                "then log it by hand or send it again",
                now,
            )
        return Recovered(entry_id, incident_id, "failed", "cannot be checked")
    found = sender.find(out)
    if found is not None:
        with services.sessions.begin() as session:
            entry = _held(session, entry_id)
            complete(session, entry, found, now, recovered=True)
        return Recovered(entry_id, incident_id, "found", found.url or found.post_id)
    if now - created > RETRY_WINDOW:
        with services.sessions.begin() as session:
            entry = _held(session, entry_id)
            fail(
                session,
                entry,
                "not posted (checked on the platform); it was asked for over an hour ago, so "
                "douse does not send it on its own",
                now,
            )
        return Recovered(entry_id, incident_id, "failed", "too old to send on its own")
    with services.sessions.begin() as session:
        entry = _held(session, entry_id)
        entry.attempts += 1
        if not sender.resend_is_safe:
            entry.attempted_at = now
        out = outgoing(entry)
    outcome = _attempt(services, entry_id, sender, out)
    return Recovered(
        entry_id,
        incident_id,
        "resent" if outcome.state == "sent" else outcome.state,
        outcome.reason or "",
    )


def out_platform(services: Services, entry_id: int) -> str:
    with services.sessions() as session:
        entry = session.get(OutboxEntry, entry_id)
        return entry.platform if entry else ""


def client_of(session: Session, entry: OutboxEntry) -> Client:
    client = session.get(Client, entry.client_id)
    assert client is not None
    return client

"""The incident engine: triage, severity, grouping, spikes, routing, response clocks, workflow.

Every function taking a Session never commits: the caller owns the transaction
(`with services.sessions.begin() as session:`). Times are aware UTC from the injected clock.

Public API (names are stable; other packages import them from here):

Triage (ingestion pipeline, demo generator)
    triage_new_mentions(session, mention_ids, now) -> TriageSummary
        opened / joined / reopened / monitored / ignored / already_triaged / spikes counts;
        idempotent (mentions already on an incident are skipped); batch of thousands is fine.
    triage_pending(session, client_id, now, *, limit=500, spikes=True) -> TriageSummary | None
        the client's stored-but-unjudged mentions, oldest first; None when none wait.
    check_spikes(session, client_id, hours, now) -> spike incident ids opened
        for callers judging many small batches with spikes=False (an import).

Clocks (scheduler every minute; desk countdowns)
    refresh_clocks(session, now, *, limit=1000) -> list[int]     breaches recorded once
    clock_state(incident_like, now) -> ClockState(due_at, due_in, overdue_by, paused, label,
                                                  kind, breached_at)
    calendar_for(client) -> BusinessCalendar; targets_for(client, severity) -> Targets
    build_calendar(business_hours, timezone, holidays) -> BusinessCalendar (validates: DouseError)
    add_business_minutes(start, minutes, calendar) -> datetime
    business_minutes_between(a, b, calendar) -> float

Workflow (desk, CLI): each returns ActionResult(incident_id, version, status, owner_handle,
activity_id) and raises ConflictError when `expected_version` is stale.
    log_activity(session, incident_id, kind, *, by, now, expected_version=None, channel=None,
                 body="", outcome=None, amount=None, currency=None, offer=None,
                 corrects_id=None, at=None, details=None, override=None)
        passes the client's reply policy gate: raises core.policy.PolicyBlocked (a DouseError
        with .findings and .lines()) when a blocking rule fails, unless `override` gives the
        reason; the override (who, why, what was blocked) is kept in details["policy"]
    change_status(session, incident_id, status, *, by, now, expected_version=None, note="",
                  resolution=None)
    assign(session, incident_id, to, *, by, now, expected_version=None, reason="")
    set_severity(session, incident_id, severity, *, by, now, expected_version=None, reason)
    merge_incidents(session, target_id, source_ids, *, by, now, expected_versions=None)
    set_category(session, incident_id, category, *, by, now, expected_version=None)
        files the incident and its posts under a category; triage learns from it
    client_categories(client) -> {name: title}
    split_incident(session, incident_id, mention_ids, *, by, now, expected_version=None)
    write_incident(sessions, change, *, pinned) -> change(session)'s result, in its own
        transaction; a lost race is re-run on the new version unless the caller pinned one
    LOGGABLE_KINDS, OFFER_TYPES, TRANSITIONS

Reading (one incident in full: core.queries.detail.incident_detail)
    unowned_accounts(session) -> list[UnownedAccount(client_slug, platform, handle, problem)]

Notifications and repair (scheduler)
    send_pending_webhooks(session, http_post, now, *, url_env="DOUSE_WEBHOOK_URL", env=None)
        -> int; http_post(url, {"text": ...}) must raise on failure
    run_due_repair_checks(session, now, fetch_text, *, score=None, limit=50)
        -> list[RepairResult]; fetch_text(url) -> str | None (None = post gone)

Text
    inert(text, limit=None) -> str   one line, control/bidi characters removed
"""

from douse.core.incidents.business_time import (
    BusinessCalendar,
    add_business_minutes,
    build_calendar,
    business_minutes_between,
)
from douse.core.incidents.categories import client_categories
from douse.core.incidents.clocks import (
    ClockState,
    Targets,
    calendar_for,
    clock_state,
    refresh_clocks,
    targets_for,
)
from douse.core.incidents.notify import NOTIFICATION_KINDS, notify, send_pending_webhooks
from douse.core.incidents.recategorize import set_category
from douse.core.incidents.repair import RepairResult, run_due_repair_checks
from douse.core.incidents.retry import write_incident
from douse.core.incidents.routing import Route, UnownedAccount, route, unowned_accounts
from douse.core.incidents.severity import Assessment, Evidence, assess
from douse.core.incidents.spikes import SpikeCheck, detect_spikes
from douse.core.incidents.triage import (
    TriageSummary,
    check_spikes,
    triage_new_mentions,
    triage_pending,
)
from douse.core.incidents.workflow import (
    LOGGABLE_KINDS,
    OFFER_TYPES,
    TRANSITIONS,
    ActionResult,
    assign,
    change_status,
    log_activity,
    merge_incidents,
    set_severity,
    split_incident,
)
from douse.core.text import inert

__all__ = [
    "LOGGABLE_KINDS",
    "NOTIFICATION_KINDS",
    "OFFER_TYPES",
    "TRANSITIONS",
    "ActionResult",
    "Assessment",
    "BusinessCalendar",
    "ClockState",
    "Evidence",
    "RepairResult",
    "Route",
    "SpikeCheck",
    "Targets",
    "TriageSummary",
    "UnownedAccount",
    "add_business_minutes",
    "assess",
    "assign",
    "build_calendar",
    "business_minutes_between",
    "calendar_for",
    "change_status",
    "check_spikes",
    "client_categories",
    "clock_state",
    "detect_spikes",
    "inert",
    "log_activity",
    "merge_incidents",
    "notify",
    "refresh_clocks",
    "route",
    "run_due_repair_checks",
    "send_pending_webhooks",
    "set_category",
    "set_severity",
    "split_incident",
    "targets_for",
    "triage_new_mentions",
    "triage_pending",
    "unowned_accounts",
    "write_incident",
]

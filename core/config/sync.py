"""Write the agency described by clients.toml into the database, idempotently.

A second run with the same file changes nothing. Whatever disappears from the file is archived or
disabled, never deleted: a client's incidents and mentions outlive its removal from the config.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from douse.core.config.schema import AgencyConfig, ClientConfig
from douse.core.db.models import Account, Client, Source, Staff
from douse.core.policy import layer_policies
from douse.core.wording import plural

# The counters are kept by table name; one row reads in the singular.
_ONE = {"clients": "client", "accounts": "account", "sources": "source"}


@dataclass
class SyncReport:
    created: Counter[str] = field(default_factory=Counter)
    updated: Counter[str] = field(default_factory=Counter)
    archived: Counter[str] = field(default_factory=Counter)

    @property
    def changed(self) -> bool:
        return bool(+self.created or +self.updated or +self.archived)

    def lines(self) -> list[str]:
        if not self.changed:
            return ["no changes: the database already matches the config"]
        out = []
        for label, counter in (
            ("created", self.created),
            ("updated", self.updated),
            ("archived", self.archived),
        ):
            if +counter:
                out.append(
                    f"{label}: "
                    + ", ".join(plural(n, _ONE.get(k, k), k) for k, n in sorted(counter.items()))
                )
        return out


def _assign(obj: Any, values: dict[str, Any]) -> bool:
    """Set only what differs, so an unchanged row is never marked dirty."""
    changed = False
    for key, value in values.items():
        if getattr(obj, key) != value:
            setattr(obj, key, value)
            changed = True
    return changed


def sync_config(
    session: Session,
    config: AgencyConfig,
    now: datetime,
    *,
    progress: Callable[[int, int], None] | None = None,
) -> SyncReport:
    """Write the config into the database; `progress(done, total)` after each client."""
    report = SyncReport()
    staff = _sync_staff(session, config, report)
    existing = {c.slug: c for c in session.scalars(select(Client))}
    for done, client_config in enumerate(config.clients, 1):
        client = existing.pop(client_config.slug, None)
        values = _client_values(client_config, config, staff)
        if client is None:
            client = Client(slug=client_config.slug, created_at=now, updated_at=now, **values)
            session.add(client)
            session.flush()
            report.created["clients"] += 1
        elif _assign(client, values):
            client.updated_at = now
            report.updated["clients"] += 1
        _sync_accounts(session, client, client_config, staff, report)
        _sync_sources(session, client, client_config, report, now)
        if progress is not None:
            progress(done, len(config.clients))
    for client in existing.values():
        if not client.archived:
            client.archived = True
            client.updated_at = now
            report.archived["clients"] += 1
    session.flush()
    return report


def _sync_staff(session: Session, config: AgencyConfig, report: SyncReport) -> dict[str, Staff]:
    existing = {s.handle: s for s in session.scalars(select(Staff))}
    by_handle: dict[str, Staff] = {}
    for item in config.staff:
        values = {
            "name": item.name,
            "email": item.email,
            "role": item.role,
            "away": item.away,
            "is_new": item.new,
            "active": True,
        }
        person = existing.pop(item.handle, None)
        if person is None:
            person = Staff(handle=item.handle, **values)
            session.add(person)
            report.created["staff"] += 1
        elif _assign(person, values):
            report.updated["staff"] += 1
        by_handle[item.handle] = person
    for person in existing.values():
        if person.active:
            person.active = False
            report.archived["staff"] += 1
    session.flush()
    return by_handle


def _client_values(
    client: ClientConfig, agency: AgencyConfig, staff: dict[str, Staff]
) -> dict[str, Any]:
    owner = staff.get(client.default_owner) if client.default_owner else None
    # Client terms extend the agency's: "lawsuit" is critical for every brand.
    critical = list(dict.fromkeys([*agency.critical_terms, *client.critical_terms]))
    return {
        "name": client.name,
        "industry": client.industry,
        "categories": client.categories,
        "keywords": list(client.keywords),
        "exclusions": list(client.exclusions),
        "critical_terms": critical,
        "timezone": client.timezone,
        "business_hours": client.business_hours,
        "holidays": client.holidays,
        "first_response_minutes": client.targets.first_response,
        "next_response_minutes": client.targets.next_response,
        "resolution_minutes": client.targets.resolution,
        "targets_by_severity": client.targets.by_severity,
        "negative_threshold": client.negative_threshold,
        "positive_threshold": client.positive_threshold,
        "reply_policy": layer_policies(agency.reply_policy, client.reply_policy),
        "canned_replies": client.canned_replies,
        "report_schedule": client.report_schedule,
        "approvals": client.approvals,
        "default_owner_id": owner.id if owner else None,
        "archived": False,
    }


def _sync_accounts(
    session: Session,
    client: Client,
    config: ClientConfig,
    staff: dict[str, Staff],
    report: SyncReport,
) -> None:
    existing = {
        (a.platform, a.handle.lower()): a
        for a in session.scalars(select(Account).where(Account.client_id == client.id))
    }
    for item in config.accounts:
        owner = staff.get(item.owner) if item.owner else None
        backup = staff.get(item.backup) if item.backup else None
        values = {
            "handle": item.handle,
            "url": item.url,
            "owner_id": owner.id if owner else None,
            "backup_owner_id": backup.id if backup else None,
            "sending": dict(item.send),
            "archived": False,
        }
        account = existing.pop((item.platform, item.handle.lower()), None)
        if account is None:
            session.add(Account(client_id=client.id, platform=item.platform, **values))
            report.created["accounts"] += 1
        elif _assign(account, values):
            report.updated["accounts"] += 1
    for account in existing.values():
        if not account.archived:
            account.archived = True
            report.archived["accounts"] += 1


def _sync_sources(
    session: Session, client: Client, config: ClientConfig, report: SyncReport, now: datetime
) -> None:
    existing = {
        s.name: s for s in session.scalars(select(Source).where(Source.client_id == client.id))
    }
    for item in config.sources:
        values = {
            "kind": item.kind,
            "target": item.target,
            "params": item.params,
            "token_env": item.token_env,
            "poll_interval_s": item.interval_s,
            "enabled": True,
        }
        source = existing.pop(item.name, None)
        if source is None:
            session.add(Source(client_id=client.id, name=item.name, next_poll_at=now, **values))
            report.created["sources"] += 1
            continue
        before = (source.kind, source.target, source.params)
        if _assign(source, values):
            report.updated["sources"] += 1
            if before != (source.kind, source.target, source.params):
                # The paging cursor and the conditional-GET validators belong to what was read
                # before: kept, a new feed would be asked only for what is newer than the old
                # one's last item (or answered 304 for the old one's ETag).
                source.cursor = None
                source.etag = None
                source.last_modified = None
                source.next_poll_at = now
    for source in existing.values():
        if source.enabled:
            source.enabled = False
            report.archived["sources"] += 1

"""The agency as clients.toml describes it, after validation: plain frozen dataclasses."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class StaffConfig:
    handle: str
    name: str
    email: str | None = None
    role: str = "community manager"
    away: bool = False
    new: bool = False  # new staff: their replies need an approver where a client says so


@dataclass(frozen=True)
class AccountConfig:
    platform: str
    handle: str
    url: str | None
    owner: str | None
    backup: str | None
    # [clients.accounts.send]: env var *names* and API settings for sending (core/send).
    send: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class SourceConfig:
    name: str
    kind: str
    target: str
    interval_s: int
    token_env: str | None = None
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Targets:
    """Response targets in minutes; per-severity overrides keyed by severity then target name."""

    first_response: int = 120
    next_response: int = 240
    resolution: int = 2880
    # Minutes per target, and "hours": "24/7" for a severity whose clocks ignore business hours.
    by_severity: dict[str, dict[str, int | str]] = field(default_factory=dict)


@dataclass(frozen=True)
class ClientConfig:
    slug: str
    name: str
    keywords: tuple[str, ...]
    exclusions: tuple[str, ...]
    critical_terms: tuple[str, ...]
    timezone: str
    business_hours: dict[str, list[list[str]]]
    holidays: dict[str, Any]
    targets: Targets
    negative_threshold: float
    positive_threshold: float
    default_owner: str | None
    reply_policy: dict[str, Any]
    canned_replies: dict[str, str]
    report_schedule: dict[str, Any]
    accounts: tuple[AccountConfig, ...]
    sources: tuple[SourceConfig, ...]
    # The trade whose issue categories apply, and the client's own (name -> phrases).
    industry: str | None = None
    categories: dict[str, Any] = field(default_factory=dict)
    # Which replies need an approver, and who (core/send/approvals.py), over the agency's.
    approvals: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class AgencyConfig:
    name: str
    timezone: str
    targets: Targets
    reply_policy: dict[str, Any]
    critical_terms: tuple[str, ...]
    staff: tuple[StaffConfig, ...]
    clients: tuple[ClientConfig, ...]
    me: str | None = None
    approvals: dict[str, Any] = field(default_factory=dict)

"""Read and validate clients.toml. Every problem becomes a `file:line: what is wrong` finding.

All findings are collected before failing, so a user fixes a broken file in one pass instead of
one error per run.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from douse.core.config.locate import LineIndex
from douse.core.config.locate import Path as KeyPath
from douse.core.config.schema import (
    AccountConfig,
    AgencyConfig,
    ClientConfig,
    SourceConfig,
    StaffConfig,
    Targets,
)
from douse.core.db.models import SEVERITIES, SOURCE_KINDS
from douse.core.errors import ConfigError, DouseError
from douse.core.jobs.report_schedule import parse_report_schedule
from douse.core.policy import ReplyPolicy
from douse.core.policy.canned import CANNED_PLACEHOLDERS, unknown_placeholders

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
HANDLE = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")
DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(m|min|h|d)\s*$")
# Longer than any poll interval or response target makes sense for: a year.
LONGEST_MINUTES = 366 * 1440
# Deeper than any clients.toml needs; tomllib and the checks recurse once per level.
DEEPEST = 64
HOURS_RANGE = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-4]):([0-5]\d)$")
ENV_NAME = re.compile(r"^[A-Z_][A-Z0-9_]*$")
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
PLATFORMS = (
    "x",
    "facebook",
    "instagram",
    "linkedin",
    "tiktok",
    "youtube",
    "reddit",
    "mastodon",
    "bluesky",
    "hackernews",
    "google",
    "trustpilot",
    "tripadvisor",
    "yelp",
    "web",
    "email",
    "phone",
)
SOURCE_TARGET_KEY = {
    "rss": "url",
    "mastodon": "url",
    "bluesky": "query",
    "hackernews": "query",
    "reddit": "query",
    "import": "path",
    "manual": None,
}

AGENCY_KEYS = {"name", "timezone", "targets", "reply_policy", "critical_terms", "me", "approvals"}
STAFF_KEYS = {"handle", "name", "email", "role", "away", "new"}
CLIENT_KEYS = {
    "slug",
    "name",
    "keywords",
    "exclusions",
    "critical_terms",
    "timezone",
    "business_hours",
    "holidays",
    "targets",
    "negative_threshold",
    "positive_threshold",
    "default_owner",
    "reply_policy",
    "canned_replies",
    "report",
    "accounts",
    "sources",
    "industry",
    "categories",
    "approvals",
}
ACCOUNT_KEYS = {"platform", "handle", "url", "owner", "backup", "unowned", "send"}
# [clients.accounts.send], per platform: keys ending in _env name environment variables.
SEND_KEYS: dict[str, set[str]] = {
    "mastodon": {"token_env", "base_url"},
    "bluesky": {"identifier", "password_env", "base_url"},
    "reddit": {"token_env", "base_url", "site_url"},
    "google": {"token_env", "account_id", "location_id", "base_url"},
    "trustpilot": {"token_env", "business_user_id", "base_url"},
    "email": {"host_env", "user_env", "password_env", "from", "port", "starttls"},
}
SEND_REQUIRED: dict[str, tuple[str, ...]] = {
    "mastodon": ("token_env",),
    "bluesky": ("password_env",),
    "reddit": ("token_env",),
    "google": ("token_env", "account_id", "location_id"),
    "trustpilot": ("token_env", "business_user_id"),
    "email": ("host_env", "from"),
}
APPROVAL_KEYS = {"approvers", "critical", "offer_above", "every_reply", "new_staff"}
SOURCE_KEYS = {"name", "kind", "url", "query", "path", "interval", "token_env", "params"}
TARGET_KEYS = {"first_response", "next_response", "resolution"}
CATEGORY_NAME = re.compile(r"^[a-z][a-z0-9_]{0,39}$")


class _Checker:
    """Collects findings with their line numbers while reading one file."""

    def __init__(self, path: Path, lines: LineIndex) -> None:
        self.path = path
        self.index = lines
        self.findings: list[tuple[int, str]] = []

    def fail(self, where: KeyPath, message: str) -> None:
        self.findings.append((self.index.line_of(where), message))

    def table(self, data: Any, where: KeyPath, allowed: set[str]) -> dict[str, Any]:
        if not isinstance(data, dict):
            self.fail(where, f"{_name(where)} must be a table")
            return {}
        for key in data:
            if key not in allowed:
                self.fail((*where, key), f"unknown key {key!r} in {_name(where) or 'top level'}")
        return data

    def text(self, data: dict[str, Any], key: str, where: KeyPath, *, required: bool = True) -> str:
        value = data.get(key)
        if value is None:
            if required:
                self.fail(where, f"{_name(where)} needs {key!r}")
            return ""
        if not isinstance(value, str) or not value.strip():
            self.fail((*where, key), f"{key} must be a non-empty string")
            return ""
        return value.strip()

    def strings(self, data: dict[str, Any], key: str, where: KeyPath) -> tuple[str, ...]:
        value = data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            self.fail((*where, key), f"{key} must be a list of non-empty strings")
            return ()
        return tuple(v.strip() for v in value)

    def timezone(self, value: Any, where: KeyPath) -> str:
        if not isinstance(value, str):
            self.fail(where, "timezone must be a string such as 'Europe/London'")
            return "UTC"
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            self.fail(
                where, f"unknown timezone {value!r} (use an IANA name such as 'Europe/London')"
            )
            return "UTC"
        return value

    def minutes(self, value: Any, where: KeyPath) -> int | None:
        """Durations are '90m', '2h', '1.5d' or a whole number of minutes."""
        if isinstance(value, bool):
            value = None
        amount: float | None = None
        if isinstance(value, int) and value > 0:
            amount = value
        elif isinstance(value, str) and (m := DURATION.match(value)):
            amount = float(m.group(1)) * {"m": 1, "min": 1, "h": 60, "d": 1440}[m.group(2)]
        if amount is not None and amount > LONGEST_MINUTES:
            # "99999999999999999999d" passed here once and then overflowed in `douse sync`.
            self.fail(where, f"{_name(where)} is too long: at most {LONGEST_MINUTES // 1440}d")
            return None
        if amount is not None and amount >= 1:
            return round(amount)
        self.fail(where, f"{_name(where)} must be a duration such as '30m', '2h' or '1d'")
        return None


def _name(where: KeyPath) -> str:
    return ".".join(str(p) if isinstance(p, str) else f"[{p}]" for p in where).replace(".[", "[")


def load_config(path: Path | str) -> AgencyConfig:
    """Parse and validate; raises ConfigError with every finding as `file:line: message`."""
    path = Path(path)
    try:
        raw_text = path.read_bytes().decode("utf-8")
    except FileNotFoundError:
        raise ConfigError([f"{path}: no such file (copy clients.example.toml to start)"]) from None
    except UnicodeDecodeError as exc:
        raise ConfigError([f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})"]) from None
    except OSError as exc:
        raise ConfigError([f"{path}: cannot read: {exc.strerror}"]) from None
    return parse_config(raw_text, path)


def parse_config(text: str, path: Path | str = "clients.toml") -> AgencyConfig:
    path = Path(path)
    too_deep = ConfigError([f"{path}: nested more than {DEEPEST} levels deep; not a clients.toml"])
    if _deepest_bracket(text) > DEEPEST:
        raise too_deep
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line = getattr(exc, "lineno", None) or _line_from_message(str(exc))
        message = getattr(exc, "msg", None) or str(exc).split(" (at line")[0]
        raise ConfigError([f"{path}:{line}: invalid TOML: {message}"]) from None
    except RecursionError:
        raise too_deep from None
    check = _Checker(path, LineIndex(text))
    _no_controls(check, data, ())
    if check.findings:
        # A NUL in a name breaks PostgreSQL later: nothing else is worth checking first.
        check.findings.sort(key=lambda f: f[0])
        raise ConfigError([f"{path}:{line}: {message}" for line, message in check.findings])
    config = _agency(check, data)
    if check.findings:
        check.findings.sort(key=lambda f: f[0])
        raise ConfigError([f"{path}:{line}: {message}" for line, message in check.findings])
    return config


def _deepest_bracket(text: str) -> int:
    """How deep [ and { nest, ignoring quoted strings and comments roughly: a cheap guard that
    runs before tomllib, which would otherwise recurse until Python gives up."""
    depth = deepest = 0
    quote: str | None = None
    comment = False
    for char in text:
        if comment:
            comment = char != "\n"
        elif quote:
            if char == quote or char == "\n":
                quote = None
        elif char == "#":
            comment = True
        elif char in "\"'":
            quote = char
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth = max(0, depth - 1)
    return deepest


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def _no_controls(check: _Checker, value: Any, where: KeyPath) -> None:
    """Every key and string free of control characters (a tab or newline in a text is fine):
    a NUL in a client's name passed `check` and then broke PostgreSQL in `sync`."""
    if isinstance(value, str):
        if _CONTROL.search(value):
            found = _CONTROL.search(value)
            assert found is not None
            check.fail(
                where,
                f"{_name(where) or 'a value'} contains the control character "
                f"U+{ord(found.group()):04X}; remove it",
            )
    elif isinstance(value, dict):
        for key, inner in value.items():
            if _CONTROL.search(str(key)):
                check.fail(
                    where, f"a key in {_name(where) or 'the top level'} has a control character"
                )
                continue
            _no_controls(check, inner, (*where, key))
    elif isinstance(value, list):
        for i, inner in enumerate(value):
            _no_controls(check, inner, (*where, i))


def _line_from_message(message: str) -> int:
    match = re.search(r"at line (\d+)", message)
    return int(match.group(1)) if match else 1


def _targets(check: _Checker, data: Any, where: KeyPath, base: Targets) -> Targets:
    table = check.table(data, where, TARGET_KEYS | set(SEVERITIES))
    values = {
        "first_response": base.first_response,
        "next_response": base.next_response,
        "resolution": base.resolution,
    }
    for key in TARGET_KEYS & table.keys():
        values[key] = check.minutes(table[key], (*where, key)) or values[key]
    by_severity = dict(base.by_severity)
    for severity in set(SEVERITIES) & table.keys():
        sub = check.table(table[severity], (*where, severity), TARGET_KEYS | {"hours"})
        chosen: dict[str, int | str] = {
            key: minutes
            for key in TARGET_KEYS & sub.keys()
            if (minutes := check.minutes(sub[key], (*where, severity, key)))
        }
        if "hours" in sub:
            # "24/7": this severity's clocks run round the clock, whatever the business hours.
            if sub["hours"] in ("24/7", "business"):
                chosen["hours"] = sub["hours"]
            else:
                check.fail((*where, severity, "hours"), 'hours must be "24/7" or "business"')
        by_severity[severity] = chosen
    return Targets(by_severity=by_severity, **values)


def _agency(check: _Checker, data: dict[str, Any]) -> AgencyConfig:
    check.table(data, (), {"agency", "staff", "clients"})
    agency = check.table(data.get("agency", {}), ("agency",), AGENCY_KEYS)
    timezone = check.timezone(agency.get("timezone", "UTC"), ("agency", "timezone"))
    targets = _targets(check, agency.get("targets", {}), ("agency", "targets"), Targets())
    policy = agency.get("reply_policy", {})
    if not isinstance(policy, dict):
        check.fail(("agency", "reply_policy"), "agency.reply_policy must be a table")
        policy = {}
    _check_policy(check, policy, ("agency", "reply_policy"))

    staff = _staff(check, data.get("staff", []))
    handles = {s.handle for s in staff}
    agency_approvals = _approvals(
        check, agency.get("approvals", {}), ("agency", "approvals"), handles, {}
    )
    me = agency.get("me")
    if me is not None and me not in handles:
        check.fail(("agency", "me"), f"agency.me {me!r} is not on the staff list")

    raw_clients = data.get("clients", [])
    if not isinstance(raw_clients, list):
        check.fail(("clients",), "clients must be an array of tables: [[clients]]")
        raw_clients = []
    clients: list[ClientConfig] = []
    seen: dict[str, int] = {}
    for i, raw in enumerate(raw_clients):
        client = _client(check, raw, ("clients", i), timezone, targets, handles, agency_approvals)
        if client is None:
            continue
        if client.slug in seen:
            check.fail(
                ("clients", i, "slug"),
                f"duplicate client slug {client.slug!r} (also clients[{seen[client.slug]}])",
            )
            continue
        seen[client.slug] = i
        clients.append(client)
    return AgencyConfig(
        name=str(agency.get("name") or "douse agency"),
        timezone=timezone,
        targets=targets,
        reply_policy=policy,
        critical_terms=check.strings(agency, "critical_terms", ("agency",)),
        staff=tuple(staff),
        clients=tuple(clients),
        me=me if isinstance(me, str) else None,
        approvals=agency_approvals,
    )


def _staff(check: _Checker, raw: Any) -> list[StaffConfig]:
    if not isinstance(raw, list):
        check.fail(("staff",), "staff must be an array of tables: [[staff]]")
        return []
    staff: list[StaffConfig] = []
    seen: set[str] = set()
    for i, item in enumerate(raw):
        where: KeyPath = ("staff", i)
        table = check.table(item, where, STAFF_KEYS)
        handle = check.text(table, "handle", where).lower()
        if handle and not HANDLE.match(handle):
            check.fail(
                (*where, "handle"),
                f"staff handle {handle!r} must be lowercase letters, digits, . _ -",
            )
            continue
        if handle in seen:
            check.fail((*where, "handle"), f"duplicate staff handle {handle!r}")
            continue
        if not handle:
            continue
        seen.add(handle)
        away = table.get("away", False)
        if not isinstance(away, bool):
            check.fail((*where, "away"), "away must be true or false")
            away = False
        new = table.get("new", False)
        if not isinstance(new, bool):
            check.fail((*where, "new"), "new must be true or false")
            new = False
        staff.append(
            StaffConfig(
                handle=handle,
                name=check.text(table, "name", where, required=False) or handle,
                email=check.text(table, "email", where, required=False) or None,
                role=check.text(table, "role", where, required=False) or "community manager",
                away=away,
                new=new,
            )
        )
    return staff


def _staff_ref(check: _Checker, value: Any, where: KeyPath, handles: set[str]) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or value.lower() not in handles:
        check.fail(where, f"{_name(where[-1:])} {value!r} is not on the staff list")
        return None
    return value.lower()


def _client(
    check: _Checker,
    raw: Any,
    where: KeyPath,
    agency_tz: str,
    agency_targets: Targets,
    handles: set[str],
    agency_approvals: dict[str, Any] | None = None,
) -> ClientConfig | None:
    table = check.table(raw, where, CLIENT_KEYS)
    slug = check.text(table, "slug", where)
    if not slug:
        return None
    if not SLUG.match(slug):
        check.fail((*where, "slug"), f"slug {slug!r} must be lowercase letters, digits and dashes")
        return None
    keywords = check.strings(table, "keywords", where)
    if not keywords and "keywords" in table:
        check.fail((*where, "keywords"), f"client {slug!r} needs at least one keyword")
    thresholds = []
    for key, default in (("negative_threshold", -0.05), ("positive_threshold", 0.05)):
        value = table.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int | float) or not -1 <= value <= 1:
            check.fail((*where, key), f"{key} must be a number between -1 and 1")
            value = default
        thresholds.append(float(value))
    if thresholds[0] >= thresholds[1]:
        check.fail(
            (*where, "negative_threshold"), "negative_threshold must be below positive_threshold"
        )
    policy = table.get("reply_policy", {})
    if not isinstance(policy, dict):
        check.fail((*where, "reply_policy"), "reply_policy must be a table")
        policy = {}
    _check_policy(check, policy, (*where, "reply_policy"))
    canned = table.get("canned_replies", {})
    if not isinstance(canned, dict) or not all(isinstance(v, str) for v in canned.values()):
        check.fail((*where, "canned_replies"), "canned_replies must map names to reply texts")
        canned = {}
    for name, template in canned.items():
        unknown = unknown_placeholders(template)
        if unknown:
            check.fail(
                (*where, "canned_replies", name),
                f"canned reply {name!r} uses unknown placeholder(s) "
                f"{', '.join('{' + u + '}' for u in unknown)} (known: "
                f"{', '.join('{' + p + '}' for p in CANNED_PLACEHOLDERS)}; "
                "{{ and }} for braces)",
            )
    return ClientConfig(
        slug=slug,
        industry=_industry(check, table.get("industry"), (*where, "industry")),
        categories=_categories(check, table.get("categories", {}), (*where, "categories")),
        name=check.text(table, "name", where),
        keywords=keywords,
        exclusions=check.strings(table, "exclusions", where),
        critical_terms=check.strings(table, "critical_terms", where),
        timezone=check.timezone(table.get("timezone", agency_tz), (*where, "timezone")),
        business_hours=_business_hours(check, table.get("business_hours", "24/7"), where),
        holidays=_holidays(check, table.get("holidays", {}), (*where, "holidays")),
        targets=_targets(check, table.get("targets", {}), (*where, "targets"), agency_targets),
        negative_threshold=thresholds[0],
        positive_threshold=thresholds[1],
        default_owner=_staff_ref(
            check, table.get("default_owner"), (*where, "default_owner"), handles
        ),
        reply_policy=policy,
        canned_replies=canned,
        report_schedule=_report(check, table.get("report"), (*where, "report")),
        accounts=tuple(_accounts(check, table.get("accounts", []), where, handles)),
        sources=tuple(_sources(check, table.get("sources", []), where)),
        approvals=_approvals(
            check,
            table.get("approvals", {}),
            (*where, "approvals"),
            handles,
            agency_approvals or {},
        ),
    )


def _industry(check: _Checker, raw: Any, where: KeyPath) -> str | None:
    from douse.core.incidents.category_defaults import canonical_industry, known_industries

    if raw is None:
        return None
    if not isinstance(raw, str) or canonical_industry(raw) is None:
        known = ", ".join(known_industries())
        check.fail(where, f"unknown industry {raw!r} (known: {known})")
        return None
    return raw.strip().lower()


def _categories(check: _Checker, raw: Any, where: KeyPath) -> dict[str, Any]:
    """A client's own issue categories: name = ["phrase", ...] or { title, phrases }."""
    from douse.core.incidents.categories import CategoryError, merge_specs

    if not isinstance(raw, dict):
        check.fail(where, "categories must be a table of category = [phrases]")
        return {}
    good: dict[str, Any] = {}
    for name, value in raw.items():
        if not CATEGORY_NAME.match(name):
            check.fail(
                (*where, name), f"category {name!r}: use lowercase letters, digits and _ (max 40)"
            )
            continue
        try:
            merge_specs((), {name: value})
        except CategoryError as exc:
            check.fail((*where, name), str(exc))
            continue
        good[name] = value
    return good


def _business_hours(check: _Checker, raw: Any, client: KeyPath) -> dict[str, list[list[str]]]:
    where = (*client, "business_hours")
    if raw == "24/7":
        return {}
    table = check.table(raw, where, set(DAYS) | {"weekdays", "weekends"})
    hours: dict[str, list[list[str]]] = {}
    expanded: list[tuple[str, str, Any]] = []
    for key, value in table.items():
        days = {"weekdays": DAYS[:5], "weekends": DAYS[5:]}.get(key, (key,))
        expanded.extend((day, key, value) for day in days)
    parsed_by_key: dict[str, list[list[str]]] = {}
    for key, value in table.items():
        # Checked once per key, so a bad "weekdays" range is said once, not once per day.
        ranges = value if isinstance(value, list) else [value]
        parsed: list[list[str]] = []
        for item in ranges:
            match = HOURS_RANGE.match(item) if isinstance(item, str) else None
            if not match:
                check.fail(
                    (*where, key),
                    f"business_hours.{key} must look like '09:00-17:30' (or a list of them)",
                )
                break
            start, end = item.split("-")
            if start >= end:
                check.fail(
                    (*where, key),
                    f"business_hours.{key} {item!r} ends before it starts; for hours past "
                    f"midnight give '{start}-24:00' here and '00:00-{end}' on the next day",
                )
                break
            parsed.append([start, end])
        else:
            parsed_by_key[key] = sorted(parsed)
    for day, key, _value in expanded:
        if key in parsed_by_key:
            hours[day] = parsed_by_key[key]
    if raw != "24/7" and not hours and not check.findings:
        check.fail(where, "business_hours needs at least one day, or the string '24/7'")
    return hours


def _holidays(check: _Checker, raw: Any, where: KeyPath) -> dict[str, Any]:
    table = check.table(raw, where, {"country", "subdiv", "dates"})
    result: dict[str, Any] = {}
    if "country" in table:
        import holidays as holiday_calendars

        country = table["country"]
        if (
            not isinstance(country, str)
            or country.upper() not in holiday_calendars.list_supported_countries()
        ):
            check.fail(
                (*where, "country"), f"unknown holiday country {country!r} (use e.g. 'GB', 'US')"
            )
        else:
            result["country"] = country.upper()
            if isinstance(table.get("subdiv"), str):
                result["subdiv"] = table["subdiv"]
    dates = table.get("dates", [])
    from datetime import date

    good: list[str] = []
    for item in dates if isinstance(dates, list) else [dates]:
        text = item.isoformat() if isinstance(item, date) else item
        try:
            good.append(date.fromisoformat(text).isoformat())
        except (TypeError, ValueError):
            check.fail((*where, "dates"), f"holiday {item!r} is not a date such as 2026-12-24")
    if good:
        result["dates"] = sorted(good)
    return result


def _report(check: _Checker, raw: Any, where: KeyPath) -> dict[str, Any]:
    """The schedule is interpreted by core.jobs.report_schedule; validate with that same reader."""
    if raw is None:
        return {}
    table = check.table(raw, where, {"every", "weekday", "day", "time", "format", "folder"})
    try:
        parse_report_schedule(table)
    except DouseError as exc:
        message = str(exc)
        key = re.match(r"report_schedule\.(\w+)", message)
        check.fail(
            (*where, key.group(1)) if key else where, message.replace("report_schedule", "report")
        )
    return dict(table)


def _accounts(check: _Checker, raw: Any, client: KeyPath, handles: set[str]) -> list[AccountConfig]:
    if not isinstance(raw, list):
        check.fail(
            (*client, "accounts"), "accounts must be an array of tables: [[clients.accounts]]"
        )
        return []
    accounts: list[AccountConfig] = []
    seen: set[tuple[str, str]] = set()
    for i, item in enumerate(raw):
        where: KeyPath = (*client, "accounts", i)
        table = check.table(item, where, ACCOUNT_KEYS)
        platform = check.text(table, "platform", where).lower()
        handle = check.text(table, "handle", where)
        if platform and platform not in PLATFORMS:
            check.fail(
                (*where, "platform"), f"unknown platform {platform!r} ({', '.join(PLATFORMS)})"
            )
        if (platform, handle.lower()) in seen:
            check.fail((*where, "handle"), f"duplicate account {platform}:{handle}")
            continue
        seen.add((platform, handle.lower()))
        owner = _staff_ref(check, table.get("owner"), (*where, "owner"), handles)
        if owner is None and "owner" not in table and table.get("unowned") is not True:
            check.fail(where, f"account {platform}:{handle} needs an owner (or `unowned = true`)")
        accounts.append(
            AccountConfig(
                platform=platform,
                handle=handle,
                url=check.text(table, "url", where, required=False) or None,
                owner=owner,
                backup=_staff_ref(check, table.get("backup"), (*where, "backup"), handles),
                send=_send(check, table.get("send"), (*where, "send"), platform),
            )
        )
    return accounts


def _sources(check: _Checker, raw: Any, client: KeyPath) -> list[SourceConfig]:
    if not isinstance(raw, list):
        check.fail((*client, "sources"), "sources must be an array of tables: [[clients.sources]]")
        return []
    sources: list[SourceConfig] = []
    names: set[str] = set()
    for i, item in enumerate(raw):
        where: KeyPath = (*client, "sources", i)
        table = check.table(item, where, SOURCE_KEYS)
        kind = check.text(table, "kind", where)
        if kind and kind not in SOURCE_KINDS:
            check.fail(
                (*where, "kind"), f"unknown source kind {kind!r} ({', '.join(SOURCE_KINDS)})"
            )
            continue
        target_key = SOURCE_TARGET_KEY.get(kind)
        target = check.text(table, target_key, where) if target_key else ""
        if target_key == "url" and target and not re.match(r"^https?://", target):
            check.fail(
                (*where, "url"), f"source url must start with http:// or https://: {target!r}"
            )
        name = check.text(table, "name", where, required=False) or f"{kind}-{i + 1}"
        if name in names:
            check.fail((*where, "name"), f"duplicate source name {name!r}")
            continue
        names.add(name)
        token_env = table.get("token_env")
        if token_env is not None and (
            not isinstance(token_env, str) or not ENV_NAME.match(token_env)
        ):
            check.fail(
                (*where, "token_env"),
                "token_env names an environment variable (e.g. BLUESKY_TOKEN), not the token",
            )
            token_env = None
        params = table.get("params", {})
        if not isinstance(params, dict):
            check.fail((*where, "params"), "params must be a table")
            params = {}
        elif kind == "import":
            _check_import_params(check, params, (*where, "params"))
        interval = check.minutes(table.get("interval", "15m"), (*where, "interval"))
        sources.append(
            SourceConfig(
                name=name,
                kind=kind,
                target=target,
                interval_s=(interval or 15) * 60,
                token_env=token_env,
                params=params,
            )
        )
    return sources


def _check_import_params(check: _Checker, params: dict[str, Any], where: KeyPath) -> None:
    """An `import` source's params as the file reader will take them: known keys, a column map
    it can parse (`map`, spelt like the CLI's --map, or `columns`), a format it knows."""
    # Imported here: only files with import sources pay for loading the file reader.
    from douse.core.ingest.adapters import files

    for key in params:
        if key not in files.SOURCE_PARAMS:
            check.fail(
                (*where, key),
                f"unknown key {key!r} in params of an import source "
                f"(known: {', '.join(files.SOURCE_PARAMS)})",
            )
    try:
        column_map = files.source_column_map(params)
        files.parse_column_map(column_map)
    except DouseError as exc:
        key = "map" if "map" in params else "columns"
        check.fail((*where, key), f"params.{key}: {exc}")
    fmt = params.get("format")
    if fmt is not None and fmt not in files.FORMATS:
        check.fail(
            (*where, "format"),
            f"params.format: unknown import format {fmt!r} (known: {', '.join(files.FORMATS)})",
        )


def _check_policy(check: _Checker, policy: dict[str, Any], where: KeyPath) -> None:
    """Reply policies are validated by the policy engine's own schema."""
    try:
        ReplyPolicy.from_dict(policy)
    except DouseError as exc:
        check.fail(where, f"reply_policy: {exc}")


def _send(check: _Checker, raw: Any, where: KeyPath, platform: str) -> dict[str, Any]:
    """[clients.accounts.send]: how douse sends from the account. Secrets are never here: keys
    ending in _env name the environment variables that hold them."""
    if raw is None:
        return {}
    allowed = SEND_KEYS.get(platform)
    if allowed is None:
        check.fail(
            where,
            f"douse cannot send on {platform!r}: replies there are posted by hand "
            f"(sending works on {', '.join(SEND_KEYS)})",
        )
        return {}
    table = check.table(raw, where, allowed)
    good: dict[str, Any] = {}
    for key, value in table.items():
        if key not in allowed:
            continue
        if key.endswith("_env"):
            if not isinstance(value, str) or not ENV_NAME.match(value):
                check.fail(
                    (*where, key),
                    f"{key} names an environment variable (e.g. ACME_TOKEN), not the secret",
                )
                continue
        elif key == "base_url" or key == "site_url":
            if not isinstance(value, str) or not re.match(r"^https?://[^\s]+$", value):
                check.fail((*where, key), f"{key} must start with http:// or https://")
                continue
        elif key == "port":
            if isinstance(value, bool) or not isinstance(value, int) or not 0 < value < 65536:
                check.fail((*where, key), "port must be a number from 1 to 65535")
                continue
        elif key == "starttls":
            if not isinstance(value, bool):
                check.fail((*where, key), "starttls must be true or false")
                continue
        elif not isinstance(value, str) or not value.strip():
            check.fail((*where, key), f"{key} must be a non-empty string")
            continue
        good[key] = value.strip() if isinstance(value, str) else value
    for key in SEND_REQUIRED.get(platform, ()):
        if key not in good and key not in table:
            check.fail(where, f"sending on {platform} needs {key} in [clients.accounts.send]")
    return good


def _approvals(
    check: _Checker,
    raw: Any,
    where: KeyPath,
    handles: set[str],
    base: dict[str, Any],
) -> dict[str, Any]:
    """Which replies need an approver ([agency.approvals], then [clients.approvals] key by key)."""
    table = check.table(raw, where, APPROVAL_KEYS)
    result = dict(base)
    for key in ("critical", "every_reply", "new_staff"):
        if key in table:
            if not isinstance(table[key], bool):
                check.fail((*where, key), f"{key} must be true or false")
            else:
                result[key] = table[key]
    if "offer_above" in table:
        value = table["offer_above"]
        if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
            check.fail((*where, "offer_above"), "offer_above must be an amount (0 or more)")
        else:
            result["offer_above"] = value
    if "approvers" in table:
        value = table["approvers"]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            check.fail((*where, "approvers"), "approvers must be a list of staff handles")
        else:
            approvers = []
            for handle in value:
                if handle.lower() not in handles:
                    check.fail(
                        (*where, "approvers"), f"approver {handle!r} is not on the staff list"
                    )
                else:
                    approvers.append(handle.lower())
            result["approvers"] = approvers
    rules = [k for k in ("critical", "every_reply", "new_staff") if result.get(k)]
    if "offer_above" in result:
        rules.append("offer_above")
    if rules and not result.get("approvers") and table:
        check.fail(where, f"approvals ({', '.join(rules)}) need approvers = [staff handles]")
    return result

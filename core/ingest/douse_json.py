"""Reading a douse JSON incident log (schema "douse-incident-log", docs/export-schema.md, written
by core.export.douse_json) into any douse database: `douse import --format douse-json`.

Ids inside a file are the exporting database's; the importer maps them to new rows and matches what
already exists by natural keys (client slug, staff handle, author platform+handle, mention
dedupe_key, incident opened_at+kind+title), so importing the same file twice adds nothing.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any, TextIO, TypeGuard

from sqlalchemy import select
from sqlalchemy.orm import Session

from douse.core.clock import as_utc
from douse.core.db.models import (
    ACTIVITY_KINDS,
    INCIDENT_KINDS,
    INCIDENT_STATUSES,
    SENTIMENT_LABELS,
    SEVERITIES,
    Account,
    Activity,
    Author,
    Client,
    Incident,
    IncidentMention,
    Mention,
    Source,
    Staff,
)
from douse.core.errors import DouseError
from douse.core.ingest.jsonstream import iter_members
from douse.core.ingest.tame import LARGEST_COUNT as LARGEST_INT
from douse.core.policy import ReplyPolicy
from douse.core.policy import imported as policy_imported
from douse.core.text import strip_controls
from douse.core.wording import plural

# The format this douse writes and reads; the writer stamps these on every file.
SCHEMA = "douse-incident-log"
SCHEMA_VERSION = 1

# Activity details that name rows by id (a thank-you's post, a merge's or split's incidents, the
# posts a split moved, a troll flag's author): the exporting database's ids, which would name
# other rows here, so they are mapped to this database's on import. Incidents through the ids
# this import gave them; posts and authors through the entry's `refs` (their dedupe_key, their
# platform and handle), found in the database, so no map of every exported post is kept.
_DETAIL_IDS = {
    "mention_id": "mentions",
    "mentions": "mentions",
    "into": "incidents",
    "from": "incidents",
    "to": "incidents",
    "troll_author": "authors",
}
# Rows a file never carries (undo points, repair checks): their ids are kept for the record under
# `exported_ids`, never where douse would read them as this database's.
_UNCARRIED_IDS = ("undo", "check_id")


@dataclass
class ImportSummary:
    client: str = ""
    client_created: bool = False
    incidents_created: int = 0
    incidents_existing: int = 0
    mentions_created: int = 0
    mentions_existing: int = 0
    activities_created: int = 0
    # Imported entries that break this database's reply policy: kept as recorded, with a note.
    policy_breaches: int = 0
    authors_created: int = 0
    staff_created: int = 0
    accounts_created: int = 0
    sources_created: int = 0

    def line(self) -> str:
        return (
            f"{self.client}: {plural(self.incidents_created, 'incident')} imported, "
            f"{self.incidents_existing} already present; "
            f"{plural(self.mentions_created, 'mention')}, "
            f"{plural(self.activities_created, 'activity', 'activities')}"
            + (
                f" ({self.policy_breaches} break the reply policy: imported as recorded, "
                "with a note on each)"
                if self.policy_breaches
                else ""
            )
        )


def _or(value: float | None, default: float) -> float:
    return default if value is None else value


class _Fields:
    """Typed access to one JSON object, every complaint naming where in the file it was."""

    def __init__(self, data: Any, where: str) -> None:
        if not isinstance(data, dict):
            raise DouseError(f"{where}: expected an object")
        self.data = data
        self.where = where

    def _get(self, key: str, required: bool) -> Any:
        if key not in self.data and required:
            raise DouseError(f"{self.where}: missing {key!r}")
        return self.data.get(key)

    def str_(self, key: str, *, required: bool = False) -> str | None:
        value = self._get(key, required)
        if value is None and not required:
            return None
        if not isinstance(value, str):
            raise DouseError(f"{self.where}: {key!r} must be a string")
        # Internet text stays inert: a file that carries ESC or BEL bytes (edited by hand, or
        # written by another tool) must not put them in the database and so in every export.
        return strip_controls(value)

    def text(self, key: str) -> str:
        return self.str_(key) or ""

    def int_(self, key: str, default: int | None = None) -> int | None:
        value = self._get(key, False)
        if value is None:
            return default
        if isinstance(value, bool) or not isinstance(value, int):
            raise DouseError(f"{self.where}: {key!r} must be an integer")
        if abs(value) > LARGEST_INT:
            raise DouseError(f"{self.where}: {key!r} is out of range: {value}")
        return value

    def float_(self, key: str) -> float | None:
        value = self._get(key, False)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise DouseError(f"{self.where}: {key!r} must be a number")
        try:
            number = float(value)
        except OverflowError:
            number = math.inf
        if not math.isfinite(number):
            raise DouseError(f"{self.where}: {key!r} is not a finite number: {value!r}")
        return number

    def bool_(self, key: str) -> bool:
        value = self._get(key, False)
        if value is None:
            return False
        if not isinstance(value, bool):
            raise DouseError(f"{self.where}: {key!r} must be true or false")
        return value

    def time(self, key: str, *, required: bool = False) -> datetime | None:
        value = self.str_(key, required=required)
        if value is None:
            return None
        try:
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            raise DouseError(f"{self.where}: {key!r} is not an ISO 8601 time: {value!r}") from None
        return as_utc(parsed)

    def required_time(self, key: str) -> datetime:
        value = self.time(key, required=True)
        assert value is not None
        return value

    def choice(self, key: str, allowed: tuple[str, ...], default: str) -> str:
        value = self.str_(key) or default
        if value not in allowed:
            raise DouseError(f"{self.where}: {key!r} is {value!r}, not one of {', '.join(allowed)}")
        return value

    def list_(self, key: str) -> list[Any]:
        value = self._get(key, False)
        if value is None:
            return []
        if not isinstance(value, list):
            raise DouseError(f"{self.where}: {key!r} must be a list")
        return value

    def dict_(self, key: str) -> dict[str, Any]:
        value = self._get(key, False)
        if value is None:
            return {}
        if not isinstance(value, dict):
            raise DouseError(f"{self.where}: {key!r} must be an object")
        return value

    def obj(self, key: str) -> _Fields | None:
        value = self._get(key, False)
        return None if value is None else _Fields(value, f"{self.where}.{key}")


@dataclass
class _Importer:
    session: Session
    now: datetime
    summary: ImportSummary = field(default_factory=ImportSummary)
    client: Client | None = None
    staff_names: dict[str, str] = field(default_factory=dict)
    staff_ids: dict[str, int] = field(default_factory=dict)
    account_ids: dict[tuple[str, str], int] = field(default_factory=dict)
    source_ids: dict[str, int] = field(default_factory=dict)
    # Exported id -> new id. Ints only: a few megabytes at a million rows, never the rows.
    incident_ids: dict[int, int] = field(default_factory=dict)
    activity_ids: dict[int, int] = field(default_factory=dict)
    # Log entries naming a row that comes later in the file (a split's new incident), written
    # at the end (the log is append-only: an entry is never written first and mended after),
    # with the exported ids of those entries, so that an entry correcting one waits with it.
    deferred: list[tuple[int, _Fields]] = field(default_factory=list)
    deferred_ids: set[int] = field(default_factory=set)
    pending_merges: list[tuple[int, int]] = field(default_factory=list)
    pending_duplicates: list[tuple[int, str]] = field(default_factory=list)
    _policy: ReplyPolicy | None = None

    # -- header

    def take_client(self, data: Any) -> None:
        f = _Fields(data, "client")
        slug = f.str_("slug", required=True) or ""
        if not slug.strip():
            raise DouseError("client: 'slug' is empty")
        self.summary.client = slug
        client = self.session.scalars(select(Client).where(Client.slug == slug)).one_or_none()
        if client is None:
            client = Client(
                slug=slug,
                name=f.str_("name") or slug,
                timezone=f.str_("timezone") or "UTC",
                business_hours=f.dict_("business_hours"),
                holidays=f.dict_("holidays"),
                first_response_minutes=f.int_("first_response_minutes", 120),
                next_response_minutes=f.int_("next_response_minutes", 240),
                resolution_minutes=f.int_("resolution_minutes", 2880),
                targets_by_severity=f.dict_("targets_by_severity"),
                negative_threshold=_or(f.float_("negative_threshold"), -0.05),
                positive_threshold=_or(f.float_("positive_threshold"), 0.05),
                created_at=self.now,
                updated_at=self.now,
            )
            self.session.add(client)
            self.session.flush()
            self.summary.client_created = True
        self.client = client

    def take_staff(self, data: Any) -> None:
        if not isinstance(data, list):
            raise DouseError("staff: expected a list")
        for n, item in enumerate(data):
            f = _Fields(item, f"staff[{n}]")
            handle = f.str_("handle", required=True) or ""
            self.staff_names[handle] = f.str_("name") or handle

    # -- lookups that create what is missing

    def staff_id(self, handle: str | None) -> int | None:
        if not handle:
            return None
        if handle not in self.staff_ids:
            found = self.session.scalars(select(Staff.id).where(Staff.handle == handle)).first()
            if found is None:
                # Inactive: an imported colleague is a name in the record, not someone to assign.
                staff = Staff(
                    handle=handle, name=self.staff_names.get(handle, handle), active=False
                )
                self.session.add(staff)
                self.session.flush()
                found = staff.id
                self.summary.staff_created += 1
            self.staff_ids[handle] = found
        return self.staff_ids[handle]

    def account_id(self, f: _Fields | None) -> int | None:
        if f is None:
            return None
        key = (f.str_("platform", required=True) or "", f.str_("handle", required=True) or "")
        if key not in self.account_ids:
            assert self.client is not None
            found = self.session.scalars(
                select(Account.id).where(
                    Account.client_id == self.client.id,
                    Account.platform == key[0],
                    Account.handle == key[1],
                )
            ).first()
            if found is None:
                account = Account(client_id=self.client.id, platform=key[0], handle=key[1])
                self.session.add(account)
                self.session.flush()
                found = account.id
                self.summary.accounts_created += 1
            self.account_ids[key] = found
        return self.account_ids[key]

    def source_id(self, f: _Fields | None) -> int | None:
        if f is None:
            return None
        name = f.str_("name", required=True) or ""
        if name not in self.source_ids:
            assert self.client is not None
            found = self.session.scalars(
                select(Source.id).where(Source.client_id == self.client.id, Source.name == name)
            ).first()
            if found is None:
                kind = f.str_("kind") or "import"
                # Disabled: an imported source documents where mentions came from; polling it is
                # a decision for clients.toml, not a side effect of an import.
                source = Source(
                    client_id=self.client.id,
                    name=name,
                    kind=kind
                    if kind
                    in ("rss", "mastodon", "bluesky", "hackernews", "reddit", "import", "manual")
                    else "import",
                    target=f.text("target"),
                    enabled=False,
                )
                self.session.add(source)
                self.session.flush()
                found = source.id
                self.summary.sources_created += 1
            self.source_ids[name] = found
        return self.source_ids[name]

    def author_id(self, f: _Fields | None) -> int | None:
        if f is None:
            return None
        platform = f.str_("platform", required=True) or ""
        handle = f.str_("handle", required=True) or ""
        found = self._author_by_handle(platform, handle)
        if found is not None:
            return found
        author = Author(
            platform=platform,
            handle=handle,
            display_name=f.str_("display_name"),
            profile_url=f.str_("profile_url"),
            followers=f.int_("followers"),
            is_troll=f.bool_("is_troll"),
            is_vip=f.bool_("is_vip"),
        )
        self.session.add(author)
        self.session.flush()
        self.summary.authors_created += 1
        return author.id

    # -- incidents

    def take_incident(self, data: Any, n: int) -> None:
        if self.client is None:
            raise DouseError("not a douse JSON export: 'client' must come before 'incidents'")
        f = _Fields(data, f"incidents[{n}]")
        old_id = f.int_("id")
        opened_at = f.required_time("opened_at")
        title = f.str_("title", required=True) or ""
        kind = f.choice("kind", INCIDENT_KINDS, "mention")
        existing = self.session.scalars(
            select(Incident.id).where(
                Incident.client_id == self.client.id,
                Incident.opened_at == opened_at,
                Incident.kind == kind,
                Incident.title == title,
            )
        ).first()
        if existing is not None:
            self.summary.incidents_existing += 1
            if old_id is not None:
                self.incident_ids[old_id] = existing
            return
        incident = Incident(
            client_id=self.client.id,
            account_id=self.account_id(f.obj("account")),
            kind=kind,
            title=title,
            severity=f.choice("severity", SEVERITIES, "low"),
            severity_reasons=f.list_("severity_reasons"),
            status=f.choice("status", INCIDENT_STATUSES, "new"),
            owner_id=self.staff_id(f.str_("owner")),
            is_pattern=f.bool_("is_pattern"),
            distinct_authors=f.int_("distinct_authors", 1),
            mention_count=f.int_("mention_count", 0),
            terms=f.list_("terms"),
            opened_at=opened_at,
            acknowledged_at=f.time("acknowledged_at"),
            first_response_at=f.time("first_response_at"),
            last_customer_at=f.time("last_customer_at"),
            last_response_at=f.time("last_response_at"),
            resolved_at=f.time("resolved_at"),
            closed_at=f.time("closed_at"),
            first_response_due_at=f.time("first_response_due_at"),
            next_response_due_at=f.time("next_response_due_at"),
            resolution_due_at=f.time("resolution_due_at"),
            due_at=f.time("due_at"),
            paused_at=f.time("paused_at"),
            breached_at=f.time("breached_at"),
            breach_kind=f.str_("breach_kind"),
            resolution=f.str_("resolution"),
            repair_status=f.str_("repair_status"),
            updated_at=f.time("updated_at") or self.now,
            updated_by_id=self.staff_id(f.str_("updated_by")),
        )
        merged_into = f.int_("merged_into_id")
        if merged_into is not None and merged_into in self.incident_ids:
            incident.merged_into_id = self.incident_ids[merged_into]
        self.session.add(incident)
        self.session.flush()
        if merged_into is not None and incident.merged_into_id is None:
            self.pending_merges.append((incident.id, merged_into))
        if old_id is not None:
            self.incident_ids[old_id] = incident.id
        self.summary.incidents_created += 1
        for m, item in enumerate(f.list_("mentions")):
            self._take_mention(incident.id, _Fields(item, f"{f.where}.mentions[{m}]"))
        for a, item in enumerate(f.list_("activities")):
            self._take_activity(incident.id, _Fields(item, f"{f.where}.activities[{a}]"))
        self.session.flush()
        # The rows are written; forgetting them keeps a huge import's memory flat.
        self.session.expunge_all()
        self.client = self.session.get(Client, self.client.id)

    def take_mention(self, data: Any, n: int) -> None:
        """A mention of the period that is not part of any incident in the file."""
        if self.client is None:
            raise DouseError("not a douse JSON export: 'client' must come before 'mentions'")
        self._mention_id(_Fields(data, f"mentions[{n}]"))
        if n % 500 == 499:
            self.session.flush()
            self.session.expunge_all()  # keep a big import's memory flat
            self.client = self.session.get(Client, self.client.id)

    def _take_mention(self, incident_id: int, f: _Fields) -> None:
        mention_id = self._mention_id(f)
        self.session.add(
            IncidentMention(
                incident_id=incident_id,
                mention_id=mention_id,
                added_at=f.time("added_at") or self.now,
            )
        )

    def _mention_id(self, f: _Fields) -> int:
        """The mention's id here: matched by dedupe_key, or created from the file."""
        assert self.client is not None
        dedupe_key = f.str_("dedupe_key", required=True) or ""
        mention_id = self.session.scalars(
            select(Mention.id).where(
                Mention.client_id == self.client.id, Mention.dedupe_key == dedupe_key
            )
        ).first()
        if mention_id is None:
            sentiment = f.obj("sentiment") or _Fields({}, f"{f.where}.sentiment")
            mention = Mention(
                client_id=self.client.id,
                source_id=self.source_id(f.obj("source")),
                account_id=self.account_id(f.obj("account")),
                author_id=self.author_id(f.obj("author")),
                platform=f.str_("platform", required=True),
                external_id=f.str_("external_id"),
                dedupe_key=dedupe_key,
                url=f.str_("url"),
                canonical_url=f.str_("canonical_url"),
                title=f.text("title"),
                text=f.text("text"),
                published_at=f.required_time("published_at"),
                fetched_at=f.time("fetched_at") or self.now,
                language=f.str_("language"),
                sentiment_compound=sentiment.float_("compound"),
                sentiment_label=sentiment.choice("label", SENTIMENT_LABELS, "unscored"),
                sentiment_reasons=sentiment.list_("reasons"),
                model_label=sentiment.str_("model_label"),
                label_corrected_by_id=self.staff_id(sentiment.str_("corrected_by")),
                likes=f.int_("likes", 0),
                shares=f.int_("shares", 0),
                replies=f.int_("replies", 0),
                fingerprint=f.str_("fingerprint"),
                duplicate_count=f.int_("duplicate_count", 0),
                raw=f.dict_("raw") if f.data.get("raw") is not None else None,
                # Judged where it was exported: its incidents come with it, and a post outside
                # them stays outside (triage must not open incidents for the report's chart).
                triaged_at=self.now,
            )
            duplicate_of = f.str_("duplicate_of")
            if duplicate_of:
                mention.duplicate_of_id = self._mention_by_key(duplicate_of)
            self.session.add(mention)
            self.session.flush()
            if duplicate_of and mention.duplicate_of_id is None:
                self.pending_duplicates.append((mention.id, duplicate_of))
            mention_id = mention.id
            self.summary.mentions_created += 1
        else:
            self.summary.mentions_existing += 1
        return mention_id

    def _author_by_handle(self, platform: str, handle: str) -> int | None:
        return self.session.scalars(
            select(Author.id).where(Author.platform == platform, Author.handle == handle)
        ).first()

    def _mention_by_key(self, dedupe_key: str) -> int | None:
        assert self.client is not None
        return self.session.scalars(
            select(Mention.id).where(
                Mention.client_id == self.client.id, Mention.dedupe_key == dedupe_key
            )
        ).first()

    def _take_activity(self, incident_id: int, f: _Fields, *, final: bool = False) -> None:
        corrects = f.int_("corrects_id")
        details, complete = self._map_details(f.dict_("details"), f.dict_("refs"), final=final)
        if not final and (not complete or corrects in self.deferred_ids):
            self.deferred.append((incident_id, f))
            old_id = f.int_("id")
            if old_id is not None:
                self.deferred_ids.add(old_id)
            return
        amount_text = f.data.get("amount")
        amount: Decimal | None = None
        if amount_text is not None:
            try:
                amount = Decimal(str(amount_text))
            except InvalidOperation:
                raise DouseError(f"{f.where}: 'amount' is not a number: {amount_text!r}") from None
        kind = f.choice("kind", ACTIVITY_KINDS, "internal_note")
        channel = f.str_("channel")
        body = f.text("body")
        currency = f.str_("currency")
        # What happened is history: it is imported as it was, never refused, but an entry that
        # breaks this database's policy says so (core.policy.gate.imported).
        assert self.client is not None
        policy = self.policy()
        record = policy_imported(
            policy,
            kind,
            body,
            now=self.now,
            details=details,
            platform=channel if channel and policy.limit_for(channel) is not None else None,
            amount=amount,
            currency=currency or (policy.currency if amount is not None else None),
        )
        if record is not None:
            details = {**details, "policy": record}
            self.summary.policy_breaches += 1
        activity = Activity(
            incident_id=incident_id,
            kind=kind,
            channel=channel,
            staff_id=self.staff_id(f.str_("staff")),
            at=f.required_time("at"),
            body=body,
            outcome=f.str_("outcome"),
            amount=amount,
            currency=currency,
            details=details,
            # A correction always follows what it corrects, so the target is already mapped.
            corrects_id=self.activity_ids.get(corrects) if corrects is not None else None,
        )
        self.session.add(activity)
        self.session.flush()
        old_id = f.int_("id")
        if old_id is not None:
            self.activity_ids[old_id] = activity.id
        self.summary.activities_created += 1

    def _map_details(
        self, details: dict[str, Any], refs: dict[str, Any], *, final: bool
    ) -> tuple[dict[str, Any], bool]:
        """The details with the exporting database's ids replaced by this one's, and whether
        every id that can be found was (one that names a row later in the file is not yet).
        An id the file does not say how to find, or one still missing when `final`, is moved
        to `exported_ids`: kept for the record, read by nothing."""
        mapped = dict(details)
        kept = dict(mapped.get("exported_ids") or {})
        complete = True
        for key, table in _DETAIL_IDS.items():
            value = mapped.get(key)
            if _is_id(value):
                olds = [value]
            elif isinstance(value, list) and value and all(_is_id(v) for v in value):
                olds = value
            else:
                continue  # not an id here: a status change's "from" and "to" are words
            found = [self._here(table, old, refs) for old in olds]
            if all(isinstance(n, int) for n in found):
                mapped[key] = found if isinstance(value, list) else found[0]
            elif final or "unknown" in found:
                kept[key] = mapped.pop(key)
            else:
                complete = False
        for key in _UNCARRIED_IDS:
            if key in mapped:
                kept[key] = mapped.pop(key)
        if kept:
            mapped["exported_ids"] = kept
        return mapped, complete

    def _here(self, table: str, old: int, refs: dict[str, Any]) -> int | str:
        """This database's id for an exported one; "later" when the row is not (yet) here,
        "unknown" when the file does not say which row it is."""
        if table == "incidents":
            return self.incident_ids.get(old, "later")
        named = refs.get(table)
        ref = named.get(str(old)) if isinstance(named, dict) else None
        if table == "mentions" and isinstance(ref, str):
            found = self._mention_by_key(ref)
        elif table == "authors" and isinstance(ref, dict):
            found = self._author_by_handle(str(ref.get("platform")), str(ref.get("handle")))
        else:
            return "unknown"
        return "later" if found is None else found

    def policy(self) -> ReplyPolicy:
        assert self.client is not None
        if self._policy is None:
            self._policy = ReplyPolicy.from_dict(self.client.reply_policy)
        return self._policy

    def finish(self) -> None:
        for new_id, old_target in self.pending_merges:
            target = self.incident_ids.get(old_target)
            incident = self.session.get(Incident, new_id)
            if target is not None and incident is not None:
                incident.merged_into_id = target
        for mention_id, key in self.pending_duplicates:
            original = self._mention_by_key(key)
            mention = self.session.get(Mention, mention_id)
            if original is not None and mention is not None:
                mention.duplicate_of_id = original
        for incident_id, f in self.deferred:
            self._take_activity(incident_id, f, final=True)
        self.session.flush()


def _is_id(value: Any) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def _check_header(key: str, value: Any) -> None:
    if key == "schema" and value != SCHEMA:
        raise DouseError(f"not a douse incident log: schema is {value!r}, expected {SCHEMA!r}")
    if key == "schema_version" and (
        not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= SCHEMA_VERSION
    ):
        raise DouseError(
            f"douse-json schema_version {value!r} is not supported "
            f"(this douse reads 1..{SCHEMA_VERSION})"
        )


def import_douse_json(session: Session, stream: TextIO, now: datetime) -> ImportSummary:
    """Read one douse JSON export into the session's database; the caller commits.

    Bad input raises DouseError naming the place in the file; the caller's rollback then leaves
    the database as it was.
    """
    importer = _Importer(session=session, now=now)
    seen_schema = False
    n = 0
    m = 0
    for key, value in iter_members(stream, ("mentions", "incidents")):
        if key in ("schema", "schema_version"):
            _check_header(key, value)
            seen_schema = seen_schema or key == "schema"
        elif key == "client":
            importer.take_client(value)
        elif key == "staff":
            importer.take_staff(value)
        elif key == "mentions":
            if not seen_schema:
                raise DouseError("not a douse incident log: no 'schema' before 'mentions'")
            importer.take_mention(value, m)
            m += 1
        elif key == "incidents":
            if not seen_schema:
                raise DouseError("not a douse incident log: no 'schema' before 'incidents'")
            importer.take_incident(value, n)
            n += 1
    if not seen_schema:
        raise DouseError("not a douse incident log: no 'schema' member")
    if importer.client is None:
        raise DouseError("not a douse incident log: no 'client' member")
    importer.finish()
    return importer.summary


def iter_incident_objects(stream: TextIO) -> Iterator[dict[str, Any]]:
    """The raw incident objects of an export, for tools that only read (tests, migrations)."""
    for key, value in iter_members(stream, ("mentions", "incidents")):
        if key == "incidents":
            yield value

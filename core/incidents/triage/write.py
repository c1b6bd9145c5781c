"""Triage's writes: open an incident, add a post to one, reopen one, and finish a batch
(severity, titles, keys, notifications) once for every incident it touched."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import and_, bindparam, insert, update

from douse.core.db.base import table_of
from douse.core.db.models import OPEN_STATUSES, Activity, IncidentKey, IncidentMention
from douse.core.incidents.clocks import (
    on_customer_reply,
    on_new_voice,
    restart_after_reopen,
    start_clocks,
    tighten_for_severity,
)
from douse.core.incidents.notify import notify
from douse.core.incidents.problems import problem_title, topic_terms
from douse.core.incidents.routing import route
from douse.core.incidents.rows import IncidentRow, insert_new, number_new, update_changed
from douse.core.incidents.severity import EvidenceSummary, assess_summary, level
from douse.core.incidents.triage.background import Background
from douse.core.incidents.triage.post import Post
from douse.core.incidents.triage.state import ClientState, KeyRow, Tracked
from douse.core.text import inert

TITLE_CHARS = 120


@dataclass
class Run:
    opened: list[IncidentRow] = field(default_factory=list)
    reopened: list[IncidentRow] = field(default_factory=list)
    joined: int = 0
    monitored: int = 0
    ignored: int = 0
    notifications: int = 0
    spikes: list[int] = field(default_factory=list)
    # Thank-you replies to log on the incidents they answer, once those have ids (`finish`).
    thanks: list[tuple[Tracked, Post]] = field(default_factory=list)


def open_incident(
    state: ClientState,
    post: Post,
    run: Run,
    *,
    kind: str = "mention",
    keys: list[str] | tuple[str, ...] = (),
    problem: Tracked | None = None,
    placed: str | None = None,
) -> Tracked:
    client = state.client
    routed = route(
        client,
        client.accounts,
        state.staff,
        account_id=post.account_id,
        platform=post.platform,
        text=post.full_text,
    )
    monitor = kind == "monitor"
    incident = IncidentRow.new(
        client_id=client.id,
        account_id=routed.account_id,
        kind=kind,
        title=inert(post.title or post.text, TITLE_CHARS) or "(no text)",
        severity="low",
        severity_reasons=[f"author {post.handle} is flagged as a troll"] if monitor else [],
        status="monitor" if monitor else "new",
        owner_id=routed.owner_id,
        distinct_authors=1,
        mention_count=0,
        terms=[],
        # A case placed by a surge said nothing of the problem's subject: it keeps its own.
        category=(problem.incident.category if problem and not placed else None)
        or (post.category.name if post.category else None),
        # A problem opened in this batch has no id yet: set when the batch is written.
        problem_id=problem.incident.id if problem and not problem.new else None,
        opened_at=state.now,
        last_customer_at=post.published_at,
        updated_at=state.now,
    )
    # Not written here: the batch's incidents are written once, judged and titled, at the end.
    tracked = Tracked(
        incident,
        EvidenceSummary(),
        new=True,
        founder=post.author_id,
        problem=problem,
        placed=placed,
    )
    state.track(tracked)
    for key in keys:
        _key(state, tracked, key, post.published_at)
    run.opened.append(incident)
    _attach(state, tracked, post)
    if not monitor:
        # Severity is judged at the end of the batch; the clocks start with what it is now and
        # tighten if it rises.
        start_clocks(incident, client, state.now)
    return tracked


def join(
    state: ClientState, tracked: Tracked, post: Post, run: Run, *, customer_reply: bool
) -> None:
    inc = tracked.incident
    new_person = post.author_id is not None and post.author_id not in tracked.author_last
    _attach(state, tracked, post)
    run.joined += 1
    if inc.status not in OPEN_STATUSES or inc.status == "monitor":
        inc.last_customer_at = max(filter(None, [inc.last_customer_at, post.published_at]))
        return
    if customer_reply:
        if inc.status == "waiting_customer":
            inc.status = "in_progress"
        on_customer_reply(inc, state.client, post.published_at)
    elif new_person and post.concern:
        # Someone new is waiting for an answer: the problem is due again.
        on_new_voice(inc, state.client, post.published_at)
    else:
        inc.last_customer_at = max(filter(None, [inc.last_customer_at, post.published_at]))


def reopen(state: ClientState, tracked: Tracked, post: Post, run: Run) -> None:
    inc = tracked.incident
    before = inc.status
    inc.status = "in_progress"
    # breached_at keeps the first deadline ever missed; the new clocks get breaches of their own.
    restart_after_reopen(inc, state.client, state.now)
    state.session.add(
        Activity(
            incident_id=inc.id,
            kind="status_change",
            at=state.now,
            body=f"reopened: the author posted again ({before} -> in_progress)",
            details={"from": before, "to": "in_progress", "mention_id": post.id},
        )
    )
    run.reopened.append(inc)


def add_keys(state: ClientState, tracked: Tracked, post: Post, keys: list[str]) -> None:
    for key in keys:
        _key(state, tracked, key, post.published_at)


def _key(state: ClientState, tracked: Tracked, key: str, at: datetime) -> None:
    row = tracked.keys.get(key)
    if row is None:
        tracked.keys[key] = KeyRow(key, at, at, 1)
        state.by_key[key].append(tracked)
    else:
        row.first_at = min(row.first_at, at)
        row.last_at = max(row.last_at, at)
        row.posts += 1
        row.changed = True
    state.keyed[id(tracked)] = tracked


def _attach(state: ClientState, tracked: Tracked, post: Post) -> None:
    inc = tracked.incident
    tracked.links.append(post.id)
    ev = post.evidence()
    new_person = ev.counts and (post.author_id is None or post.author_id not in tracked.voices)
    if ev.counts and post.author_id is not None:
        tracked.voices.add(post.author_id)
    tracked.summary.add(ev, new_person=new_person)
    tracked.terms.update(post.terms)  # distinct already: each word counts once a post
    tracked.note_words(post.words)
    if post.author_id is not None:
        state.saw(tracked, post.author_id, post.published_at)
        if tracked.founder is None and ev.counts:
            tracked.founder = post.author_id
    inc.mention_count = (inc.mention_count or 0) + 1
    # Set only when they change: an incident takes dozens of posts in a batch, and each set of
    # a mapped attribute records history the flush then compares (the row written is the same).
    if inc.updated_at != state.now:
        inc.updated_at = state.now
    if inc.updated_by_id is not None:
        inc.updated_by_id = None
    if inc.category is None and post.category is not None and inc.kind != "monitor":
        inc.category = post.category.name
    tracked.touched = True


def finish(state: ClientState, run: Run, background: Background) -> None:
    """Judge, title and save every incident the batch touched; write them once; then alert."""
    alerts: list[tuple[IncidentRow, str, Callable[[IncidentRow], str]]] = []
    touched = [t for t in state.incidents if t.touched]
    for tracked in touched:
        alerts.extend(_judge(state, tracked))
        _retitle(state, tracked, background)
        tracked.save()
        tracked.touched = False
    _write_incidents(state, touched)
    links = [
        {"incident_id": t.incident.id, "mention_id": mention_id, "added_at": state.now}
        for t in touched
        for mention_id in t.links
    ]
    # Core executemany statements, once the incidents have their ids: the ORM's unit of work
    # costs several times as much per row here.
    connection = state.session.connection()
    if links:
        connection.execute(insert(table_of(IncidentMention)), links)
    for tracked in touched:
        tracked.links.clear()
    if run.thanks:
        connection.execute(
            insert(table_of(Activity)),
            [
                {
                    "incident_id": tracked.incident.id,
                    "kind": "customer_replied",
                    "channel": post.platform,
                    "staff_id": None,
                    "at": post.published_at,
                    # Who said it: on a problem's log, one of many people.
                    "body": inert(f"@{post.handle}: {post.full_text}", 2000)
                    if post.handle
                    else inert(post.full_text, 2000),
                    "details": {"mention_id": post.id, "thanks": True},
                }
                for tracked, post in run.thanks
            ],
        )
        run.thanks.clear()
    _write_keys(state)
    for incident, kind, message in alerts:
        if notify(state.session, incident, kind, message(incident), state.now):
            run.notifications += 1


def _write_incidents(state: ClientState, touched: list[Tracked]) -> None:
    """Insert the batch's new incidents (numbered in the order they were opened, so a problem
    comes before the cases under it) and update the loaded ones it changed."""
    new = [t for t in touched if t.new]
    number_new(state.session, [t.incident for t in new])
    for tracked in new:
        if tracked.problem is not None:
            tracked.incident.problem_id = tracked.problem.incident.id
    insert_new(state.session, [t.incident for t in new])
    update_changed(state.session, [t.incident for t in touched if not t.new])


_KEYS = table_of(IncidentKey)
_UPDATE_KEY = (
    update(_KEYS)
    .where(and_(_KEYS.c.incident_id == bindparam("owner"), _KEYS.c.key == bindparam("name")))
    .values(first_at=bindparam("first"), last_at=bindparam("last"), posts=bindparam("count"))
)


def _write_keys(state: ClientState) -> None:
    """Insert the keys incidents gained in this batch and update those that moved on."""
    new: list[dict[str, object]] = []
    moved: list[dict[str, object]] = []
    for tracked in state.keyed.values():
        incident_id = tracked.incident.id
        for row in tracked.keys.values():
            if not row.stored:
                new.append(
                    {
                        "client_id": state.client.id,
                        "incident_id": incident_id,
                        "key": row.key,
                        "first_at": row.first_at,
                        "last_at": row.last_at,
                        "posts": row.posts,
                    }
                )
            elif row.changed:
                moved.append(
                    {
                        "owner": incident_id,
                        "name": row.key,
                        "first": row.first_at,
                        "last": row.last_at,
                        "count": row.posts,
                    }
                )
            row.stored, row.changed = True, False
    state.keyed.clear()
    connection = state.session.connection()
    if new:
        connection.execute(insert(_KEYS), new)
    if moved:
        connection.execute(_UPDATE_KEY, moved)


def _judge(
    state: ClientState, tracked: Tracked
) -> list[tuple[IncidentRow, str, Callable[[IncidentRow], str]]]:
    """Severity from the summed-up evidence; the alerts it calls for, sent once written."""
    inc = tracked.incident
    before = "low" if tracked.new else inc.severity
    kept = [r for r in inc.severity_reasons or () if str(r).startswith("set to ")][-1:]
    a = assess_summary(tracked.summary, floor=before)
    troll = [r for r in inc.severity_reasons or () if "flagged as a troll" in str(r)]
    inc.severity = a.severity
    inc.severity_reasons = list(a.reasons) + [r for r in kept + troll if r not in a.reasons]
    inc.distinct_authors = max(a.distinct_authors, 1)
    alerts: list[tuple[IncidentRow, str, Callable[[IncidentRow], str]]] = []
    monitor = inc.status == "monitor" or inc.kind == "monitor"
    if a.is_pattern and not inc.is_pattern and not monitor and inc.kind != "spike":
        inc.is_pattern = True
        inc.kind = "pattern"
        people = a.distinct_authors
        alerts.append(
            (inc, "pattern", lambda i: f"#{i.id} is a pattern: {people} people say it — {i.title}")
        )
    if monitor:
        return []
    if tracked.new or level(a.severity) > level(before):
        tighten_for_severity(inc, state.client, state.now)
    if a.severity == "critical" and (tracked.new or before != "critical"):
        what = "opened as critical" if tracked.new else "is critical"
        # Written once the incident has its id and its final title.
        alerts.append((inc, "critical", lambda i: f"#{i.id} {what}: {i.title}"))
    return alerts


def _retitle(state: ClientState, tracked: Tracked, background: Background) -> None:
    """A problem is titled by what its people share, with the words that set it apart."""
    inc = tracked.incident
    inc.terms = topic_terms(
        tracked.terms, inc.mention_count or 1, background.counts, background.documents
    )
    if tracked.people < 2 or inc.kind not in ("mention", "pattern"):
        return
    key = _title_key(tracked)
    if key is None:
        return
    first = tracked.keys[key].first_at
    words: list[str] = []
    if key.startswith("term:"):
        also = _second_word(tracked, key)
        stems = [k.split(":", 1)[1] for k in (key, also) if k]
        words = [tracked.words.get(stem, stem) for stem in stems]
    title = problem_title(key, state.categorizer.titles, state.timezone, first, words=words)
    if inc.title != title:
        inc.title = title


def _title_key(tracked: Tracked) -> str | None:
    """The key most of its posts carry; an identifier shared by several posts wins a tie (it is
    the more specific), a staff hint never names anything."""
    keys = [row for row in tracked.keys.values() if not row.key.startswith("hint:")]
    if not keys:
        return None

    def rank(row: KeyRow) -> tuple[int, int, str]:
        specific = 0 if row.key.startswith(("cat:", "crit:")) else 1
        # Then by the key itself, not by the order the keys were gained: the same posts in
        # another order give the same title.
        return (-row.posts, -specific, row.key)

    best = min(keys, key=rank)
    return best.key if best.posts >= 2 else None


def _second_word(tracked: Tracked, key: str) -> str | None:
    """The other rare word most of its posts share (a word problem is drawn by two)."""
    others = [
        row
        for row in tracked.keys.values()
        if row.key.startswith("term:") and row.key != key and row.posts >= 2
    ]
    if not others:
        return None
    return min(others, key=lambda row: (-row.posts, row.key)).key

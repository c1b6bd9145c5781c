"""Eight `douse` processes editing one incident at once, on SQLite and on PostgreSQL.

What must hold (issue 15, finding 1): no traceback, ever; an append-only note is never lost to a
race (it is re-run on the new version); with `--expect-version`, exactly one writer wins each
version and every loser gets one line naming who changed what and when, exit 3.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from douse.core.clock import FrozenClock
from douse.core.db.models import Activity, Incident, Staff
from douse.core.incidents import TRANSITIONS, triage_new_mentions
from douse.core.services import build_services
from douse.core.settings import Settings
from tests import incident_factories as f
from tests.helpers import T0
from tests.reliability.pool import Outcome, WorkerPool

WRITERS = 8
NOTE_ROUNDS = 4  # 8 x 4 = 32 notes at once, in four waves
PINNED_ROUNDS = 3
STAFF = ("maya", "ana", "ben", "cy", "dee", "eli", "fay", "gus")
ENV = {"DOUSE_NOW": "2026-11-23T10:30:00Z"}
CONFLICT = re.compile(
    r"^douse: incident (\d+) was changed by (\w+) at \d{4}-\d\d-\d\d \d\d:\d\d UTC"
    r"( \([^\n]*\))?; reload and try again\n$"
)
TEXTS = (
    "Acme lost my parcel again",
    "The Acme app crashes at checkout every single time",
    "Acme charged my card twice for one order",
    "Rude driver from Acme threw the box over the fence",
    "Acme refund still missing after six weeks",
    "Acme website shows the wrong opening hours",
    "Acme helpline kept me on hold for ninety minutes",
)


def _world(url: str, tmp_path: Path) -> tuple[int, list[int]]:
    """One incident everybody edits, and a few others of the same client to merge into it."""
    services = build_services(
        Settings(url, tmp_path / "clients.toml", tmp_path / "logs"), clock=FrozenClock(T0)
    )
    try:
        with services.sessions.begin() as s:
            for handle in STAFF:
                f.staff(s, handle)
            c = f.client(s, industry="airline")
            opened: list[int] = []
            for i, text in enumerate(TEXTS):
                m = f.mention(s, c, f.author(s, f"user{i}"), text)
                summary = triage_new_mentions(s, [m.id], T0)
                opened.extend(summary.opened)
        assert len(opened) >= 3, "triage grouped the test posts; make them more different"
        return opened[0], opened[1:]
    finally:
        services.close()


def _state(url: str, tmp_path: Path, iid: int) -> tuple[Incident, list[Activity], str | None]:
    services = build_services(
        Settings(url, tmp_path / "clients.toml", tmp_path / "logs"), clock=FrozenClock(T0)
    )
    try:
        with services.sessions() as s:
            incident = s.get(Incident, iid)
            assert incident is not None
            entries = list(
                s.scalars(select(Activity).where(Activity.incident_id == iid).order_by(Activity.id))
            )
            owner = s.get(Staff, incident.owner_id) if incident.owner_id else None
            s.expunge_all()
        return incident, entries, owner.handle if owner else None
    finally:
        services.close()


@pytest.fixture(scope="module")
def pool(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WorkerPool]:
    """One set of warm workers for the module: each command names its database with --db."""
    with WorkerPool(WRITERS, ENV, tmp_path_factory.mktemp("writer-logs")) as workers:
        yield workers


def _no_traceback(outcomes: list[Outcome]) -> None:
    bad = [o for o in outcomes if o.traceback or o.err.count("\n") > 1]
    assert not bad, bad[0].err


def test_eight_processes_logging_notes_lose_none(
    db_url: str, tmp_path: Path, pool: WorkerPool
) -> None:
    iid, _ = _world(db_url, tmp_path)
    before, _, _ = _state(db_url, tmp_path, iid)
    expected = set()
    for round_ in range(NOTE_ROUNDS):
        texts = [f"note {w}-{round_}" for w in range(WRITERS)]
        expected.update(texts)
        outcomes = pool.run_all(
            [
                [
                    "--db",
                    db_url,
                    "log",
                    str(iid),
                    "--kind",
                    "internal_note",
                    "--by",
                    STAFF[w],
                    "--text",
                    text,
                ]
                for w, text in enumerate(texts)
            ]
        )
        _no_traceback(outcomes)
        assert [o.rc for o in outcomes] == [0] * WRITERS, [o.err for o in outcomes]
    after, entries, _ = _state(db_url, tmp_path, iid)
    notes = [e.body for e in entries if e.kind == "internal_note"]
    assert sorted(notes) == sorted(expected)  # each saved exactly once
    # Every note stepped the version: none was written without its version being checked.
    assert after.version >= before.version + WRITERS * NOTE_ROUNDS


def _pinned_commands(
    url: str, iid: int, incident: Incident, owner: str | None, spare: list[int], round_: int
) -> list[list[str]]:
    """Eight different writer commands, each valid on the incident as it is now, all pinned to
    its current version: only one can win."""
    v = str(incident.version)
    pin = ["--db", url]
    status = next(s for s in TRANSITIONS[incident.status] if s not in ("resolved", "closed"))
    severity = next(s for s in ("high", "medium", "critical", "low") if s != incident.severity)
    category = next(c for c in ("delays", "baggage", "refunds") if c != incident.category)
    assignee = next(h for h in STAFF[1:] if h != owner)
    commands = [
        [
            *pin,
            "log",
            str(iid),
            "--kind",
            "internal_note",
            "--by",
            "maya",
            "--text",
            f"pinned note {round_}",
            "--expect-version",
            v,
        ],
        [*pin, "assign", str(iid), assignee, "--by", "ana", "--expect-version", v],
        [*pin, "status", str(iid), status, "--by", "ben", "--expect-version", v],
        [
            *pin,
            "severity",
            str(iid),
            severity,
            "--reason",
            "race",
            "--by",
            "cy",
            "--expect-version",
            v,
        ],
        [*pin, "category", str(iid), category, "--by", "dee", "--expect-version", v],
        [
            *pin,
            "log",
            str(iid),
            "--kind",
            "public_reply",
            "--channel",
            "email",
            "--by",
            "eli",
            "--text",
            f"We are on it ({round_})",
            "--expect-version",
            v,
        ],
    ]
    if round_ < len(spare):
        commands.append(
            [*pin, "merge", str(iid), str(spare[round_]), "--by", "fay", "--expect-version", v]
        )
    commands.append([*pin, "undo", str(iid), "--by", "gus", "--expect-version", v])
    return commands[:WRITERS]


def test_every_writer_command_one_winner_per_version(
    db_url: str, tmp_path: Path, pool: WorkerPool
) -> None:
    iid, spare = _world(db_url, tmp_path)
    wins = 0
    for round_ in range(PINNED_ROUNDS):
        incident, _, owner = _state(db_url, tmp_path, iid)
        commands = _pinned_commands(db_url, iid, incident, owner, spare, round_)
        outcomes = pool.run_all(commands)
        _no_traceback(outcomes)
        winners = [o for o in outcomes if o.rc == 0]
        losers = [o for o in outcomes if o.rc == 3]
        refused = [o for o in outcomes if o.rc == 2]
        # gus's undo is refused when the last change is not his: that is not a race.
        pairs = list(zip(commands, outcomes, strict=True))
        odd = [(c[2], o.err) for c, o in pairs if o.rc == 2]
        assert all(what == "undo" for what, _ in odd), odd
        story = [(c[2], c[-1], o.rc, o.out.strip()) for c, o in pairs]
        assert len(winners) <= 1, (incident.version, story)
        assert len(winners) + len(losers) + len(refused) == len(outcomes), story
        for loser in losers:
            match = CONFLICT.match(loser.err)
            assert match, loser.err
            assert match.group(1) == str(iid)
        after, _, _ = _state(db_url, tmp_path, iid)
        if winners:
            wins += 1
            # One command may step the version more than once (a merge flushes twice).
            assert after.version > incident.version
            assert all(o.rc == 3 for o in outcomes if o not in winners and o not in refused)
        else:
            assert after.version == incident.version
    assert wins >= PINNED_ROUNDS - 1  # a round without a winner means everyone was refused


def test_unpinned_writers_of_every_kind_settle_without_tracebacks(
    db_url: str, tmp_path: Path, pool: WorkerPool
) -> None:
    iid, _ = _world(db_url, tmp_path)
    for round_ in range(2):
        commands = [
            [
                "--db",
                db_url,
                "log",
                str(iid),
                "--kind",
                "internal_note",
                "--by",
                "maya",
                "--text",
                f"free note {round_}-{w}",
            ]
            for w in range(3)
        ] + [
            ["--db", db_url, "assign", str(iid), STAFF[1 + round_], "--by", "ana"],
            [
                "--db",
                db_url,
                "severity",
                str(iid),
                ("high", "low", "critical")[round_],
                "--reason",
                "seen",
                "--by",
                "cy",
            ],
            ["--db", db_url, "status", str(iid), "acknowledged", "--by", "ben"],
            [
                "--db",
                db_url,
                "category",
                str(iid),
                ("delays", "baggage", "crew")[round_],
                "--by",
                "dee",
            ],
            ["--db", db_url, "undo", str(iid), "--by", "gus"],
        ]
        outcomes = pool.run_all(commands)
        _no_traceback(outcomes)
        # Nothing pinned, so nothing is a conflict: done, or refused for what it now is.
        assert all(o.rc in (0, 2) for o in outcomes), [o.err for o in outcomes]
        assert all(o.rc == 0 for o in outcomes[:3]), [o.err for o in outcomes[:3]]
    _, entries, _ = _state(db_url, tmp_path, iid)
    notes = sorted(e.body for e in entries if e.kind == "internal_note")
    assert notes == sorted(f"free note {r}-{w}" for r in range(2) for w in range(3))


def test_a_conflict_names_who_changed_what_and_exits_3(
    sqlite_url: str, tmp_path: Path, pool: WorkerPool
) -> None:
    iid, _ = _world(sqlite_url, tmp_path)
    incident, _, _ = _state(sqlite_url, tmp_path, iid)
    seen = str(incident.version)
    (first,) = pool.run_all(
        [
            [
                "--db",
                sqlite_url,
                "assign",
                str(iid),
                "ben",
                "--by",
                "ana",
                "--expect-version",
                seen,
            ]
        ]
    )
    assert first.rc == 0, first.err
    (late,) = pool.run_all(
        [
            [
                "--db",
                sqlite_url,
                "severity",
                str(iid),
                "critical",
                "--reason",
                "x",
                "--by",
                "cy",
                "--expect-version",
                seen,
            ]
        ]
    )
    assert late.rc == 3
    assert late.err.startswith(
        f"douse: incident {iid} was changed by ana at 2026-11-23 10:30 UTC (assignment: "
    )
    assert late.err.endswith(" -> ben); reload and try again\n") and late.err.count("\n") == 1

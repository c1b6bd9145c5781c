"""`douse import` and `douse mention add`: each file imported or refused in one line."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import func, select

from douse.core.db.models import Client, Mention, Staff
from douse.core.errors import DouseError, NotFound
from douse.core.ingest.manual import add_manual_mention
from douse.core.ingest.scoring import thread_analyzer
from douse.core.services import Services
from douse.tui.cli.main import main
from tests.helpers import T0

REVIEWS = """review_id,user,date,review,link
r1,jane,2026-11-20,"Acme Rentals kept my deposit, awful and rude",https://reviews.example/r1
r2,omar,2026-11-21,"Quick repairs from Acme, very happy",https://reviews.example/r2
r3,li,2026-11-22,"The lift was broken again",https://reviews.example/r3
"""


@pytest.fixture
def acme(sqlite_services: Services, monkeypatch: pytest.MonkeyPatch) -> Services:
    monkeypatch.setenv("DOUSE_NOW", T0.isoformat())
    monkeypatch.delenv("DOUSE_ME", raising=False)
    with sqlite_services.sessions.begin() as session:
        session.add(
            Client(
                slug="acme",
                name="Acme Rentals",
                keywords=["Acme"],
                created_at=T0,
                updated_at=T0,
            )
        )
        session.add(Staff(handle="alice", name="Alice"))
    return sqlite_services


def count(services: Services) -> int:
    with services.sessions() as session:
        return int(session.scalar(select(func.count()).select_from(Mention)) or 0)


def run(services: Services, *args: str) -> int:
    return main(["--db", services.settings.database_url, *args])


def test_csv_with_a_column_map_imports_once(
    acme: Services, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    csv = tmp_path / "reviews.csv"
    csv.write_text(REVIEWS.replace("review_id", "rid").replace(",review,", ",body_text,"))
    column_map = "text=body_text,author=user,published=date,url=link,id=rid"
    assert run(acme, "import", str(csv), "--client", "acme", "--map", column_map) == 0
    out = capsys.readouterr().out
    assert "reviews.csv: imported 2 new, 0 duplicate (0 near), 1 dropped" in out
    assert run(acme, "import", str(csv), "--client", "acme", "--map", column_map) == 0
    assert "imported 0 new, 2 duplicate" in capsys.readouterr().out
    assert count(acme) == 2
    with acme.sessions() as session:
        jane = session.scalars(select(Mention).where(Mention.external_id == "import:r1")).one()
        assert jane.sentiment_label == "negative"
        assert jane.author is not None and jane.author.handle == "jane"
        assert jane.fetched_at == T0


def test_keep_all_keeps_rows_without_keywords(
    acme: Services, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    csv = tmp_path / "own-reviews.csv"
    csv.write_text(REVIEWS)
    assert run(acme, "import", str(csv), "--client", "acme", "--keep-all") == 0
    assert "imported 3 new" in capsys.readouterr().out
    assert count(acme) == 3


def test_a_refused_file_names_itself_and_the_others_go_on(
    acme: Services, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = tmp_path / "good.jsonl"
    good.write_text(
        '{"id": "j1", "text": "Acme Rentals never called back", "author": "sam"}\n'
        '{"id": "j2", "text": "Acme fixed it", "author": "kim"}\n'
    )
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "b1", "text": "Acme is great"}\n{"id": "b2", "text": \n')
    feed = tmp_path / "saved.xml"
    feed.write_text(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>'
        "<item><guid>f1</guid><link>https://news.example/f1</link>"
        "<title>Acme Rentals fined</title><description>Acme Rentals fined for mould"
        "</description></item></channel></rss>"
    )
    missing = tmp_path / "missing.csv"
    code = run(acme, "import", str(bad), str(good), str(missing), str(feed), "--client", "acme")
    captured = capsys.readouterr()
    assert code == 2
    assert "bad.jsonl: refused: " in captured.err and ":2" in captured.err
    assert "missing.csv: refused: no such file" in captured.err
    assert "good.jsonl: imported 2 new" in captured.out
    assert "saved.xml: imported 1 new" in captured.out
    # The refused file stored nothing, not even its good first row.
    with acme.sessions() as session:
        ids = set(session.scalars(select(Mention.external_id)))
    assert "import:b1" not in ids and {"import:j1", "import:j2"} <= ids


def test_import_for_an_unknown_client_is_one_error(
    acme: Services, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    csv = tmp_path / "reviews.csv"
    csv.write_text(REVIEWS)
    assert run(acme, "import", str(csv), "--client", "nobody") == 2
    assert capsys.readouterr().err.strip() == "douse: no client 'nobody'"


def test_manual_mention_is_recorded_once_and_scored(acme: Services) -> None:
    with acme.sessions.begin() as session:
        first = add_manual_mention(
            session,
            "acme",
            "Caller says the boiler has been broken for two weeks and nobody came. Furious.",
            author="Mrs Jones",
            platform="phone",
            staff="alice",
            now=T0,
            scorer=thread_analyzer(),
        )
        again = add_manual_mention(
            session,
            "acme",
            "Caller says the boiler has been broken for two weeks and nobody came.  Furious.",
            author="mrs jones",
            platform="phone",
            staff="alice",
            now=T0,
            scorer=thread_analyzer(),
        )
    assert first.created and not again.created and again.mention_id == first.mention_id
    with acme.sessions() as session:
        mention = session.get(Mention, first.mention_id)
        assert mention is not None
        assert mention.platform == "phone" and mention.sentiment_label == "negative"
        assert mention.raw == {"entered_by": "alice", "entered_at": T0.isoformat()}
        assert mention.author is not None and mention.author.display_name == "Mrs Jones"
    with acme.sessions.begin() as session, pytest.raises(DouseError, match="needs some text"):
        add_manual_mention(session, "acme", "  ", now=T0, scorer=thread_analyzer())
    with acme.sessions.begin() as session, pytest.raises(NotFound, match="bob"):
        add_manual_mention(session, "acme", "hi", staff="bob", now=T0, scorer=thread_analyzer())


def test_mention_add_command(acme: Services, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["mention", "add", "--client", "acme", "--text", "Phoned: lift broken", "--author", "Li"]
    assert run(acme, *args) == 0
    out = capsys.readouterr().out
    # Which mention, and which incident it opened: the next command needs the number.
    assert re.fullmatch(r"recorded mention m\d+ \(negative\); opened incident #\d+ \(new\)\n", out)
    assert run(acme, *args) == 0
    out = capsys.readouterr().out
    assert re.fullmatch(
        r"already recorded as mention m\d+ \(negative\); on incident #\d+ \(new\)\n", out
    )
    happy = ["mention", "add", "--client", "acme", "--text", "Lovely staff, thank you"]
    assert run(acme, *happy) == 0
    assert "(positive); no incident (negative posts and critical terms open one)" in (
        capsys.readouterr().out
    )
    assert run(acme, "mention", "add", "--client", "zzz", "--text", "x") == 2
    assert count(acme) == 2


def test_a_file_outside_windows_1252_imports_and_the_next_file_goes_on(
    acme: Services, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    odd = tmp_path / "cp.csv"
    odd.write_bytes(b'review,date\n"Acme caf\xe9 terrible \x81",2026-11-20\n')
    utf16 = tmp_path / "excel.csv"
    utf16.write_text("review\tuser\r\nAcme: cold tea, rude staff\tzoë\r\n", encoding="utf-16")
    assert run(acme, "import", str(odd), str(utf16), "--client", "acme") == 0
    out = capsys.readouterr().out
    assert "cp.csv: imported 1 new" in out
    assert "excel.csv: imported 1 new" in out
    with acme.sessions() as session:
        texts = set(session.scalars(select(Mention.text)))
    assert "Acme café terrible" in texts and "Acme: cold tea, rude staff" in texts


def test_an_unexpected_decode_error_refuses_one_file_in_one_line(
    acme: Services,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from douse.tui.cli.commands import import_

    real = import_.import_file_batched

    def flaky(sessions: object, slug: str, path: str, **kwargs: object) -> object:
        if path.endswith("broken.csv"):
            raise UnicodeDecodeError("utf-8", b"\xff", 0, 1, "invalid start byte")
        return real(sessions, slug, path, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(import_, "import_file_batched", flaky)
    broken, good = tmp_path / "broken.csv", tmp_path / "good.csv"
    broken.write_text(REVIEWS)
    good.write_text(REVIEWS)
    assert run(acme, "import", str(broken), str(good), "--client", "acme") == 2
    captured = capsys.readouterr()
    assert captured.err.count("\n") == 1
    assert "broken.csv: refused: cannot decode" in captured.err
    assert "good.csv: imported 2 new" in captured.out


def test_star_only_reviews_are_skipped_and_counted_not_refused(
    acme: Services, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    csv = tmp_path / "reviews.csv"
    csv.write_text(
        "review_id,user,review,stars\n"
        "s1,jane,Acme Rentals kept my deposit,1\n"
        "s2,omar,,5\n"
        "s3,li,Acme fixed the boiler,4\n"
    )
    assert run(acme, "import", str(csv), "--client", "acme") == 0
    out = capsys.readouterr().out
    assert (
        "reviews.csv: imported 2 new, 0 duplicate (0 near), 0 dropped, 1 row without text skipped"
        in out
    )
    with acme.sessions() as session:
        ids = set(session.scalars(select(Mention.external_id)))
    assert ids == {"import:s1", "import:s3"}
    nothing = tmp_path / "stars.csv"
    nothing.write_text("review_id,review,stars\nx1,,5\nx2,,4\n")
    assert run(acme, "import", str(nothing), "--client", "acme") == 2
    err = capsys.readouterr().err
    assert "stars.csv: refused: stars.csv: no row has text (2 rows without text)" in err


def test_an_imported_storm_is_one_spike_checked_once_at_the_end(
    acme: Services, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A big file is judged in small transactions, but its hours are checked for spikes once
    (not per batch): a quiet week and then one hour of fifty complaints opens one spike."""
    from datetime import timedelta

    import douse.core.ingest.importer as importer
    from douse.core.db.models import Incident

    monkeypatch.setattr(importer, "JUDGE_BATCH", 20)
    monkeypatch.setattr(importer, "SQLITE_YIELD_S", 0.0)
    checks: list[int] = []
    import douse.core.incidents as incidents  # judge_waiting imports check_spikes from here

    original = incidents.check_spikes

    def counting(session, client_id, hours, now):  # type: ignore[no-untyped-def]
        checks.append(len(hours))
        return original(session, client_id, hours, now)

    monkeypatch.setattr(incidents, "check_spikes", counting)
    start = T0 - timedelta(days=3)
    lines = ["id,author,date,text"]
    for h in range(60):  # a quiet baseline: one post an hour
        at = start + timedelta(hours=h)
        lines.append(f"q{h},quiet{h},{at.isoformat()},Acme lift was slow today number {h}")
    storm = start + timedelta(hours=60, minutes=5)
    for i in range(50):
        at = storm + timedelta(seconds=30 * i)
        lines.append(f"s{i},angry{i},{at.isoformat()},Acme flooded my flat again, awful {i}")
    path = tmp_path / "storm.csv"
    path.write_text("\n".join(lines) + "\n")
    column_map = "id=id,author=author,published=date,text=text"
    assert run(acme, "import", str(path), "--client", "acme", "--map", column_map) == 0
    with acme.sessions() as session:
        spikes = session.scalars(select(Incident).where(Incident.kind == "spike")).all()
    assert [s.opened_at.replace(tzinfo=None) for s in spikes] == [
        storm.replace(minute=0, tzinfo=None)
    ]
    assert len(checks) == 1 and checks[0] >= 61  # every hour of the file, in one check


def test_an_import_on_sqlite_steps_aside_for_other_writers_by_time_not_per_batch(
    acme: Services, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another writer needs a gap in time, not one per transaction: with every transaction
    taking 0.15 s, the import pauses about once every three (every 0.4 s of writing), where
    pausing after each doubled an import's wall time."""
    import douse.core.ingest.importer as importer

    clock = [0.0]
    pauses: list[float] = []

    def monotonic() -> float:
        clock[0] += 0.15  # each look at the clock is one transaction later
        return clock[0]

    monkeypatch.setattr(importer, "monotonic", monotonic)
    monkeypatch.setattr(importer, "sleep", pauses.append)
    monkeypatch.setattr(importer, "JUDGE_BATCH", 10)
    lines = ["id,author,date,text"]
    lines += [
        f"r{i},p{i},2026-11-20T10:{i % 60:02d}:00Z,Acme lost my deposit {i}" for i in range(90)
    ]
    path = tmp_path / "many.csv"
    path.write_text("\n".join(lines) + "\n")
    column_map = "id=id,author=author,published=date,text=text"
    assert run(acme, "import", str(path), "--client", "acme", "--map", column_map) == 0
    with acme.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Mention)) == 90
    # One store transaction and nine judging ones (ten posts each) at least.
    assert pauses and set(pauses) == {importer.SQLITE_YIELD_S}
    assert 2 <= len(pauses) <= 4

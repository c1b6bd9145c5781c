"""Labels as data: labelled imports, `douse mention label`, desk corrections, all kept with who
gave them and when; a file with bad rows is refused whole, one line per row."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from douse.core.db.models import Client, Mention, Staff, TrainingLabel
from douse.core.learning.labels import label_counts, label_history
from douse.core.mentions import correct_label
from douse.core.services import Services
from douse.tui.cli.main import main
from tests.helpers import T0

LABELLED = """rid,who,body,verdict
p1,jane,"Acme Rentals kept my deposit for six months",negative
p2,omar,"Acme sent the plumber the same day, thank you",positive
p3,li,"Acme office opens at nine on Saturdays",neutral
p4,sam,"Acme lift is working now",
"""
MAP = "text=body,author=who,id=rid,label=verdict"


@pytest.fixture
def acme(sqlite_services: Services, monkeypatch: pytest.MonkeyPatch) -> Services:
    monkeypatch.setenv("DOUSE_NOW", T0.isoformat())
    with sqlite_services.sessions.begin() as session:
        for slug, name in (("acme", "Acme Rentals"), ("globex", "Globex")):
            session.add(Client(slug=slug, name=name, keywords=[slug], created_at=T0, updated_at=T0))
        session.add(Staff(handle="alice", name="Alice"))
        session.add(Staff(handle="bob", name="Bob"))
    return sqlite_services


def run(services: Services, *args: str) -> int:
    return main(["--db", services.settings.database_url, *args])


def labels(services: Services) -> list[TrainingLabel]:
    with services.sessions() as session:
        return list(session.scalars(select(TrainingLabel).order_by(TrainingLabel.id)))


def mentions(services: Services) -> int:
    with services.sessions() as session:
        return int(session.scalar(select(func.count()).select_from(Mention)) or 0)


def test_a_labelled_file_records_each_label_as_staff_given(
    acme: Services, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "labelled.csv"
    path.write_text(LABELLED)
    assert run(acme, "import", str(path), "--client", "acme", "--map", MAP, "--by", "alice") == 0
    out = capsys.readouterr().out
    assert "imported 4 new" in out and "3 labels recorded to learn from" in out
    rows = labels(acme)
    assert [(r.label, r.source, r.superseded_at) for r in rows] == [
        ("negative", "import", None),
        ("positive", "import", None),
        ("neutral", "import", None),
    ]
    with acme.sessions() as session:
        alice = session.scalars(select(Staff).where(Staff.handle == "alice")).one()
        assert {r.given_by_id for r in rows} == {alice.id}
        assert all(r.given_at == T0 for r in rows)
        office = session.scalars(select(Mention).where(Mention.external_id == "import:p3")).one()
        # The person's label is in force; the model's own stays beside it.
        assert office.sentiment_label == "neutral" and office.label_corrected_by_id == alice.id
        assert office.model_label is not None
        assert rows[2].mention_id == office.id and "nine on Saturdays" in rows[2].text
        unlabelled = session.scalars(select(Mention).where(Mention.external_id == "import:p4"))
        assert unlabelled.one().label_corrected_by_id is None
    # Importing the same file again is no new example.
    assert run(acme, "import", str(path), "--client", "acme", "--map", MAP, "--by", "alice") == 0
    assert len(labels(acme)) == 3


def test_bad_rows_refuse_the_whole_file_one_line_each(
    acme: Services, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(
        "rid,body,verdict,brand\n"
        'b1,"Acme never called back",negative,acme\n'
        'b2,"Acme broke the gate",furious,acme\n'
        "b3,,negative,acme\n"
        'b4,"Globex lost my parcel",negative,globex\n'
        'b5,"Acme fixed it",positive,ACME\n'
    )
    column_map = "text=body,id=rid,label=verdict,client=brand"
    code = run(acme, "import", str(path), "--client", "acme", "--map", column_map, "--by", "bob")
    err = capsys.readouterr().err.splitlines()
    assert code == 2
    assert len([line for line in err if "refused: bad.csv:" in line]) == 3
    assert any("bad.csv:3: unknown label 'furious'" in line for line in err)
    assert any("bad.csv:4: labelled negative but has no text" in line for line in err)
    assert any("bad.csv:5: a row of client 'globex', not 'acme'" in line for line in err)
    assert err[-1].endswith("nothing imported: 3 row(s) refused")
    # Nothing half-written: not the good rows, not their labels.
    assert mentions(acme) == 0 and labels(acme) == []


def test_a_labelled_import_needs_to_know_who_labelled(
    acme: Services, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "labelled.csv"
    path.write_text(LABELLED)
    assert run(acme, "import", str(path), "--client", "acme", "--map", MAP) == 2
    assert "say who is acting" in capsys.readouterr().err
    assert run(acme, "import", str(path), "--client", "acme", "--map", MAP, "--by", "zed") == 2
    assert "no staff member with handle 'zed'" in capsys.readouterr().err
    assert mentions(acme) == 0


def test_correcting_a_label_twice_keeps_every_label(
    acme: Services, capsys: pytest.CaptureFixture[str]
) -> None:
    with acme.sessions.begin() as session:
        client = session.scalars(select(Client).where(Client.slug == "acme")).one()
        post = Mention(
            client_id=client.id,
            platform="import",
            dedupe_key="k1",
            text="Acme lift broken again",
            published_at=T0,
            fetched_at=T0,
            sentiment_label="neutral",
            sentiment_reasons=[],
        )
        session.add(post)
        session.flush()
        post_id = post.id
        correct_label(session, post_id, "negative", by="alice", now=T0)
    assert run(acme, "--as", "bob", "mention", "label", f"m{post_id}", "positive") == 0
    assert capsys.readouterr().out.strip() == f"mention m{post_id}: negative -> positive by bob"
    later = T0 + timedelta(minutes=5)
    with acme.sessions.begin() as session:
        correct_label(session, post_id, "negative", by="alice", now=later)
    with acme.sessions() as session:
        history = label_history(session, post_id)
        assert [(h.label, h.source) for h in history] == [
            ("negative", "desk"),
            ("positive", "cli"),
            ("negative", "desk"),
        ]
        assert [h.superseded_at is None for h in history] == [False, False, True]
        assert label_counts(session, client.id).negative == 1
        assert session.get(Mention, post_id).model_label == "neutral"  # type: ignore[union-attr]


def test_confirming_a_label_from_the_cli_teaches_and_pins_it(
    acme: Services, capsys: pytest.CaptureFixture[str]
) -> None:
    with acme.sessions.begin() as session:
        client = session.scalars(select(Client).where(Client.slug == "acme")).one()
        post = Mention(
            client_id=client.id,
            platform="import",
            dedupe_key="k2",
            text="Acme office moved",
            published_at=T0,
            fetched_at=T0,
            sentiment_label="neutral",
            sentiment_reasons=[],
        )
        session.add(post)
        session.flush()
        post_id = post.id
    assert run(acme, "--as", "alice", "mention", "label", str(post_id), "neutral") == 0
    assert "neutral confirmed by alice" in capsys.readouterr().out
    assert [r.label for r in labels(acme)] == ["neutral"]
    with acme.sessions() as session:
        assert session.get(Mention, post_id).label_corrected_by_id is not None  # type: ignore[union-attr]
    assert run(acme, "--as", "alice", "mention", "label", str(post_id), "awful") == 2
    assert "label must be one of" in capsys.readouterr().err
    assert run(acme, "--as", "alice", "mention", "label", "999", "negative") == 2
    assert "no mention m999" in capsys.readouterr().err

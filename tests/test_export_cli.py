"""`douse export` and `douse report` at the command line: files, stdout, one-line errors."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from douse.core.services import Services
from douse.tui.cli.main import main
from tests.export_factory import build_agency


@pytest.fixture
def db(sqlite_services: Services, monkeypatch: pytest.MonkeyPatch) -> str:
    with sqlite_services.sessions.begin() as session:
        build_agency(session, sqlite_services.clock.now())
    monkeypatch.setenv("DOUSE_NOW", "2026-11-23T10:00:00Z")
    return sqlite_services.settings.database_url


def test_export_writes_a_file(db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "acme.html"
    assert main(["--db", db, "export", "acme", "--format", "html", "-o", str(out)]) == 0
    assert capsys.readouterr().out.startswith(f"4 incidents written to {out}")
    assert out.read_text().startswith("<!doctype html>")


def test_export_to_stdout(db: str, capfd: pytest.CaptureFixture[str]) -> None:
    argv = ["--db", db, "export", "acme", "--format", "csv", "--since", "2026-11-21", "-o", "-"]
    assert main(argv) == 0
    rows = list(csv.DictReader(io.StringIO(capfd.readouterr().out)))
    assert [r["title"] for r in rows] == ["'-2+3 slow delivery", "Fresh complaint"]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["export", "nope"], "douse: no client with slug 'nope'"),
        (
            ["export", "acme", "--until", "tomorrow"],
            "douse: not a date or time: 'tomorrow' "
            "(use YYYY-MM-DD, or YYYY-MM-DDTHH:MM in the client's time zone)",
        ),
        (
            ["export", "acme", "--since", "2026-12-01", "--until", "2026-11-30"],
            "douse: --since 2026-12-01 is not before --until 2026-11-30",
        ),
        (
            ["export", "acme", "--since", "2026-12-01"],
            "douse: --since 2026-12-01 is not before now, 2026-11-23 10:00 (Europe/London)",
        ),
        (
            ["export", "acme", "--since", "2026-11-31"],
            "douse: not a date: '2026-11-31' (day is out of range for month; use YYYY-MM-DD, "
            "or YYYY-MM-DDTHH:MM in the client's time zone)",
        ),
        (["report", "run", "--client", "nope"], "douse: no active client with slug 'nope'"),
    ],
)
def test_user_errors_are_one_line(
    db: str, argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--db", db, *argv]) == 2
    assert capsys.readouterr().err.strip() == message


def test_report_run_and_status(
    db: str, sqlite_services: Services, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from sqlalchemy import select

    from douse.core.db.models import Client

    with sqlite_services.sessions.begin() as session:
        acme = session.scalars(select(Client).where(Client.slug == "acme")).one()
        acme.report_schedule = {"every": "daily", "time": "09:00", "folder": str(tmp_path)}
    assert main(["--db", db, "report", "run"]) == 0
    out = capsys.readouterr().out
    assert "acme: 2026-11-22 09:00 to 2026-11-23 09:00 UTC, 0 incidents" in out
    assert main(["--db", db, "report", "run"]) == 0
    assert capsys.readouterr().out.strip() == "no report is due"
    assert main(["--db", db, "report", "status"]) == 0
    status = capsys.readouterr().out
    assert "daily, 09:00 (Europe/London), html" in status and "2026-11-24 09:00" in status
    with sqlite_services.sessions.begin() as session:
        acme = session.scalars(select(Client).where(Client.slug == "acme")).one()
        acme.report_schedule = {"every": "weekly", "weekday": "mon", "time": "08:00"}
    assert main(["--db", db, "report", "status"]) == 0
    assert "weekly, Monday 08:00 (Europe/London), html" in capsys.readouterr().out


def _csv_ids(db: str, capfd: pytest.CaptureFixture[str], slug: str, *extra: str) -> list[str]:
    assert main(["--db", db, "export", slug, "--format", "csv", "-o", "-", *extra]) == 0
    return [r["incident_id"] for r in csv.DictReader(io.StringIO(capfd.readouterr().out))]


def test_a_time_without_a_zone_is_the_clients_local_time(
    db: str, capfd: pytest.CaptureFixture[str]
) -> None:
    # Globex is in New York; its incident opened at 10:00 UTC, 05:00 there.
    assert len(_csv_ids(db, capfd, "globex", "--since", "2026-11-20T04:00")) == 1
    assert _csv_ids(db, capfd, "globex", "--since", "2026-11-20T06:00") == []
    assert len(_csv_ids(db, capfd, "globex", "--since", "2026-11-20T06:00Z")) == 1
    # One-digit months and days are dates all the same.
    assert _csv_ids(db, capfd, "acme", "--since", "2026-11-1") == _csv_ids(
        db, capfd, "acme", "--since", "2026-11-01"
    )


def test_special_paths_are_written_in_place_not_replaced(
    db: str, tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    # Stand-ins under tmp_path only: a regression must never rename a file over a real /dev entry.
    real = tmp_path / "real.csv"
    real.write_text("old")
    link = tmp_path / "latest.csv"
    link.symlink_to(real)
    assert main(["--db", db, "export", "acme", "--format", "csv", "-o", str(link)]) == 0
    assert link.is_symlink() and real.read_text().startswith("incident_id,")
    capfd.readouterr()
    # What /dev/stdout is: a link to this process's fd 1 (here redirected to a file). It is
    # written as stdout, with no summary line over the top of it, and the link stays.
    stdout = tmp_path / "stdout"
    stdout.symlink_to("/proc/self/fd/1")
    assert main(["--db", db, "export", "acme", "--format", "csv", "-o", str(stdout)]) == 0
    out = capfd.readouterr().out
    assert out.startswith("incident_id,") and "written to" not in out
    assert len(list(csv.DictReader(io.StringIO(out)))) == 4
    assert stdout.is_symlink()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_a_fifo_is_written_directly(sqlite_services: Services, tmp_path: Path) -> None:
    import os
    import threading

    from douse.core.export import export_client

    now = sqlite_services.clock.now()
    with sqlite_services.sessions.begin() as session:
        build_agency(session, now)
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()), daemon=True)
    reader.start()
    result = export_client(sqlite_services.sessions, "acme", "csv", None, None, fifo, now)
    reader.join(timeout=10)
    assert fifo.is_fifo()  # not replaced by a file
    assert received and received[0].startswith(b"incident_id,")
    assert (result.rows, result.bytes) == (4, len(received[0]))  # counted, not stat()ed


def test_internal_option_shows_the_teams_entries(
    db: str, sqlite_services: Services, capfd: pytest.CaptureFixture[str]
) -> None:
    from sqlalchemy import select

    from douse.core.db.models import Activity, Incident

    with sqlite_services.sessions.begin() as session:
        missed = session.scalars(select(Incident).where(Incident.title.like("-2+3%"))).one()
        session.add(
            Activity(
                incident_id=missed.id, kind="internal_note", at=missed.opened_at, body="Known troll"
            )
        )
    argv = ["--db", db, "export", "acme", "--format", "md", "-o", "-"]
    assert main(argv) == 0
    assert "Known troll" not in capfd.readouterr().out
    assert main([*argv, "--internal"]) == 0
    assert "Known troll" in capfd.readouterr().out


def test_an_export_right_after_an_import_under_the_same_clock_holds_what_it_opened(
    db: str, tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    # A script with DOUSE_NOW fixed imports, then exports "until now": the incident opened at
    # that very instant is in the log.
    posts = tmp_path / "posts.csv"
    posts.write_text(
        "id,author,published,text\n"
        "p1,zed,2026-11-23T09:30:00Z,Acme lost my parcel and nobody answers the phone. Awful.\n",
        encoding="utf-8",
    )
    assert main(["--db", db, "import", str(posts), "--client", "acme"]) == 0
    assert "1 new" in capfd.readouterr().out
    assert main(["--db", db, "export", "acme", "--format", "csv", "-o", "-"]) == 0
    rows = list(csv.DictReader(io.StringIO(capfd.readouterr().out)))
    assert any("lost my parcel" in r["title"] for r in rows), [r["title"] for r in rows]

"""`douse export` and `douse report` at the command line: files, stdout, one-line errors."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from core.services import Services
from tests.export_factory import build_agency
from tui.cli.main import main


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
        (["export", "acme", "--until", "tomorrow"], "douse: not an ISO 8601 time: 'tomorrow'"),
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

    from core.db.models import Client

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
    assert "daily 09:00 Europe/London html" in status and "2026-11-24 09:00" in status

"""The read commands answer from the database driver itself, without SQLAlchemy, and say the
same as the desk's queries do through a session, on SQLite and on PostgreSQL. A database that is
not at this douse's schema is upgraded first, as by every other command."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from douse.core.db.connect import open_reader
from douse.core.db.revision import shipped_head
from douse.core.queries.clients import client_overview
from douse.core.queries.incidents import list_incidents
from douse.core.queries.mentions import list_mentions
from douse.core.queries.rows import IncidentFilter, as_dict, json_ready
from douse.core.services import Services
from douse.tui.cli.commands.listing import incident_json, mention_json
from douse.tui.cli.main import main
from tests.factories import desk_world
from tests.helpers import REPO, T0


def _douse_json(url: str, args: list[str], capsys: pytest.CaptureFixture[str]) -> object:
    assert main(["--db", url, *args, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def _as_printed(items: list[dict[str, Any]]) -> object:
    return json.loads(json.dumps([json_ready(i) for i in items]))


def test_read_commands_say_what_the_session_queries_say(
    services: Services, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DOUSE_NOW", T0.isoformat())
    url = services.settings.database_url
    with services.sessions.begin() as s:
        desk_world(s, T0)
    bare = open_reader(url)
    assert bare is not None, "a database at this douse's schema is read without SQLAlchemy"
    bare.close()
    with services.sessions() as s:
        clients = [as_dict(r) for r in client_overview(s, T0)]
        overdue = [
            incident_json(r, T0)
            for r in list_incidents(
                s, T0, IncidentFilter(status=None, overdue=True, include_merged=False), limit=500
            )
        ]
        acme = [
            mention_json(r)
            for r in list_mentions(s, client="acme", with_duplicates=False, limit=50)
        ]
    assert overdue and acme and clients
    assert _douse_json(url, ["clients"], capsys) == _as_printed(clients)
    assert _douse_json(url, ["incidents", "--overdue"], capsys) == _as_printed(overdue)
    assert _douse_json(url, ["mentions", "--client", "acme"], capsys) == _as_printed(acme)
    older = _douse_json(
        url, ["mentions", "--client", "acme", "--before", f"m{acme[0]['id']}"], capsys
    )
    assert [m["id"] for m in older] == [m["id"] for m in acme[1:]]


def test_an_unknown_client_is_one_line_on_the_bare_path(
    services: Services, capsys: pytest.CaptureFixture[str]
) -> None:
    url = services.settings.database_url
    assert main(["--db", url, "mentions", "--client", "nobody"]) == 2
    assert capsys.readouterr().err == ("douse: unknown client 'nobody' (see `douse clients`)\n")


def test_read_commands_do_not_load_sqlalchemy(sqlite_services: Services, tmp_path: Path) -> None:
    url = sqlite_services.settings.database_url
    with sqlite_services.sessions.begin() as s:
        desk_world(s, T0)
    for args in (["clients"], ["incidents", "--overdue"], ["mentions", "--client", "acme"]):
        script = (
            "import sys\n"
            "from douse.tui.cli.main import main\n"
            f"code = main({['--db', url, *args]!r})\n"
            "print(code, ' '.join(sys.modules), file=sys.stderr)\n"
        )
        env = {**os.environ, "DOUSE_LOG_DIR": str(tmp_path / "logs"), "PYTHONPATH": str(REPO)}
        done = subprocess.run(
            [sys.executable, "-c", script],
            cwd=REPO,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )
        code, *loaded = done.stderr.split()
        assert code == "0", args
        assert not [m for m in loaded if m.startswith(("sqlalchemy", "douse.core.db.models"))], args


def test_a_database_behind_this_schema_is_upgraded_before_reading(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "old.db"
    sqlite3.connect(path).close()  # a database file with no schema at all
    url = f"sqlite:///{path}"
    assert open_reader(url) is None
    assert main(["--db", url, "clients"]) == 0
    assert capsys.readouterr().out.split() == [
        "SLUG",
        "NAME",
        "OPEN",
        "OVERDUE",
        "ACCOUNTS",
        "UNOWNED",
        "SOURCES",
        "OWNER",
        "TZ",
    ]
    with sqlite3.connect(path) as connection:
        versions = connection.execute("SELECT version_num FROM alembic_version").fetchall()
    assert versions == [(shipped_head(),)]
    reader = open_reader(url)
    assert reader is not None
    reader.close()

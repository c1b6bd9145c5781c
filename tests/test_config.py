"""clients.toml: every bad input is one `file:line: what` line with exit 2; sync is idempotent."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from douse.core.config import load_config, parse_config, sync_config
from douse.core.db.models import Account, Client, Incident, Source, Staff
from douse.core.errors import ConfigError
from douse.core.services import Services
from douse.tui.cli.main import main
from tests.helpers import REPO

EXAMPLE = REPO / "clients.example.toml"

GOOD = """\
[agency]
timezone = "Europe/London"

[[staff]]
handle = "ana"
name = "Ana"

[[staff]]
handle = "ben"
name = "Ben"

[[clients]]
slug = "acme"
name = "Acme"
keywords = ["Acme"]
default_owner = "ana"

[[clients.accounts]]
platform = "x"
handle = "@acme"
owner = "ana"
backup = "ben"

[[clients.sources]]
name = "alerts"
kind = "rss"
url = "https://example.com/feed"

[[clients]]
slug = "globex"
name = "Globex"
keywords = ["Globex"]
"""


def _findings(text: str) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        parse_config(text, "clients.toml")
    return caught.value.findings


def test_example_config_is_valid_and_believable() -> None:
    config = load_config(EXAMPLE)
    assert len(config.clients) >= 3
    assert {s.kind for c in config.clients for s in c.sources} >= {"rss", "bluesky", "reddit"}
    platforms = {a.platform for c in config.clients for a in c.accounts}
    assert len(platforms) >= 4
    airline = next(c for c in config.clients if c.slug == "northwind-air")
    assert airline.targets.first_response == 60
    assert airline.business_hours == {}  # 24/7
    cafe = next(c for c in config.clients if c.slug == "copper-kettle")
    assert cafe.business_hours["mon"] == [["08:00", "18:00"]]
    assert "sun" not in cafe.business_hours


def test_malformed_toml_names_the_line() -> None:
    text = GOOD.replace('name = "Globex"', 'name = "Globex')
    findings = _findings(text)
    line = text.splitlines().index('name = "Globex') + 1
    assert len(findings) == 1
    assert findings[0].startswith(f"clients.toml:{line}: invalid TOML: ")


def test_duplicate_slug_is_reported_at_the_second_client() -> None:
    text = GOOD.replace('slug = "globex"', 'slug = "acme"')
    line = text.splitlines().index('slug = "acme"', 15) + 1
    assert f"clients.toml:{line}: duplicate client slug 'acme' (also clients[0])" in _findings(text)


def test_owner_not_on_staff_list() -> None:
    text = GOOD.replace('owner = "ana"\nbackup', 'owner = "zoe"\nbackup')
    line = text.splitlines().index('owner = "zoe"') + 1
    assert _findings(text) == [f"clients.toml:{line}: owner 'zoe' is not on the staff list"]


def test_unknown_timezone() -> None:
    text = GOOD.replace('timezone = "Europe/London"', 'timezone = "Mars/Olympus"')
    assert _findings(text) == [
        "clients.toml:2: unknown timezone 'Mars/Olympus' (use an IANA name such as 'Europe/London')"
    ]


def test_every_problem_is_reported_in_one_pass() -> None:
    text = GOOD.replace('kind = "rss"', 'kind = "myspace"').replace(
        'keywords = ["Globex"]', 'keywords = ["Globex"]\nkeywrods = ["typo"]'
    )
    findings = _findings(text)
    assert any("unknown source kind 'myspace'" in f for f in findings)
    assert any("unknown key 'keywrods'" in f for f in findings)


IMPORT_SOURCE = """
[[clients.sources]]
name = "reviews"
kind = "import"
path = "~/exports/globex.csv"
params = PARAMS
"""


@pytest.mark.parametrize(
    ("params", "finding"),
    [
        ('{ mapping = "text=review" }', "unknown key 'mapping' in params of an import source"),
        ('{ map = "txt=review" }', "params.map: unknown field 'txt' in column map"),
        ('{ map = "text=review", columns = "text=body" }', "map or columns, not both"),
        ('{ format = "xlsx" }', "params.format: unknown import format 'xlsx'"),
    ],
)
def test_import_source_params_are_checked_with_their_line(params: str, finding: str) -> None:
    text = GOOD + IMPORT_SOURCE.replace("PARAMS", params)
    line = text.splitlines().index(f"params = {params}") + 1
    (only,) = _findings(text)
    assert only.startswith(f"clients.toml:{line}: ") and finding in only


def test_import_source_takes_map_like_the_cli_or_columns() -> None:
    for key in ("map", "columns"):
        text = GOOD + IMPORT_SOURCE.replace("PARAMS", f'{{ {key} = "text=review,id=rid" }}')
        (source,) = next(c for c in parse_config(text).clients if c.slug == "globex").sources
        assert source.params == {key: "text=review,id=rid"}


def test_an_account_without_owner_must_say_so() -> None:
    text = GOOD.replace('owner = "ana"\nbackup = "ben"', 'backup = "ben"')
    assert any("needs an owner (or `unowned = true`)" in f for f in _findings(text))


def test_config_check_cli_prints_one_line_per_problem_and_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "clients.toml"
    bad.write_text(GOOD.replace('owner = "ana"\nbackup', 'owner = "zoe"\nbackup'))
    assert main(["config", "check", str(bad)]) == 2
    err = capsys.readouterr().err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"douse: {bad}:") and "zoe" in lines[0]
    assert "Traceback" not in err

    assert main(["config", "check", str(EXAMPLE)]) == 0
    assert ": ok: 3 clients" in capsys.readouterr().out

    assert main(["config", "check", str(tmp_path / "missing.toml")]) == 2
    assert "no such file" in capsys.readouterr().err


def test_sync_is_idempotent_and_archives_instead_of_deleting(services: Services) -> None:
    config = parse_config(GOOD)
    now = services.clock.now()
    with services.sessions.begin() as session:
        first = sync_config(session, config, now)
    assert first.created == {"staff": 2, "clients": 2, "accounts": 1, "sources": 1}
    assert first.lines() == ["created: 1 account, 2 clients, 1 source, 2 staff"]
    with services.sessions.begin() as session:
        second = sync_config(session, config, now)
    assert not second.changed

    with services.sessions.begin() as session:
        globex = session.scalars(select(Client).where(Client.slug == "globex")).one()
        session.add(Incident(client_id=globex.id, title="angry", opened_at=now, updated_at=now))

    without_globex = parse_config(GOOD[: GOOD.index('[[clients]]\nslug = "globex"')])
    with services.sessions.begin() as session:
        third = sync_config(session, without_globex, now)
    assert third.archived == {"clients": 1}
    assert third.lines() == ["archived: 1 client"]
    with services.sessions() as session:
        globex = session.scalars(select(Client).where(Client.slug == "globex")).one()
        assert globex.archived
        assert session.scalar(select(func.count()).select_from(Incident)) == 1

    with services.sessions.begin() as session:
        fourth = sync_config(session, config, now)
    assert fourth.updated == {"clients": 1}


def test_sync_cli_twice_reports_no_changes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "cli.db"
    args = ["--db", str(db), "--config", str(EXAMPLE), "sync"]
    assert main(args) == 0
    assert "created:" in capsys.readouterr().out
    assert main(args) == 0
    assert capsys.readouterr().out.strip() == "no changes: the database already matches the config"


def test_sync_writes_owners_and_sources(services: Services) -> None:
    with services.sessions.begin() as session:
        sync_config(session, load_config(EXAMPLE), services.clock.now())
    with services.sessions() as session:
        unowned = session.scalars(select(Account).where(Account.owner_id.is_(None))).all()
        assert [a.handle for a in unowned] == ["copper-kettle-york"]
        raj = session.scalars(select(Staff).where(Staff.handle == "raj")).one()
        assert raj.away
        kinds = set(session.scalars(select(Source.kind)))
        assert kinds == {"rss", "bluesky", "reddit", "mastodon", "import", "hackernews"}


def test_client_policy_adds_to_the_agency_policy_never_drops_it(services: Services) -> None:
    from douse.core.policy import ReplyPolicy, check_reply, has_blocking

    with services.sessions.begin() as session:
        sync_config(session, load_config(EXAMPLE), services.clock.now())
    with services.sessions() as session:
        airline = session.scalars(select(Client).where(Client.slug == "northwind-air")).one()
        policy = ReplyPolicy.from_dict(airline.reply_policy)
    # The airline lists its own banned phrases; the agency's legal-threat rule still applies.
    assert has_blocking(check_reply(policy, "Our lawyers will be in touch.", public=True, tone=0.0))
    assert has_blocking(check_reply(policy, "That was an act of god.", public=True, tone=0.0))
    assert policy.max_offer == 150


def test_a_bad_report_schedule_names_its_line() -> None:
    text = GOOD + '\n[clients.report]\nevery = "fortnightly"\n'
    line = text.splitlines().index('every = "fortnightly"') + 1
    assert _findings(text) == [
        f"clients.toml:{line}: report.every: 'fortnightly' is not daily, weekly or monthly"
    ]

"""The policy gate holds on every path that records outreach: the core function, `douse log`, the
desk's outreach dialog and `douse import --format douse-json`. Nothing the policy blocks is
recorded without an override, and an override says who and why, on the timeline and in exports.
"""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest
from sqlalchemy import select
from textual.widgets import Input, TextArea

from douse.core.db.models import Activity, Client
from douse.core.errors import DouseError
from douse.core.incidents import triage_new_mentions, workflow
from douse.core.policy import PolicyBlocked
from douse.core.services import Services
from douse.tui.cli.main import main
from douse.tui.dialogs.outreach import BLOCKED_HINT, LogOutreachDialog
from douse.tui.dialogs.prompt import PromptDialog
from douse.tui.widgets.table import DeskTable
from tests import incident_factories as f
from tests.factories import World, desk_world
from tests.helpers import (
    SIZE,
    T0,
    make_app,
    open_incident,
    rendered,
    settle,
    sync,
    type_text,
    until,
)

HOSTILE = "Calm down, you are wrong, our lawyers will call +44 7700 900123"
WHY = "the client's lead asked for this exact wording"


def _incident(s, policy: dict[str, object] | None = None) -> int:  # type: ignore[no-untyped-def]
    ana = f.staff(s, "ana")
    c = f.client(s, default_owner_id=ana.id, reply_policy=policy or {})
    m = f.mention(s, c, f.author(s, "bob"), "Acme lost my parcel")
    (iid,) = triage_new_mentions(s, [m.id], T0).opened
    return iid


def _activities(services: Services, incident_id: int, kind: str | None = None) -> list[Activity]:
    with services.sessions() as s:
        query = select(Activity).where(Activity.incident_id == incident_id)
        if kind:
            query = query.where(Activity.kind == kind)
        rows = list(s.scalars(query.order_by(Activity.id)))
        s.expunge_all()
        return rows


# ----------------------------------------------------------------------------- the core gate


def test_the_core_refuses_a_blocked_reply_and_records_an_override_with_who_and_why(
    sqlite_services: Services,
) -> None:
    with sqlite_services.sessions.begin() as s:
        iid = _incident(s)
    with pytest.raises(PolicyBlocked) as refused, sqlite_services.sessions.begin() as s:
        workflow.log_activity(s, iid, "public_reply", by="ana", now=T0, body=HOSTILE)
    assert [f.rule for f in refused.value.findings] == [
        "banned_phrase",
        "banned_phrase",
        "private_data",
    ]
    assert isinstance(refused.value, DouseError)
    assert _activities(sqlite_services, iid, "public_reply") == []
    # A caller cannot slip an override in through details.
    forged = {"policy": {"blocked": [], "override": {"by": "ana", "reason": "x"}}}
    with pytest.raises(PolicyBlocked), sqlite_services.sessions.begin() as s:
        workflow.log_activity(
            s, iid, "public_reply", by="ana", now=T0, body=HOSTILE, details=forged
        )
    with pytest.raises(PolicyBlocked), sqlite_services.sessions.begin() as s:
        workflow.log_activity(s, iid, "public_reply", by="ana", now=T0, body=HOSTILE, override=" ")
    with sqlite_services.sessions.begin() as s:
        workflow.log_activity(s, iid, "public_reply", by="ana", now=T0, body=HOSTILE, override=WHY)
    (logged,) = _activities(sqlite_services, iid, "public_reply")
    record = logged.details["policy"]
    assert record["override"] == {"by": "ana", "reason": WHY, "at": "2026-11-23T10:00:00Z"}
    assert [b["rule"] for b in record["blocked"]] == [
        "banned_phrase",
        "banned_phrase",
        "private_data",
    ]
    assert record["blocked"][2]["excerpt"] == "+44 7700 900123"


def test_what_is_checked_depends_on_the_kind_of_entry(sqlite_services: Services) -> None:
    with sqlite_services.sessions.begin() as s:
        iid = _incident(s, {"max_offer": 250, "currency": "GBP"})

    def log(kind: str, body: str, **kw: object) -> None:
        with sqlite_services.sessions.begin() as s:
            workflow.log_activity(s, iid, kind, by="ana", now=T0, body=body, **kw)  # type: ignore[arg-type]

    log("private_message", "We'll call you back on 07700 900123 today.")  # private is private
    log("phone_call", "Customer said our lawyers would be hearing from them.")  # a record
    log("offer_made", "Refund", offer="refund", amount="120")
    with pytest.raises(PolicyBlocked, match="password"):
        log("private_message", "Please DM us your password so we can check.")
    with pytest.raises(PolicyBlocked, match="amount field: offer of 300 GBP"):
        log("offer_made", "Refund", offer="refund", amount="300")
    with pytest.raises(PolicyBlocked, match="amount field"):
        log("phone_call", "Offered a refund on the phone", amount="300")
    with pytest.raises(PolicyBlocked, match="could be worth up to"):
        log("offer_made", "Refund", offer="refund", amount="300", currency="USD")
    with pytest.raises(PolicyBlocked, match="review"):
        log("asked_to_update", "If you delete the review we'll add a £20 credit.")
    kinds = [a.kind for a in _activities(sqlite_services, iid)]
    assert kinds.count("private_message") == 1 and kinds.count("offer_made") == 1


def test_an_override_that_was_not_needed_is_not_recorded(sqlite_services: Services) -> None:
    with sqlite_services.sessions.begin() as s:
        iid = _incident(s)
        workflow.log_activity(
            s, iid, "public_reply", by="ana", now=T0, body="Sorry, we've sent a DM.", override=WHY
        )
    (logged,) = _activities(sqlite_services, iid, "public_reply")
    assert "policy" not in logged.details


# ----------------------------------------------------------------------------- the CLI


def test_douse_log_refuses_the_hostile_reply_from_the_issue(
    sqlite_services: Services, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DOUSE_NOW", "2026-11-23T10:30:00Z")
    with sqlite_services.sessions.begin() as s:
        iid = _incident(s)
    db = sqlite_services.settings.database_url
    argv = ["--db", db, "log", str(iid), "--kind", "public_reply", "--by", "ana", "--text", HOSTILE]
    assert main(argv) == 2
    err = capsys.readouterr().err.splitlines()
    assert err == [
        "douse: blocked by the reply policy: banned_phrase: banned phrase 'you are wrong' "
        "«you are wrong»",
        "douse: blocked by the reply policy: banned_phrase: banned phrase 'our lawyers' "
        "«our lawyers»",
        "douse: blocked by the reply policy: private_data: phone number in a public reply: "
        "take it to a private message «+44 7700 900123»",
        'douse: nothing was recorded; fix the text, or record it anyway with --override "why"',
    ]
    assert _activities(sqlite_services, iid, "public_reply") == []
    assert main([*argv, "--override", WHY]) == 0
    assert f"policy override by ana: {WHY}" in capsys.readouterr().err
    assert main(["--db", db, "incident", str(iid)]) == 0
    out = capsys.readouterr().out
    assert f"! policy override by ana: {WHY} (blocked: banned_phrase:" in out


# ----------------------------------------------------------------------------- every writer


DOUSE_JSON = {
    "schema": "douse-incident-log",
    "schema_version": 1,
    "client": {"slug": "acme", "name": "Acme"},
    "staff": [{"handle": "zed", "name": "Zed"}],
    "incidents": [
        {
            "id": 7,
            "kind": "mention",
            "title": "Imported complaint",
            "opened_at": "2026-11-20T09:00:00Z",
            "mentions": [],
            "activities": [
                {
                    "id": 1,
                    "kind": "public_reply",
                    "staff": "zed",
                    "at": "2026-11-20T10:00:00Z",
                    "body": HOSTILE,
                    "details": {},
                },
                {
                    "id": 2,
                    "kind": "public_reply",
                    "staff": "zed",
                    "at": "2026-11-20T10:05:00Z",
                    "body": "Sorry about that, we have sent you a DM.",
                    "details": {},
                },
            ],
        }
    ],
}


@sync
async def test_every_writer_holds_the_policy(
    sqlite_services: Services,
    world: World,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The core function, `douse log`, the desk and the douse-json import, with one blocked text:
    nothing is recorded without an override, and an override is recorded with who and why."""
    incident_id = world.overdue_incident
    db = sqlite_services.settings.database_url

    def replies() -> list[Activity]:
        return _activities(sqlite_services, incident_id, "public_reply")

    # 1. the core function
    with pytest.raises(PolicyBlocked), sqlite_services.sessions.begin() as s:
        workflow.log_activity(s, incident_id, "public_reply", by="bob", now=T0, body=HOSTILE)
    assert replies() == []

    # 2. the CLI
    argv = ["--db", db, "log", str(incident_id), "--kind", "public_reply", "--text", HOSTILE]
    assert main([*argv, "--by", "bob"]) == 2
    assert replies() == []

    # 3. the desk
    app = make_app(sqlite_services, tmp_path)  # as alice
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = await open_incident(pilot, app, incident_id)
        await pilot.press("l")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, LogOutreachDialog)
        dialog.query_one("#body", TextArea).text = HOSTILE
        await until(pilot, lambda: "our lawyers" in rendered(app, "#findings"))
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is dialog
        assert "our lawyers" in rendered(app, "#findings")
        assert "Ctrl+O" in rendered(app, "#hint")
        assert replies() == []
        await pilot.press("ctrl+o")
        await settle(pilot)
        assert isinstance(app.screen, PromptDialog)
        await pilot.press("escape")  # changed their mind: back to the draft, nothing saved
        await settle(pilot)
        assert app.screen is dialog and replies() == []
        await pilot.press("ctrl+o")
        await settle(pilot)
        await pilot.press("enter")  # no reason: refused
        await settle(pilot)
        assert replies() == []
        await pilot.press("ctrl+o")
        await settle(pilot)
        await type_text(pilot, WHY)
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is screen
        (desk_reply,) = replies()
        assert desk_reply.details["policy"]["override"]["by"] == "alice"
        assert desk_reply.details["policy"]["override"]["reason"] == WHY
        timeline = screen.query_one("#timeline", DeskTable)
        rows = [str(timeline.get_row_at(i)[4]) for i in range(timeline.row_count)]
        assert any(f"⚠ policy override by alice: {WHY}" in row for row in rows)

    # 4. the CLI with an override
    assert main([*argv, "--by", "bob", "--override", "bob's reason"]) == 0
    assert [r.details["policy"]["override"]["by"] for r in replies()] == ["alice", "bob"]

    # 5. the douse-json import: what happened is imported as recorded, never silently
    capsys.readouterr()
    log = tmp_path / "acme.json"
    log.write_text(json.dumps(DOUSE_JSON), encoding="utf-8")
    assert main(["--db", db, "import", "--format", "douse-json", str(log)]) == 0
    out = capsys.readouterr().out
    assert "1 break the reply policy: imported as recorded, with a note on each" in out
    with sqlite_services.sessions() as s:
        imported = s.scalars(
            select(Activity).where(Activity.body == HOSTILE, Activity.incident_id != incident_id)
        ).one()
        record = imported.details["policy"]
        assert record["imported"]["note"].startswith("imported as it was recorded")
        assert "override" not in record
        assert [b["rule"] for b in record["blocked"]][-1] == "private_data"
        iid = imported.incident_id
    assert main(["--db", db, "incident", str(iid)]) == 0
    assert "! imported as recorded; it breaks the reply policy" in capsys.readouterr().out


# ----------------------------------------------------------------------------- the desk's amount


@pytest.fixture
def world(sqlite_services: Services) -> World:
    with sqlite_services.sessions.begin() as s:
        w = desk_world(s, T0)
        acme = s.get(Client, w.acme)
        assert acme is not None
        acme.reply_policy = {**acme.reply_policy, "max_offer": 250, "currency": "GBP"}
        return w


@pytest.mark.parametrize("size", [(80, 24), (160, 50)])
@sync
async def test_the_desk_checks_the_offer_amount_against_the_limit(
    sqlite_services: Services, world: World, tmp_path: Path, size: tuple[int, int]
) -> None:
    incident_id = world.overdue_incident
    app = make_app(sqlite_services, tmp_path)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        screen = await open_incident(pilot, app, incident_id)
        for amount, saved in (("120", True), ("300", False)):
            await pilot.press("l")
            await settle(pilot)
            dialog = app.screen
            assert isinstance(dialog, LogOutreachDialog)
            while dialog.query_one("#kind").value != "offer_made":  # type: ignore[attr-defined]
                await pilot.press("ctrl+k")
            await settle(pilot)  # the checks the kind changes started are in
            before = dialog.findings
            dialog.query_one("#body", TextArea).text = "Refund for the mould clean-up"
            dialog.query_one("#amount", Input).value = amount
            # One check of both (the typing pause restarts with each change), then shown.
            await until(pilot, lambda: dialog.findings is not before)  # noqa: B023
            await settle(pilot)
            findings = rendered(app, "#findings")
            if saved:
                assert "no findings" in findings
            else:
                assert "amount field: offer of 300 GBP is above the limit of 250 GBP" in findings
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert (app.screen is screen) == saved
            if not saved:  # the way out is on screen, on one line
                assert BLOCKED_HINT in rendered(app, "#hint")
                assert app.screen.query_one("#hint").size.height == 1
        offers = _activities(sqlite_services, incident_id, "offer_made")
        assert [str(o.amount) for o in offers] == ["120.00"]
        await pilot.press("ctrl+o")
        await settle(pilot)
        await type_text(pilot, "VIP, approved by the client")
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is screen
    offers = _activities(sqlite_services, incident_id, "offer_made")
    assert [str(o.amount) for o in offers] == ["120.00", "300.00"]
    assert offers[1].details["policy"]["override"]["reason"] == "VIP, approved by the client"
    assert offers[1].details["policy"]["blocked"][0]["rule"] == "offer"


# ----------------------------------------------------------------------------- exports


def test_exports_show_overrides_and_flag_over_limit_offers(
    sqlite_services: Services, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with sqlite_services.sessions.begin() as s:
        iid = _incident(s, {"max_offer": 250, "currency": "GBP"})
        for amount in ("120", "300"):
            workflow.log_activity(
                s,
                iid,
                "offer_made",
                by="ana",
                now=T0,
                body="Refund",
                offer="refund",
                amount=amount,
                override="approved by the client's lead" if amount == "300" else None,
            )
    db = sqlite_services.settings.database_url
    base = ["--db", db, "export", "acme", "--since", "2026-11-01", "--until", "2026-11-30"]
    outputs = {}
    for fmt, extra in (("csv", ["--activities"]), ("json", []), ("md", []), ("html", [])):
        path = tmp_path / f"acme.{fmt}"
        assert main([*base, "--format", fmt, "-o", str(path), *extra]) == 0
        outputs[fmt] = path.read_text(encoding="utf-8-sig")
    header, *rows = outputs["csv"].splitlines()
    assert header.endswith("policy_blocked,policy_override_by,policy_override_reason")
    flagged = [r for r in rows if "300.00" in r]
    assert len(flagged) == 1 and flagged[0].endswith(
        "offer: amount field: offer of 300 GBP is above the limit of 250 GBP,ana,"
        "approved by the client's lead"
    )
    assert not next(r for r in rows if "120.00" in r).endswith("lead")
    (incident,) = json.loads(outputs["json"])["incidents"]
    offers = [a for a in incident["activities"] if a["kind"] == "offer_made"]
    assert [a["details"].get("policy", {}).get("override", {}).get("by") for a in offers] == [
        None,
        "ana",
    ]
    for fmt in ("md", "html"):
        text = outputs[fmt]
        assert "policy override by ana: approved by the client" in text, fmt
        assert "offer of 300 GBP is above the limit of 250 GBP" in text, fmt
        assert text.count("policy override") == 1, fmt


# ----------------------------------------------------------------------------- douse lint --jsonl


def test_lint_jsonl_answers_each_line_in_order(
    sqlite_services: Services, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    with sqlite_services.sessions.begin() as s:
        f.client(s, "acme", reply_policy={"max_offer": 50})
    db = sqlite_services.settings.database_url
    lines = [
        {"text": "Sorry about that, we've sent you a DM.", "platform": "x"},
        {"text": HOSTILE, "platform": "x", "id": "canned-2"},
        "not json",
        {"text": "We'll call you on 07700 900123.", "private": True},
        {"text": "Hi", "platform": "myspace"},
        {"text": "y" * 290, "platform": "x"},
    ]
    stdin = "\n".join(x if isinstance(x, str) else json.dumps(x) for x in lines) + "\n"
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin.encode())))
    assert main(["--db", db, "lint", "--client", "acme", "--jsonl"]) == 2
    captured = capsys.readouterr()
    out = [json.loads(line) for line in captured.out.splitlines()]
    assert len(out) == 6
    assert out[0] == {"blocked": False, "findings": []}
    assert out[1]["id"] == "canned-2" and out[1]["blocked"] is True
    assert [x["rule"] for x in out[1]["findings"]] == [
        "discouraged_phrase",
        "banned_phrase",
        "banned_phrase",
        "private_data",
    ]
    first = out[1]["findings"][1]
    assert set(first) == {"rule", "severity", "message", "start", "end"}
    assert HOSTILE[first["start"] : first["end"]] == "you are wrong"
    assert out[2] == {"error": "line 3: not valid JSON (Expecting value at column 1)"}
    assert out[3] == {"blocked": False, "findings": []}
    assert out[4]["error"].startswith("line 5: unknown platform 'myspace'")
    assert out[5]["blocked"] is True and out[5]["findings"][0]["rule"] == "length"
    assert "2 line(s) could not be checked" in captured.err


def test_a_mastodon_instance_can_allow_longer_replies(sqlite_services: Services) -> None:
    with sqlite_services.sessions.begin() as s:
        ana = f.staff(s, "ana")
        c = f.client(
            s,
            default_owner_id=ana.id,
            reply_policy={"platform_limits": {"mastodon:fosstodon.org": 1000}},
        )
        ids = {}
        for handle, text in (
            ("@acme@fosstodon.org", "Acme lost my parcel"),
            ("@acme@mastodon.social", "Acme charged my card twice"),
        ):
            acc = f.account(s, c, "mastodon", handle, owner_id=ana.id)
            m = f.mention(s, c, f.author(s, f"bob{acc.id}"), text, account_id=acc.id)
            (ids[handle],) = triage_new_mentions(s, [m.id], T0).opened
    reply = "Sorry about this. " * 50  # 900 characters
    with sqlite_services.sessions.begin() as s:
        workflow.log_activity(
            s,
            ids["@acme@fosstodon.org"],
            "public_reply",
            by="ana",
            now=T0,
            body=reply,
            channel="mastodon",
        )
    with pytest.raises(PolicyBlocked, match="length"), sqlite_services.sessions.begin() as s:
        workflow.log_activity(
            s,
            ids["@acme@mastodon.social"],
            "public_reply",
            by="ana",
            now=T0,
            body=reply,
            channel="mastodon",
        )

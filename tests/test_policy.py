"""Reply policy: the rules a draft reply is checked against, and `douse lint` on the CLI."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest

from douse.core.errors import DouseError
from douse.core.policy import ReplyPolicy, check_reply, has_blocking, render_canned
from douse.core.services import Services
from douse.tui.cli.main import main
from tests import incident_factories as f

POLICY = ReplyPolicy.from_dict({"max_offer": 20, "max_discount_percent": 15})


def neutral(text: str) -> float:
    return 0.0


def rules(text: str, **kw: object) -> list[tuple[str, str, str]]:
    kw.setdefault("tone", neutral)
    return [
        (x.rule, x.severity, text[x.start : x.end])
        for x in check_reply(POLICY, text, **kw)  # type: ignore[arg-type]
    ]


def test_banned_phrases_block_with_their_span() -> None:
    text = "Sorry to hear that. Our  lawyers will be in touch; this is user error."
    assert rules(text) == [
        ("banned_phrase", "block", "Our  lawyers"),
        ("banned_phrase", "block", "user error"),
    ]
    assert rules("We love our lawyersville branch") == []  # whole words only


def test_curly_apostrophes_do_not_hide_blame() -> None:
    assert rules("You didn\u2019t read the manual") == [("blame", "block", "You didn\u2019t read")]


def test_private_data_in_a_public_reply_goes_private() -> None:
    text = "Email me at jo.smith@acme.co.uk or call +44 20 7946 0958 about order #A12345."
    found = rules(text)
    assert [(r, s) for r, s, _ in found] == [("private_data", "block")] * 3
    assert [span for *_, span in found] == [
        "jo.smith@acme.co.uk",
        "+44 20 7946 0958",
        "order #A12345",
    ]
    assert rules(text, public=False) == []


def test_card_numbers_need_a_valid_checksum() -> None:
    found = check_reply(POLICY, "card 4111 1111 1111 1111 was charged", tone=neutral)
    assert [f.message.split(" in ")[0] for f in found] == ["card number"]
    assert check_reply(POLICY, "parcel 4111 1111 1111 1112 shipped", tone=neutral) == []


def test_offers_above_the_limit_block() -> None:
    assert rules("We can refund £15 today") == []
    assert rules("We'll refund £50 and give 25% off") == [
        ("offer", "block", "£50"),
        ("offer", "block", "25% off"),
    ]


def test_platform_length_limit() -> None:
    found = check_reply(POLICY, "x" * 300, platform="x", tone=neutral)
    assert [(f.rule, f.start, f.end) for f in found] == [("length", 280, 300)]
    assert check_reply(POLICY, "x" * 300, platform="mastodon", tone=neutral) == []


def test_tone_below_the_floor_warns_and_can_block() -> None:
    found = check_reply(POLICY, "whatever", tone=lambda t: -0.8)
    assert [(f.rule, f.severity) for f in found] == [("tone", "warn")]
    assert not has_blocking(found)
    strict = ReplyPolicy.from_dict({"tone_blocking": True, "tone_floor": -0.2})
    assert has_blocking(check_reply(strict, "whatever", tone=lambda t: -0.3))


def test_default_tone_uses_a_real_analyzer() -> None:
    found = check_reply(POLICY, "This is a disgusting, horrible, hateful complaint. Awful.")
    assert any(f.rule == "tone" for f in found)


@pytest.mark.parametrize(
    ("policy", "message"),
    [
        ({"tone_floor": 2}, "out of range"),
        ({"max_offer": "ten"}, "expected a number"),
        ({"currency": "pounds"}, "ISO code"),
        ({"platform_limits": {"x": 0}}, "positive whole number"),
        ({"private_data": ["dna"]}, "private_data"),
        ({"banned_phrases": "darn"}, "list of phrases"),
        ({"order_number_pattern": "(["}, "order_number_pattern"),
        ({"bogus": 1}, "unknown key 'bogus'"),
    ],
)
def test_bad_policy_values_are_user_errors(policy: dict, message: str) -> None:
    with pytest.raises(DouseError, match=message):
        ReplyPolicy.from_dict(policy)


def test_client_phrases_add_to_agency_ones_and_scalars_replace() -> None:
    p = ReplyPolicy.from_dict({"banned_phrases": ["cheap"], "max_offer": 75})
    assert "cheap" in p.banned_phrases and "our lawyers" in p.banned_phrases
    assert p.max_offer == 75
    messages = [f.message for f in check_reply(p, "our lawyers are cheap", tone=neutral)]
    assert "banned phrase 'our lawyers'" in messages and "banned phrase 'cheap'" in messages


def test_canned_replies_fill_placeholders_inertly() -> None:
    text = render_canned(
        "Hi {author}, {brand} here. {{sorry}}", {"author": "{brand}\x1b[2J", "brand": "Acme"}
    )
    assert text == "Hi {brand}\x1b[2J, Acme here. {sorry}"
    with pytest.raises(DouseError, match="unknown placeholder"):
        render_canned("Hi {name}", {"name": "x"})
    with pytest.raises(DouseError, match="needs a value for"):
        render_canned("Hi {author}", {})


def test_douse_lint_exits_1_on_blocking_findings(
    sqlite_services: Services, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with sqlite_services.sessions.begin() as s:
        f.client(s, reply_policy={"banned_phrases": ["our lawyers"]})
    db = sqlite_services.settings.database_url
    monkeypatch.setattr(sys, "stdin", io.StringIO("Our lawyers disagree.\n"))
    assert main(["--db", db, "lint", "--client", "acme", "--platform", "x"]) == 1
    out = capsys.readouterr().out
    assert "block 0-11 banned_phrase: banned phrase 'our lawyers'" in out
    monkeypatch.setattr(sys, "stdin", io.StringIO("Thanks, we're on it!\n"))
    assert main(["--db", db, "lint", "--client", "acme"]) == 0
    assert main(["--db", db, "lint", "--client", "nope"]) == 2
    assert "douse: no client 'nope'" in capsys.readouterr().err
    assert Path(db.removeprefix("sqlite:///")).exists()


def test_apologies_are_not_a_hostile_tone_but_hostility_still_is() -> None:
    for draft in (
        "We are so sorry for the trouble, that must be really frustrating for you. Please DM us.",
        "Really sorry, that is so frustrating for you. We apologise for the mess.",
        "We are so sorry for the trouble and we truly regret the terrible experience. DM us.",
    ):
        assert not [f for f in check_reply(POLICY, draft) if f.rule == "tone"], draft
    for draft in (
        "Sorry, but you are a liar and a pathetic troll.",
        "We regret that you are a pathetic, hateful liar.",
    ):
        # The insult blocks on its own; the tone is still scored on what follows the apology.
        assert [f.rule for f in check_reply(POLICY, draft)] == ["tone", "insult"], draft
    seen: list[str] = []
    check_reply(POLICY, "So sorry for the delay! We'll fix it.", tone=lambda t: seen.append(t) or 0)
    assert "sorry" not in seen[0] and "fix it" in seen[0]


def test_an_offer_in_another_currency_blocks_unless_surely_within_the_limit() -> None:
    gbp = ReplyPolicy.from_dict({"max_offer": 25, "currency": "GBP"})
    found = check_reply(gbp, "We'll refund €30, or $20, or 30 EUR.", tone=neutral)
    # €30 could be worth up to 51 GBP at a plausible rate; $20 is at most 20 GBP.
    assert [(f.rule, f.severity) for f in found] == [
        ("offer", "block"),
        ("offer_currency", "warn"),
        ("offer", "block"),
    ]
    assert "could be worth up to 51 GBP" in found[0].message
    assert "within the limit of 25 GBP at any plausible exchange rate" in found[1].message
    assert [f.rule for f in check_reply(gbp, "A £30 refund", tone=neutral)] == ["offer"]
    assert [f.rule for f in check_reply(gbp, "A £1,000 refund", tone=neutral)] == ["offer"]
    cad = ReplyPolicy.from_dict({"max_offer": 25, "currency": "CAD"})
    assert [f.rule for f in check_reply(cad, "A $30 refund", tone=neutral)] == ["offer"]
    assert check_reply(cad, "A $20 refund", tone=neutral) == []


def test_a_client_order_pattern_adds_to_the_default_one() -> None:
    p = ReplyPolicy.from_dict({"order_number_pattern": r"\b[A-Z]{2}\d{6,8}\b"})
    for number in ("order #123456", "DB1234567"):
        draft = f"Re: {number}, all sorted"
        found = check_reply(p, draft, tone=neutral)
        assert [(x.rule, draft[x.start : x.end]) for x in found] == [("private_data", number)]


def test_douse_lint_refuses_an_unknown_platform(
    sqlite_services: Services, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with sqlite_services.sessions.begin() as s:
        f.client(s)
    db = sqlite_services.settings.database_url
    monkeypatch.setattr(sys, "stdin", io.StringIO("Thanks!\n"))
    assert main(["--db", db, "lint", "--client", "acme", "--platform", "tiktok"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("douse: unknown platform 'tiktok'") and "bluesky" in err
    monkeypatch.setattr(sys, "stdin", io.StringIO("Thanks!\n"))
    assert main(["--db", db, "lint", "--client", "acme", "--platform", "Bluesky"]) == 0


def test_an_offer_amount_beside_the_text_is_held_to_the_limit() -> None:
    policy = ReplyPolicy.from_dict({"currency": "EUR", "max_offer": 240})
    over = check_reply(policy, "We've refunded you.", offer_amount=500)
    assert [f.rule for f in over] == ["offer"] and has_blocking(over)
    assert check_reply(policy, "We've refunded you.", offer_amount=240) == []

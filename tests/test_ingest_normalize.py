"""Normalising web text, links and times: what ends up on the desk is inert, plain and UTC."""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime, timedelta, timezone

from hypothesis import given, settings
from hypothesis import strategies as st

from douse.core.ingest import normalize
from douse.core.ingest.normalize import (
    canonical_url,
    clean_text,
    html_to_text,
    strip_controls,
    to_utc,
    unwrap_redirect,
)

_FORBIDDEN = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def test_html_to_text_drops_tags_decodes_entities_and_keeps_paragraphs() -> None:
    html = (
        "<p>Horizon&nbsp;Realty &amp; friends</p><p>Moldy <b>apartments</b>!<br>Call "
        "&#39;em</p><script>alert('x')</script><style>p{}</style>"
    )
    assert html_to_text(html) == "Horizon Realty & friends\n\nMoldy apartments!\nCall 'em"


def test_google_alert_highlighting_is_stripped() -> None:
    assert html_to_text("<b>Slack</b> Stock Has a Compelling Story") == (
        "Slack Stock Has a Compelling Story"
    )


def test_html_to_text_survives_broken_markup() -> None:
    assert html_to_text("<p>unclosed <b>bold <i>and <a href='x") == "unclosed bold and"
    assert html_to_text("5 < 6 & 7 > 3") == "5 < 6 & 7 > 3"
    assert html_to_text(None) == ""


def test_terminal_escapes_and_markup_stay_inert() -> None:
    hostile = "\x1b]8;;http://evil\x1b\\click\x1b]8;;\x1b\\ \x1b[31mred\x1b[0m [bold]x[/bold]\x07"
    assert strip_controls(hostile) == "click red [bold]x[/bold]"
    assert clean_text("a\u202eevil\u202c b\r\nc\x00") == "aevil b\nc"


def test_canonical_url_drops_tracking_fragment_default_port_and_case() -> None:
    url = "HTTPS://WWW.Example.COM:443/Path/Page?id=7&utm_source=x&fbclid=abc&ref=tw&q=a+b#top"
    assert canonical_url(url) == "https://www.example.com/Path/Page?id=7&q=a%20b"
    assert canonical_url("http://example.com") == "http://example.com/"
    assert canonical_url("http://example.com:8080/a?gclid=1") == "http://example.com:8080/a"
    assert canonical_url("http://user:pw@example.com/a") == "http://example.com/a"
    assert canonical_url("mailto:press@example.com") == "mailto:press@example.com"
    assert canonical_url("") is None
    assert canonical_url("http://[::1") == "http://[::1"


def test_unwrap_google_and_talkwalker_redirects() -> None:
    google = (
        "https://www.google.com/url?rct=j&sa=t&url=https://investorplace.com/2019/07/"
        "slack-stock-truly-compelling/&ct=ga&cd=CAIy&usg=AFQ"
    )
    assert (
        unwrap_redirect(google) == "https://investorplace.com/2019/07/slack-stock-truly-compelling/"
    )
    talkwalker = (
        "https://alerts.talkwalker.com/alerts/redirect?url=https%3A%2F%2Fnews.example.com%2Fa%3Fb%3D1"
        "&alert_id=9"
    )
    assert unwrap_redirect(talkwalker) == "https://news.example.com/a?b=1"
    assert unwrap_redirect("https://www.google.com/url?url=javascript:alert(1)") == (
        "https://www.google.com/url?url=javascript:alert(1)"
    )
    assert unwrap_redirect("https://example.com/url?url=https://x.com") == (
        "https://example.com/url?url=https://x.com"
    )


def test_to_utc_reads_every_shape_sources_send() -> None:
    expected = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)
    assert to_utc("2026-11-23T09:30:00Z") == expected
    assert to_utc("2026-11-23T10:30:00+01:00") == expected
    assert to_utc("Mon, 23 Nov 2026 09:30:00 GMT") == expected
    assert to_utc("2026-11-23T09:30:00.123456789Z") == expected + timedelta(microseconds=123456)
    assert to_utc(expected.timestamp()) == expected
    assert to_utc(int(expected.timestamp() * 1000)) == expected
    assert to_utc(str(int(expected.timestamp()))) == expected
    assert to_utc(time.gmtime(expected.timestamp())) == expected
    assert to_utc(datetime(2026, 11, 23, 4, 30, tzinfo=timezone(timedelta(hours=-5)))) == expected
    assert to_utc(datetime(2026, 11, 23, 9, 30)) == expected
    for junk in ("yesterday", "", None, True, 10**30, "2026-13-45"):
        assert to_utc(junk) is None


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_text_normalisers_never_crash_and_never_emit_controls(text: str) -> None:
    for result in (strip_controls(text), clean_text(text), html_to_text(text)):
        assert not _FORBIDDEN.search(result)
        assert "\x1b" not in result


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from("<>&;#x/pbrscript \"'=a1\x1b\x9b[m\u202e")))
def test_html_to_text_on_tag_soup_stays_inert(text: str) -> None:
    result = html_to_text(text)
    assert not _FORBIDDEN.search(result)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(), st.from_regex(r"https?://[a-zA-Z0-9.:@\[\]-]{0,20}/[ -~]{0,30}")))
def test_url_normalisers_never_crash_and_are_idempotent(url: str) -> None:
    once = canonical_url(url)
    if once is not None:
        assert not _FORBIDDEN.search(once)
        assert canonical_url(once) == once
    unwrap_redirect(url)


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.text(), st.integers(), st.floats(allow_nan=True), st.datetimes()))
def test_to_utc_is_total_and_always_aware_utc(value: object) -> None:
    result = to_utc(value)
    if result is not None:
        assert result.utcoffset() == timedelta(0)


@settings(max_examples=500, deadline=None)
@given(
    st.one_of(
        st.from_regex(r"\Ahttps?://[a-z0-9.-]{1,20}(/[ -~\u00e9\u4e2d]{0,30})?\Z"),
        st.from_regex(r"\A[hH][tT]{2}[pP][sS]?://[a-zA-Z0-9.:@-]{0,20}/?[ -~]{0,30}\Z"),
    )
)
def test_canonical_url_fast_path_agrees_with_the_full_parse(url: str) -> None:
    # The fast path must only ever skip work, never change an answer.
    cleaned = normalize._WHITESPACE.sub("%20", normalize.strip_controls(url).strip())
    if cleaned:
        assert canonical_url(url) == normalize._canonical_parts(cleaned)


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.sampled_from(" a\u00e9\t\n\r\x1b\x85\xa0\u200b\u202e\u3000.")))
def test_clean_text_fast_path_agrees_with_the_full_clean(text: str) -> None:
    slow = normalize._BLANK_LINES.sub(
        "\n\n",
        "\n".join(
            normalize._HSPACE.sub(" ", line).strip() for line in strip_controls(text).split("\n")
        ),
    ).strip()
    assert clean_text(text) == slow

"""Control characters inside text: the ones that separate words leave a space, not a join.

The rule lives in core.text.strip_controls, so clean_text (ingestion) and inert (display) agree.
"""

from __future__ import annotations

import pytest

from douse.core.ingest.adapters.files import parse
from douse.core.ingest.normalize import clean_text, html_to_text
from douse.core.text import inert


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("Acme\x00nul", "Acme nul"),
        ("Acme\x00\x00 nul", "Acme nul"),
        ("Acme\x0bvertical\x0cfeed", "Acme vertical feed"),
        ("unit\x1fseparated\x1erecords\x1dgroups\x1cfiles", "unit separated records groups files"),
        ("next\x85line", "next line"),
        ("trailing\x00", "trailing"),
        # Controls that are not separators are still removed without a trace.
        ("bell\x07ed", "belled"),
        ("\x1b[31mred\x1b[0m text", "red text"),
        ("ab\u202ecd", "abcd"),
        ("line one\nline two", "line one\nline two"),
    ],
)
def test_separating_controls_become_a_space(raw: str, clean: str) -> None:
    assert clean_text(raw) == clean


def test_a_nul_inside_imported_or_html_text_separates_words() -> None:
    (item,) = parse(b'review\n"Acme\x00nul review"\n', fmt="csv")
    assert item.text == "Acme nul review"
    assert html_to_text("<p>Acme\x00nul</p>") == "Acme nul"


def test_text_shown_from_older_rows_gets_the_same_spaces() -> None:
    assert inert("Acme\x00nul\x1b[2J review") == "Acme nul review"

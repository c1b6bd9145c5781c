"""The cheap gates in identifiers.py never hide a match of the scans they skip."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from douse.core.incidents import identifiers as ids

PIECES = [
    "UA", "ua", "us", "on", "aboard", "#", "#AA", "XPS", "SM-G", "-", " ", "\u00a0", "\n", ".",
    "1", "23", "938", "2024", "٣٤", "12b4", "a", "K", "é", "flight", "3ds", "@", "/", "x",
]  # fmt: skip


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=14).map("".join))
def test_no_letter_beside_a_digit_means_no_carrier_or_model(text: str) -> None:
    if ids._LETTER_DIGIT.search(text) is None:
        assert ids._CARRIER.search(text) is None
        assert ids._ON_CARRIER.search(text) is None
        assert ids._MODEL.search(text) is None


def test_flights_and_models_are_still_read() -> None:
    assert ids.identifiers("stuck on UA938, then aboard us 728 my XPS13 broke; 2 hours, $40") == [
        "flight:938",
        "flight:728",
        "model:xps13",
    ]

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


def test_a_quantity_after_flight_is_no_flight_number_and_a_four_digit_one_always_is() -> None:
    # How long, how many, when: two strangers both "3 hours late" are not on flight 3.
    for text in (
        "my flight 2 hours late again",
        "flight 45 min late",
        "our flight 7 people stuck at the gate",
        "need a flight home 2/27 or very early 2/28",
        "another flight 2 gates down was held",
        "last flight 11:15pm",
        "train 3 mins behind",
    ):
        assert ids.identifiers(text) == [], text
    # A number that names a flight, whatever follows; a four-digit one is not a year there.
    assert ids.identifiers("Flight 2 is 2:30 hrs delayed") == ["flight:2"]
    assert ids.identifiers("Flt 1903 gate 12, agent won't hold") == ["flight:1903"]
    assert ids.identifiers("flight 837 passengers stuck on the plane") == ["flight:837"]
    assert ids.identifiers("was on flight 2046 BOS-CLT on 2/22") == ["flight:2046"]
    assert ids.identifiers("#2015 was a bad year") == []


def test_an_email_a_hash_or_words_run_together_are_no_product_model() -> None:
    assert ids.identifiers("please email me at jo.bloggs77@example.com about it") == []
    assert ids.identifiers("the report id was 9f86d081884c7d659a2feaa0 apparently") == []
    assert ids.identifiers("you need2put a warning on the site") == []
    assert ids.identifiers("flight911 sat at the gate for an hour") == ["flight:911"]
    assert ids.identifiers("my XPS13 died again") == ["model:xps13"]

"""The airline dev set's tweets as their authors wrote them.

The dataset's makers replaced every "late" in the texts with "Late Flight", every "cancel"
with "Cancelled Flight" and every "booking" with "Flight Booking Problems", inside words too
("call back later" reads "call back Late Flight" + "r", "rebooking" reads "re" + "Flight
Booking Problems"): see ../shared/datasets/README.md, "Quirks". Not
one "late", "cancel" or "booking" is left in the file outside those replacements, so undoing
them gives back the customer's words (in lower case, the original case being lost). douse
never sees such rewrites in real traffic, so the benchmarks read the texts restored; without
it "later" reads as a delay.
"""

from __future__ import annotations

import argparse
import re

_REWRITES = re.compile(r"Late Flight|Cancelled Flight|Flight Booking Problems", re.IGNORECASE)
_ORIGINAL = {
    "late flight": "late",
    "cancelled flight": "cancel",
    "flight booking problems": "booking",
}


def as_written(text: str) -> str:
    return _REWRITES.sub(lambda m: _ORIGINAL[m.group(0).lower()], text)


def add_as_published(parser: argparse.ArgumentParser) -> None:
    """The benchmarks' switch back to the file's own texts."""
    parser.add_argument(
        "--as-published",
        action="store_true",
        help="read the texts as the file has them, with the dataset makers' rewrites "
        "(bench/airline_text.py)",
    )


# One client per airline, as `douse import` would see them (dataset README): slug, name, keywords.
AIRLINES = {
    "United": ("united", "United Airlines", ["@united", "United Airlines"]),
    "US Airways": ("us-airways", "US Airways", ["@USAirways", "US Airways"]),
    "American": ("american", "American Airlines", ["@AmericanAir", "American Airlines"]),
    "Delta": ("delta", "Delta Air Lines", ["@Delta", "Delta"]),
    "Southwest": ("southwest", "Southwest Airlines", ["@SouthwestAir", "Southwest"]),
    "Virgin America": ("virgin-america", "Virgin America", ["@VirginAmerica", "Virgin America"]),
}


def client_of(airline: str) -> tuple[str, str, list[str]]:
    """The client a brand's rows go to: a known airline's, or one made from the name the file
    gives (douse is also checked on brands this list does not name)."""
    known = AIRLINES.get(airline)
    if known is not None:
        return known
    slug = re.sub(r"[^a-z0-9]+", "-", airline.lower()).strip("-") or "brand"
    return slug, airline, ["@" + re.sub(r"\W+", "", airline), airline]

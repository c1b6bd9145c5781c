"""Numbers typed on the command line, checked before they reach the database.

A database integer column holds at most 2**31 - 1 on PostgreSQL (and 2**63 - 1 on SQLite);
Python's int does not stop there, so `douse incident 99999999999999999999` used to reach the
driver and end in an OverflowError. Each is now refused by argparse as one usage line, exit 2.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable

from douse.core.errors import DouseError
from douse.core.text import parse_mention_ref

# The largest value every column douse counts with can hold (PostgreSQL's INTEGER).
LARGEST = 2**31 - 1


def whole(text: str) -> int:
    """Any integer a database column can hold: incident numbers, versions, seeds."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if abs(value) > LARGEST:
        raise argparse.ArgumentTypeError(f"{text} is out of range (at most {LARGEST:,})")
    return value


def count(text: str) -> int:
    """How many: zero or more, within range."""
    value = whole(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more, got {text}")
    return value


def between(low: int, high: int) -> Callable[[str], int]:
    """A count that must lie in [low, high]: worker threads, demo sizes."""

    def check(text: str) -> int:
        value = whole(text)
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"must be from {low} to {high:,}, got {text}")
        return value

    return check


def mention(text: str) -> int:
    """A mention as douse shows it ("m777") or plain "777", within range."""
    try:
        value = parse_mention_ref(text)
    except DouseError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    if value > LARGEST:
        raise argparse.ArgumentTypeError(f"no such mention: {text} (too large a number)")
    return value

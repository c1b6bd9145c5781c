"""Turning data into inert, styled Text: nothing from the internet is ever parsed as markup."""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime, timedelta

from rich.text import Text
from textual.widgets import Static

from douse.core.text import strip_controls
from douse.core.wording import duration

# Beyond core.text's controls: zero-width and format characters that hide text in a table cell.
_INVISIBLE = re.compile("[\u200b-\u200f\u2060-\u2065\ufeff]")
SPARK = "▁▂▃▄▅▆▇█"
SEVERITY_STYLE = {
    "critical": "bold white on red",
    "high": "bold red",
    "medium": "yellow",
    "low": "dim",
}
LABEL_STYLE = {
    "negative": "bold red",
    "positive": "green",
    "neutral": "dim",
    "unscored": "magenta",
}


def clean(value: str | None, *, one_line: bool = True, limit: int | None = None) -> str:
    """Strip escape sequences and control characters; optionally fold to one line and clip."""
    if not value:
        return ""
    text = _INVISIBLE.sub("", strip_controls(value))
    text = " ".join(text.split()) if one_line else text.replace("\t", "    ")
    text = unicodedata.normalize("NFC", text)
    if limit is not None and len(text) > limit:
        text = text[: max(limit - 1, 0)] + "…"
    return text


def safe(
    value: str | None, style: str = "", *, one_line: bool = True, limit: int | None = None
) -> Text:
    """Internet text as a Text: markup stays literal, control sequences are gone."""
    return Text(clean(value, one_line=one_line, limit=limit), style=style, no_wrap=one_line)


def severity(value: str) -> Text:
    return Text(value, style=SEVERITY_STYLE.get(value, ""))


def label(value: str, corrected: bool = False) -> Text:
    text = Text(value, style=LABEL_STYLE.get(value, ""))
    if corrected:
        text.append("✎", style="cyan")
    return text


NARROW = 100
"""Below this many columns lists drop their least needed column and shorten words, so what
matters (the deadline, the title) fits an 80-column terminal."""

DUE_WIDTH = len("overdue 47h 59m")
"""The widest countdown below two days: the width of every Due column."""


def countdown(due_at: datetime | None, now: datetime) -> Text:
    """A live deadline as `douse incidents` words it: 'in 29m', 'in 3h 05m', 'overdue 1h 22m'.

    Quiet when far, yellow under an hour, bold red under 15 minutes, white on red once overdue.
    """
    if due_at is None:
        return Text("—", style="dim")
    left = due_at - now
    if left.total_seconds() <= 0:
        return Text(f"overdue {duration(left)}", style="bold white on dark_red")
    text = f"in {duration(left)}"
    if left < timedelta(minutes=15):
        return Text(text, style="bold red")
    if left < timedelta(hours=1):
        return Text(text, style="yellow")
    return Text(text)


def ago(when: datetime | None, now: datetime) -> Text:
    if when is None:
        return Text("never", style="dim")
    delta = now - when
    if delta.total_seconds() < 0:
        return Text(f"in {duration(delta)}")
    if delta < timedelta(minutes=1):
        return Text("just now")
    return Text(f"{duration(delta)} ago")


def stamp(when: datetime | None) -> str:
    return when.strftime("%Y-%m-%d %H:%M") if when else "—"


def sparkline(values: tuple[int, ...] | list[int]) -> Text:
    top = max(values, default=0)
    if top == 0:
        return Text(SPARK[0] * len(values), style="dim")
    chars = "".join(
        SPARK[min(len(SPARK) - 1, (v * (len(SPARK) - 1) + top - 1) // top)] for v in values
    )
    return Text(chars, style="red" if values and values[-1] == top else "yellow")


def count(value: int, style: str = "") -> Text:
    return Text(str(value), style=style) if value else Text("·", style="dim")


def show(box: Static, content: Text) -> None:
    """Put `content` in the box unless it is already there.

    A cursor landing on a row often re-sends what a loader just showed; each real update costs
    the screen another frame (20-30 ms on a full client view).
    """
    if box.content != content:
        box.update(content)

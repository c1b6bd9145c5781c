"""Turning data into inert, styled Text: nothing from the internet is ever parsed as markup."""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime, timedelta

from rich.text import Text
from textual.widgets import Static

from core.text import strip_controls

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


def plural(n: int, word: str, many: str | None = None) -> str:
    """'1 mention', '2 mentions'; `many` for irregular plurals: plural(n, "person", "people")."""
    return f"{n} {word if n == 1 else (many or word + 's')}"


def short_duration(delta: timedelta) -> str:
    seconds = int(abs(delta.total_seconds()))
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    if days:
        return f"{days}d {hours:02d}h"
    if hours:
        return f"{hours}h {minutes:02d}m"
    return f"{minutes:02d}:{secs:02d}"


def countdown(due_at: datetime | None, now: datetime) -> Text:
    """A live deadline: quiet when far, yellow under an hour, red and signed once overdue."""
    if due_at is None:
        return Text("—", style="dim")
    left = due_at - now
    if left.total_seconds() <= 0:
        return Text(f"−{short_duration(left)} over", style="bold white on dark_red")
    if left < timedelta(minutes=15):
        return Text(short_duration(left), style="bold red")
    if left < timedelta(hours=1):
        return Text(short_duration(left), style="yellow")
    return Text(short_duration(left))


def coarse_duration(delta: timedelta) -> str:
    minutes = int(abs(delta.total_seconds()) // 60)
    days, rest = divmod(minutes, 1440)
    hours, mins = divmod(rest, 60)
    if days:
        return f"{days}d {hours}h"
    if hours:
        return f"{hours}h {mins:02d}m"
    return f"{mins}m"


def ago(when: datetime | None, now: datetime) -> Text:
    if when is None:
        return Text("never", style="dim")
    delta = now - when
    if delta.total_seconds() < 0:
        return Text(f"in {coarse_duration(delta)}")
    if delta < timedelta(minutes=1):
        return Text("just now")
    return Text(f"{coarse_duration(delta)} ago")


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

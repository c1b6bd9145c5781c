"""Flagging an author a troll moves their incidents to monitor: the question the desk asks first,
with what moves (or, unflagging, what comes back) and when each is due."""

from __future__ import annotations

from datetime import datetime

from rich.text import Text

from douse.core.authors import IncidentBrief, TrollPreview
from douse.tui.widgets.text import clean, countdown


def brief_lines(text: Text, briefs: tuple[IncidentBrief, ...], now: datetime) -> None:
    for b in briefs:
        text.append(f"\n  #{b.id} ", style="bold")
        text.append(b.status.replace("_", " "))
        text.append("  ")
        text.append_text(countdown(b.due_at, now) if b.due_at else Text("no deadline", "dim"))
        text.append("  ")
        text.append(clean(b.title, limit=50))


def troll_question(p: TrollPreview, now: datetime) -> tuple[str, Text]:
    """What flagging (or unflagging) will do, in words and with the deadlines at stake."""
    who = clean(p.handle, limit=40) + (
        f" ({clean(p.display_name, limit=30)})" if p.display_name else ""
    )
    text = Text()
    if p.is_troll:
        title = f"Unflag {who}?"
        if p.restores:
            text.append("These go back from monitor, status and clocks as before the flag:")
            brief_lines(text, p.restores, now)
        else:
            text.append("Nothing the flag moved is still in monitor: only the flag goes.")
        return title, text
    title = f"Flag {who} as a troll?"
    if p.moves:
        text.append("Their open incidents go to monitor (no clock, no alerts, no reply):", "bold")
        brief_lines(text, p.moves, now)
    else:
        text.append("None of their open incidents moves to monitor.")
    if p.stays:
        text.append("\nStay open, other people are on them:")
        brief_lines(text, p.stays, now)
    text.append(
        "\nTheir new posts will go to monitor. u (undo) or unflagging restores these.", "dim"
    )
    return title, text

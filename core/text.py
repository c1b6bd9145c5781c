"""Making text from the internet inert: the one place that knows which characters a terminal,
a report or a log must never receive from a post, an author name or a URL.

Ingestion cleans text on the way in; every place that shows text (CLI, desk, exports, logs) still
passes it through here on the way out, because older rows, imports and notes come from elsewhere.
"""

from __future__ import annotations

import re

from douse.core.errors import DouseError

# ANSI/VT escape sequences: CSI (ESC [ ... final), OSC/DCS/PM/APC/SOS strings up to BEL or ST,
# and two-character ESC sequences. Their 8-bit forms (0x9b CSI, 0x9d OSC ...) are C1 controls,
# removed below with the rest of C1.
ANSI = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]?"
    r"|\x1b[\]PX^_][^\x07\x1b]*(?:\x07|\x1b\\)?"
    r"|\x1b[ -/]*[0-~]?"
)
# C0 except tab and newline, DEL, C1, and the explicit bidi overrides/isolates that let a post
# visually reorder the text around it ("Trojan Source"); implicit bidi still works without them.
CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
# The controls among those that stand between words (NUL, vertical tab, form feed, the file/
# group/record/unit separators, next line): removing them would join the words, so each becomes
# a space. The others (escape sequences, bell, bidi overrides) are removed outright.
SEPARATING_CONTROLS = re.compile(r"[\x00\x0b\x0c\x1c-\x1f\x85]")


def strip_controls(text: str) -> str:
    """Remove escape sequences and control characters (keeps newline, tab); CR becomes newline,
    and a control that separates words (NUL, VT, FF, FS-US, NEL) becomes a space."""
    if not text:
        return ""
    if text.isprintable():
        # No control, format (bidi) or separator character other than the space: nothing to
        # remove. Most text is like this, and a listing cleans every cell.
        return text
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "\x1b" in text:
        text = ANSI.sub("", text)
    return CONTROLS.sub("", SEPARATING_CONTROLS.sub(" ", text))


def inert(text: str | None, limit: int | None = None) -> str:
    """One line, controls removed, clipped with an ellipsis: safe to print anywhere."""
    if (
        text.__class__ is str
        and text.isprintable()
        and "  " not in text
        and not text.startswith(" ")
        and not text.endswith(" ")
    ):
        # Printable text holds no whitespace but the space (newlines, tabs, no-break and other
        # separators are not printable), so with no leading, trailing or doubled space it is
        # already one clean line: most text is, and reports and listings pass every value here.
        line = text
    else:
        line = " ".join(strip_controls(text or "").split())
    if limit is not None and len(line) > limit:
        line = line[: max(limit - 1, 0)].rstrip() + "…"
    return line


def mention_ref(mention_id: int) -> str:
    """How a mention is named to people: "m777". "#777" is always an incident."""
    return f"m{mention_id}"


_MENTION_REF = re.compile(r"[mM]?(\d+)")


def parse_mention_ref(text: str) -> int:
    """A mention as a person types it: "m777" (as shown) or plain "777"."""
    found = _MENTION_REF.fullmatch(text.strip())
    if found is None:
        raise DouseError(f"not a mention: {text!r} (mentions are named like m777)")
    return int(found.group(1))

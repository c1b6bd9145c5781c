"""Rows for people (aligned columns) and programs (JSON), with internet text made inert."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from douse.core.queries.rows import as_dict, json_ready
from douse.core.text import inert
from douse.tui.cli.context import Context
from douse.tui.cli.numbers import mention


def print_json(ctx: Context, rows: Sequence[Any]) -> None:
    """Rows (dataclasses, or dicts naming a command's own fields) as a JSON list."""
    import json

    items = [json_ready(r) if isinstance(r, dict) else as_dict(r) for r in rows]
    # ensure_ascii keeps escape characters escaped (\u001b), so JSON output is inert too.
    ctx.out(json.dumps(items, indent=2, ensure_ascii=True))


def when(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value else "-"


def print_table(ctx: Context, headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    cells = [[inert(str(c)) for c in row] for row in rows]
    widths = [max([len(h), *(len(r[i]) for r in cells)]) for i, h in enumerate(headers)]
    ctx.out("  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip())
    for row in cells:
        ctx.out("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())


def mention_arg(text: str) -> int:
    """An argparse type for a mention: "m777" as douse shows it, or plain "777"."""
    return mention(text)

"""`douse desk`: the interactive desk (also what bare `douse` runs)."""

from __future__ import annotations

import argparse
from typing import Any

from douse.tui.cli.context import Context


def register(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        "desk", help="open the interactive desk (the default command)"
    )
    parser.set_defaults(run=run)


def run(ctx: Context) -> int:
    # Imported here so that other commands never pay for loading Textual.
    from douse.tui.app import run_desk

    # The desk polls sources itself whenever no `douse watch` worker is running.
    # Who runs it: --as, DOUSE_ME, or agency.me in clients.toml (core.settings).
    run_desk(ctx.services, ctx.settings.me, poll=True, me_from=ctx.settings.me_from)
    return 0

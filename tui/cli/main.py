"""The `douse` command: global options, subcommand discovery, and the one place errors become
a single line on stderr with exit code 2."""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
from collections.abc import Sequence
from typing import Any, NoReturn

from sqlalchemy.exc import OperationalError

from core import __version__
from core.errors import DouseError
from tui.cli import commands
from tui.cli.context import Context
from tui.cli.logs import setup_logging

EXIT_USER_ERROR = 2


GLOBAL_OPTIONS: tuple[tuple[tuple[str, ...], dict[str, Any]], ...] = (
    (("--db",), {"help": "SQLAlchemy URL or SQLite file path (default: DOUSE_DATABASE_URL)"}),
    (("--config",), {"help": "clients.toml path (default: DOUSE_CONFIG or user config dir)"}),
    (("--as",), {"dest": "as_staff", "metavar": "STAFF", "help": "act as this staff handle"}),
)


class OneLineParser(argparse.ArgumentParser):
    """A usage mistake is one line, like every other error: `douse: ...`, exit status 2.
    (argparse's own error prints the whole usage block first.)"""

    def error(self, message: str) -> NoReturn:
        where = self.prog.removeprefix("douse").strip()
        prefix = f"{where}: " if where else ""
        self.exit(EXIT_USER_ERROR, f"douse: {prefix}{message} (see `{self.prog} --help`)\n")


class SubcommandParser(OneLineParser):
    """Every subcommand also takes the global options, so `douse incidents --db X` works like
    `douse --db X incidents`. SUPPRESS keeps an absent option from hiding the global value."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("conflict_handler", "resolve")
        super().__init__(**kwargs)
        for flags, options in GLOBAL_OPTIONS:
            # Hidden here: `douse --help` documents them once.
            self.add_argument(
                *flags, **{**options, "default": argparse.SUPPRESS, "help": argparse.SUPPRESS}
            )


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(
        prog="douse",
        description="A keyboard-driven desk for guarding many brands' online reputation.",
    )
    parser.add_argument("--version", action="version", version=f"douse {__version__}")
    for flags, options in GLOBAL_OPTIONS:
        parser.add_argument(*flags, **options)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=SubcommandParser)
    for info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{commands.__name__}.{info.name}")
        module.register(sub)
    return parser


def _subcommands(parser: argparse.ArgumentParser) -> set[str]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return set(action.choices)
    return set()


def _first_line(exc: OperationalError) -> str:
    return str(exc.orig if exc.orig is not None else exc).strip().splitlines()[0]


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "run", None):
        # Bare `douse` opens the desk, as a person at a terminal expects.
        if "desk" not in _subcommands(parser):
            parser.print_help(sys.stderr)
            return EXIT_USER_ERROR
        args = parser.parse_args([*(sys.argv[1:] if argv is None else argv), "desk"])
    ctx = Context(args)
    try:
        setup_logging(ctx.settings.log_dir)
        return int(args.run(ctx) or 0)
    except DouseError as exc:
        # A config check or a policy refusal has several findings: one line each.
        for line in exc.lines():
            print(f"douse: {line}", file=sys.stderr)
        return EXIT_USER_ERROR
    except OperationalError as exc:
        # A locked, unreachable or vanished database is the environment, not a bug in douse.
        print(f"douse: database unavailable: {_first_line(exc)}", file=sys.stderr)
        return EXIT_USER_ERROR
    except KeyboardInterrupt:
        print("douse: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    finally:
        ctx.close()

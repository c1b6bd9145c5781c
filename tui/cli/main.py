"""The `douse` command: global options, subcommand discovery, and the one place errors become
a single line on stderr.

Exit codes: 0 done; 1 a command's own "found something" answer (documented per command);
2 a user error or an unavailable database; 3 a conflict (someone else changed the incident since
the version you named); 70 a bug in douse (one line on stderr, the traceback in the log file);
130 interrupted.

Only the module of the command being run is imported (tui.cli.registry names them all), so
`douse --help`, `douse --version` and the read commands start without the sentiment rules, the
exporters or Textual. Nothing here imports SQLAlchemy either: a command that needs the database
loads it through its own module.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import sys
from collections.abc import Iterable, Sequence
from functools import cache
from pathlib import Path
from typing import Any, NoReturn

from douse.core import __version__
from douse.core.errors import ConflictError, DouseError
from douse.core.text import inert
from douse.tui.cli import commands
from douse.tui.cli.context import Context
from douse.tui.cli.logs import setup_logging
from douse.tui.cli.numbers import whole
from douse.tui.cli.registry import COMMANDS, HIDDEN, module_of

EXIT_USER_ERROR = 2
EXIT_CONFLICT = 3
EXIT_INTERNAL = 70  # EX_SOFTWARE in sysexits.h
DEFAULT_COMMAND = "desk"


GLOBAL_OPTIONS: tuple[tuple[tuple[str, ...], dict[str, Any]], ...] = (
    (("--db",), {"help": "SQLAlchemy URL or SQLite file path (default: DOUSE_DATABASE_URL)"}),
    (("--config",), {"help": "clients.toml path (default: DOUSE_CONFIG or user config dir)"}),
    (("--as",), {"dest": "as_staff", "metavar": "STAFF", "help": "act as this staff handle"}),
)
# Global options that take a value, as argparse also accepts them abbreviated (`--conf X`).
_VALUE_OPTIONS = tuple(flags[0] for flags, _options in GLOBAL_OPTIONS)


@cache
def _columns() -> int:
    """The terminal's width as shutil.get_terminal_size finds it (COLUMNS, then the terminal,
    then 80), without importing shutil: argparse's formatter does, and shutil loads the zlib,
    bz2 and lzma modules, a tenth of a read command's start-up."""
    try:
        columns = int(os.environ.get("COLUMNS", ""))
    except ValueError:
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            columns = 0
    return columns or 80


class HelpFormatter(argparse.HelpFormatter):
    def __init__(
        self,
        prog: str,
        indent_increment: int = 2,
        max_help_position: int = 24,
        width: int | None = None,
    ) -> None:
        width = _columns() - 2 if width is None else width
        super().__init__(prog, indent_increment, max_help_position, width)


class OneLineParser(argparse.ArgumentParser):
    """A usage mistake is one line, like every other error: `douse: ...`, exit status 2.
    (argparse's own error prints the whole usage block first.)"""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", HelpFormatter)
        super().__init__(**kwargs)

    def add_argument(self, *args: Any, **kwargs: Any) -> argparse.Action:
        # A bare int would let 99999999999999999999 through to the database driver.
        if kwargs.get("type") is int:
            kwargs["type"] = whole
        return super().add_argument(*args, **kwargs)

    def error(self, message: str) -> NoReturn:
        where = self.prog.removeprefix("douse").strip()
        prefix = f"{where}: " if where else ""
        self.exit(EXIT_USER_ERROR, f"douse: {prefix}{message} (see `{self.prog} --help`)\n")


class SubcommandParser(OneLineParser):
    """Every subcommand also takes the global options, so `douse incidents --db X` works like
    `douse --db X incidents`. SUPPRESS keeps an absent option from hiding the global value."""

    def __init__(self, *, stub: bool = False, **kwargs: Any) -> None:
        kwargs.setdefault("conflict_handler", "resolve")
        super().__init__(**kwargs)
        if stub:
            return  # only listed in `douse --help`; never parses a command line
        for flags, options in GLOBAL_OPTIONS:
            # Hidden here: `douse --help` documents them once.
            self.add_argument(
                *flags, **{**options, "default": argparse.SUPPRESS, "help": argparse.SUPPRESS}
            )


def build_parser(load: Iterable[str] | None = None) -> argparse.ArgumentParser:
    """The parser, with the full definitions of the commands named in `load` (every command when
    None) and, for the others, an entry that only lists them in `douse --help`."""
    parser = OneLineParser(
        prog="douse",
        description="A keyboard-driven desk for guarding many brands' online reputation.",
    )
    parser.add_argument("--version", action="version", version=f"douse {__version__}")
    for flags, options in GLOBAL_OPTIONS:
        parser.add_argument(*flags, **options)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=SubcommandParser)
    wanted = set(COMMANDS) if load is None else set(load)
    modules = {module for name in wanted if (module := module_of(name))}
    registered: set[str] = set()
    for name, spec in COMMANDS.items():
        if spec.module in modules:
            if spec.module not in registered:
                registered.add(spec.module)
                _command_module(spec.module).register(sub)
        else:
            sub.add_parser(name, help=spec.help, add_help=False, stub=True)
    for name, spec in HIDDEN.items():
        if name in wanted and spec.module not in registered:
            registered.add(spec.module)
            _command_module(spec.module).register(sub)
    if load is None:
        # A module not (yet) in the registry still works, the slow way: everything is loaded
        # when the command word is not one the registry knows (a test names what is missing).
        import pkgutil

        for info in pkgutil.iter_modules(commands.__path__):
            if info.name not in registered and not info.name.startswith("_"):
                _command_module(info.name).register(sub)
    return parser


def _command_module(name: str) -> Any:
    return importlib.import_module(f"douse.tui.cli.commands.{name}")


def command_in(argv: Sequence[str]) -> str | None:
    """The command word of a command line, found the way argparse will find it: the first word
    that is neither a global option nor the value of one."""
    words = list(argv)
    i = 0
    while i < len(words):
        word = words[i]
        if word == "--":
            return words[i + 1] if i + 1 < len(words) else None
        takes_value = word.startswith("--") and "=" not in word and len(word) > 2
        if takes_value and any(option.startswith(word) for option in _VALUE_OPTIONS):
            i += 2
            continue
        if not word.startswith("-") or word == "-":
            return word
        i += 1
    return None


def _wants_help_or_version(argv: Sequence[str]) -> bool:
    return any(w in ("-h", "--help", "--version") or w.startswith("--vers") for w in argv)


def parse(argv: Sequence[str]) -> argparse.Namespace:
    command = command_in(argv)
    if command is None and not _wants_help_or_version(argv):
        # Bare `douse` opens the desk, as a person at a terminal expects; a mistake in the
        # global options is reported as such first (`douse --db` lacks its value).
        build_parser([]).parse_args(argv)
        argv, command = [*argv, DEFAULT_COMMAND], DEFAULT_COMMAND
    known = command is None or module_of(command) is not None
    parser = build_parser([command] if command else []) if known else build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "run", None):
        # argparse read the line differently from command_in (an unusual spelling of an
        # option): parse again with every command defined, as before commands were lazy.
        args = build_parser().parse_args(argv)
    return args


def _is_database_unavailable(exc: BaseException) -> bool:
    # SQLAlchemy is imported by the commands that use it, never here just to name its error.
    sa_exc = sys.modules.get("sqlalchemy.exc")
    return sa_exc is not None and isinstance(exc, sa_exc.OperationalError)


def _first_line(exc: Any) -> str:
    return str(exc.orig if exc.orig is not None else exc).strip().splitlines()[0]


def main(argv: Sequence[str] | None = None) -> int:
    args = parse(sys.argv[1:] if argv is None else list(argv))
    if not getattr(args, "run", None):
        build_parser([]).print_help(sys.stderr)
        return EXIT_USER_ERROR
    ctx = Context(args)
    log_path: Path | None = None
    try:
        log_path = setup_logging(ctx.settings.log_dir)
        return int(args.run(ctx) or 0)
    except ConflictError as exc:
        # Not a mistake to fix but news to read: who changed what, and when.
        print(f"douse: {exc}", file=sys.stderr)
        return EXIT_CONFLICT
    except DouseError as exc:
        # A config check or a policy refusal has several findings: one line each.
        for line in exc.lines():
            print(f"douse: {line}", file=sys.stderr)
        return EXIT_USER_ERROR
    except KeyboardInterrupt:
        print("douse: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:
        if _is_database_unavailable(exc):
            # A locked, unreachable or vanished database is the environment, not a bug.
            print(f"douse: database unavailable: {_first_line(exc)}", file=sys.stderr)
            return EXIT_USER_ERROR
        return _internal_error(exc, log_path)
    finally:
        ctx.close()


def _internal_error(exc: Exception, log_path: Path | None) -> int:
    """A bug: one line for the person, the whole story for whoever fixes it."""
    if log_path is not None:
        logging.getLogger("douse").error("internal error", exc_info=exc)
        where = f"details in {log_path}"
    else:
        # Without a log file, logging's last resort would print the traceback on stderr.
        where = "no log file could be written"
    message = inert(f"{type(exc).__name__}: {exc}", 160)
    print(f"douse: internal error: {message} (bug; {where})", file=sys.stderr)
    return EXIT_INTERNAL

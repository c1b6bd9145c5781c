"""`douse completion bash|zsh|fish` prints a completion script; the script calls back the hidden
`douse __complete -- WORDS...`, which prints one candidate per line: commands, options, choices,
client slugs and staff handles (read from the database, never written).

Candidates come from the command's own parser, so a new option completes without editing this
file: an argument whose metavar is SLUG completes client slugs, STAFF staff handles.
"""

from __future__ import annotations

import argparse
import sqlite3
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from douse.core.settings import load_settings
from douse.tui.cli.context import Context
from douse.tui.cli.registry import COMMANDS

SHELLS = ("bash", "zsh", "fish")

BASH = r"""# douse completion for bash: eval "$(douse completion bash)" in ~/.bashrc
_douse_complete() {
    local IFS=$'\n'
    COMPREPLY=($(douse __complete -- "${COMP_WORDS[@]:0:COMP_CWORD+1}" 2>/dev/null))
}
complete -o default -F _douse_complete douse
"""

ZSH = r"""#compdef douse
# douse completion for zsh: eval "$(douse completion zsh)" in ~/.zshrc (after compinit)
_douse() {
    local -a candidates
    candidates=("${(@f)$(douse __complete -- "${(@)words[1,CURRENT]}" 2>/dev/null)}")
    candidates=(${candidates:#})
    if (( ${#candidates} )); then
        compadd -- "${candidates[@]}"
    else
        _files
    fi
}
compdef _douse douse
"""

FISH = r"""# douse completion for fish:
#   douse completion fish > ~/.config/fish/completions/douse.fish
function __douse_complete
    douse __complete -- (commandline -opc) (commandline -ct) 2>/dev/null
end
complete -c douse -a '(__douse_complete)'
"""

SCRIPTS = {"bash": BASH, "zsh": ZSH, "fish": FISH}
GLOBAL_FLAGS = ("--db", "--config", "--as", "--help", "--version")


def register(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        "completion",
        help="print a shell completion script (bash, zsh or fish)",
        description="Print a completion script for SHELL: commands, options, client slugs and "
        'staff handles complete with Tab. bash: eval "$(douse completion bash)" in ~/.bashrc; '
        'zsh: eval "$(douse completion zsh)" in ~/.zshrc; fish: douse completion fish > '
        "~/.config/fish/completions/douse.fish",
    )
    parser.add_argument("shell", choices=SHELLS)
    parser.set_defaults(run=run_completion)
    hidden = sub.add_parser("__complete", add_help=False)
    hidden.add_argument("words", nargs=argparse.REMAINDER)
    hidden.set_defaults(run=run_complete)


def run_completion(ctx: Context) -> int:
    ctx.stdout.write(SCRIPTS[ctx.args.shell])
    return 0


def run_complete(ctx: Context) -> int:
    words = list(ctx.args.words)
    if words[:1] == ["--"]:
        words = words[1:]
    for candidate in candidates(words[1:] if words else [""], ctx):
        ctx.out(candidate)
    return 0


def candidates(words: Sequence[str], ctx: Context) -> list[str]:
    """What may stand in place of the last word (the one being typed; "" for a new word)."""
    from douse.tui.cli.main import GLOBAL_OPTIONS, build_parser, command_in

    *before, current = words or [""]
    previous = before[-1] if before else ""
    value_flags = {flags[0] for flags, _options in GLOBAL_OPTIONS}
    if previous in value_flags:
        return _values_for("STAFF" if previous == "--as" else "", current, before, ctx)
    command = command_in(before)
    if command is None:
        pool = GLOBAL_FLAGS if current.startswith("-") else tuple(COMMANDS)
        return _starting(pool, current)
    if command not in COMMANDS:
        return []
    parser = build_parser([command])
    rest = before[before.index(command) + 1 :]
    leaf, rest = _leaf(_subparser(parser, command), rest)
    if leaf is None:
        return []
    action = _option_taking_value(leaf, previous)
    if action is not None:
        return _action_values(action, current, before, ctx)
    if current.startswith("-"):
        flags = [
            flag
            for action in leaf._actions
            if action.help != argparse.SUPPRESS
            for flag in action.option_strings
        ]
        return _starting(flags, current)
    positional = _next_positional(leaf, rest)
    return [] if positional is None else _action_values(positional, current, before, ctx)


def _starting(pool: Sequence[str], prefix: str) -> list[str]:
    return [item for item in pool if item.startswith(prefix)]


def _subparser(parser: argparse.ArgumentParser, name: str) -> argparse.ArgumentParser | None:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            found = action.choices.get(name)
            return found if isinstance(found, argparse.ArgumentParser) else None
    return None


def _leaf(
    parser: argparse.ArgumentParser | None, rest: list[str]
) -> tuple[argparse.ArgumentParser | None, list[str]]:
    """Down through nested actions (`douse db upgrade`) to the parser the word belongs to."""
    while parser is not None:
        nested = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
        words = [w for w in rest if not w.startswith("-")]
        if not nested or not words or words[0] not in nested[0].choices:
            return parser, rest
        parser, rest = nested[0].choices[words[0]], rest[rest.index(words[0]) + 1 :]
    return None, rest


def _option_taking_value(parser: argparse.ArgumentParser, word: str) -> argparse.Action | None:
    for action in parser._actions:
        if word in action.option_strings and action.nargs != 0:
            return action
    return None


def _next_positional(parser: argparse.ArgumentParser, rest: list[str]) -> argparse.Action | None:
    given = 0
    skip = False
    for word in rest:
        if skip:
            skip = False
        elif word.startswith("-"):
            skip = _option_taking_value(parser, word) is not None
        else:
            given += 1
    positionals = [a for a in parser._actions if not a.option_strings]
    for action in positionals:
        many = action.nargs in ("+", "*", argparse.REMAINDER)
        if many or given == 0:
            return action
        given -= 1
    return None


def _action_values(
    action: argparse.Action, current: str, before: Sequence[str], ctx: Context
) -> list[str]:
    if isinstance(action, argparse._SubParsersAction):
        return _starting(list(action.choices), current)
    if action.choices:
        return _starting([str(c) for c in action.choices], current)
    return _values_for(
        action.metavar if isinstance(action.metavar, str) else "", current, before, ctx
    )


def _values_for(kind: str, current: str, before: Sequence[str], ctx: Context) -> list[str]:
    if kind not in ("SLUG", "STAFF"):
        return []
    query = (
        "SELECT slug FROM clients WHERE NOT archived ORDER BY slug"
        if kind == "SLUG"
        else "SELECT handle FROM staff WHERE active ORDER BY handle"
    )
    return _starting(_read(query, before, ctx), current)


def _global(before: Sequence[str], flag: str) -> str | None:
    for i, word in enumerate(before[:-1]):
        if word == flag:
            return before[i + 1]
    return None


def _read(query: str, before: Sequence[str], ctx: Context) -> list[str]:
    """Names from the database the command line points at; none when it cannot be read (a
    completion never creates, migrates or locks a database)."""
    settings = load_settings(
        db=_global(before, "--db") or ctx.args.db, config=_global(before, "--config")
    )
    url = settings.database_url
    try:
        if url.startswith("sqlite:///"):
            path = Path(url.removeprefix("sqlite:///"))
            if not path.is_file():
                return []
            connection = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True, timeout=1)
            try:
                return [str(row[0]) for row in connection.execute(query)]
            finally:
                connection.close()
        from sqlalchemy import text

        from douse.core.db.engine import make_engine

        engine = make_engine(url)
        try:
            with engine.connect() as db:
                return [str(row[0]) for row in db.execute(text(query))]
        finally:
            engine.dispose()
    except Exception:
        # Tab on a broken or absent database completes nothing; the command says why.
        return []

"""`douse config check|path` and `douse sync`: clients.toml into the database."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from douse.core.config import AgencyConfig, load_config, sync_config
from douse.core.errors import DouseError
from douse.core.wording import plural
from douse.tui.cli.context import Context
from douse.tui.cli.progress import progress_bar


def register(sub: Any) -> None:
    parser = sub.add_parser("config", help="check clients.toml or show where it lives")
    actions = parser.add_subparsers(dest="config_action", metavar="ACTION", required=True)
    check = actions.add_parser("check", help="validate a clients.toml (exit 2 on problems)")
    check.add_argument("file", nargs="?", help="file to check (default: --config)")
    check.add_argument("--allow-empty", action="store_true", help=ALLOW_EMPTY_HELP)
    check.set_defaults(run=run_check)
    actions.add_parser("path", help="print the config file douse reads").set_defaults(run=run_path)
    sync = sub.add_parser(
        "sync", help="write clients, staff, accounts and sources into the database"
    )
    sync.add_argument("file", nargs="?", help="file to sync (default: --config)")
    sync.add_argument("--allow-empty", action="store_true", help=ALLOW_EMPTY_HELP)
    sync.set_defaults(run=run_sync)


ALLOW_EMPTY_HELP = "accept a file without clients (syncing it archives every client)"


def _not_empty(ctx: Context, path: Path, config: AgencyConfig) -> None:
    """An empty (or emptied) clients.toml looks like a valid agency of nobody: syncing it would
    archive every client. That is refused unless it is said to be meant."""
    if not config.clients and not ctx.args.allow_empty:
        raise DouseError(
            f"{path}: no clients; syncing it would archive every client in the database "
            "(pass --allow-empty if that is what you mean)"
        )


def _path(ctx: Context) -> Path:
    return Path(ctx.args.file).expanduser() if ctx.args.file else ctx.settings.config_path


def run_check(ctx: Context) -> int:
    path = _path(ctx)
    config = load_config(path)
    _not_empty(ctx, path, config)
    accounts = sum(len(c.accounts) for c in config.clients)
    unowned = sum(1 for c in config.clients for a in c.accounts if a.owner is None)
    sources = sum(len(c.sources) for c in config.clients)
    ctx.out(
        f"{path}: ok: {plural(len(config.clients), 'client')}, {len(config.staff)} staff, "
        f"{plural(accounts, 'account')} ({unowned} unowned), {plural(sources, 'source')}"
    )
    return 0


def run_path(ctx: Context) -> int:
    ctx.out(str(ctx.settings.config_path))
    return 0


def run_sync(ctx: Context) -> int:
    path = _path(ctx)
    config = load_config(path)
    _not_empty(ctx, path, config)
    services = ctx.services
    total = len(config.clients)
    with (
        progress_bar(ctx.stderr, "syncing clients", total=total, unit="clients") as bar,
        services.sessions.begin() as session,
    ):
        report = sync_config(session, config, services.clock.now(), progress=bar)
    for line in report.lines():
        ctx.out(line)
    return 0

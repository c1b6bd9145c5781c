"""`douse export SLUG --format csv|json|md|html`: one client's incident log or report."""

from __future__ import annotations

import argparse
import io
import os
from datetime import datetime
from typing import Any, TextIO

from douse.core.export import FORMATS, export_client, export_to_stream
from douse.core.export.period import DEFAULT_SINCE
from douse.tui.cli.context import Context
from douse.tui.cli.output import inert
from douse.tui.cli.progress import progress_bar


def register(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        "export",
        help="export a client's incident log (csv, json, md) or report (html)",
        description="Write one client's incidents opened in a period. A date is a whole day in the "
        "client's time zone, a time without an offset is the client's local time; --until "
        "defaults to now. md and html are the client's report (team-only entries left out, "
        "unless --internal); csv and json are always complete. A file appears only once complete.",
    )
    parser.add_argument("slug", metavar="SLUG", help="the client")
    parser.add_argument("--format", dest="fmt", choices=FORMATS, default="html")
    parser.add_argument(
        "--since",
        metavar="DATE",
        default=DEFAULT_SINCE,
        help="first day, e.g. 2026-11-01, or a time, 2026-11-01T10:00 (default: everything, "
        "from the client's first mention or incident; the desk's export dialog defaults the same)",
    )
    parser.add_argument(
        "--until", metavar="DATE", help="last day included, e.g. 2026-11-30, or a time (excluded)"
    )
    parser.add_argument(
        "-o",
        "--output",
        metavar="PATH",
        help="file or folder to write (default: SLUG-incidents-DATE.EXT here; '-' for stdout)",
    )
    parser.add_argument(
        "--activities", action="store_true", help="csv: one row per activity instead of incident"
    )
    parser.add_argument("--bom", action="store_true", help="csv: start with a UTF-8 BOM for Excel")
    parser.add_argument(
        "--internal",
        action="store_true",
        help="md/html: include internal notes, assignments and the raw status log (not for the "
        "client)",
    )
    parser.set_defaults(run=run_export)


def run_export(ctx: Context) -> int:
    args = ctx.args
    services = ctx.services
    now = services.clock.now()
    if args.output == "-" or _is_stdout(ctx, args.output):
        _to_stdout(ctx, now)
        return 0
    with progress_bar(ctx.stderr, f"{args.slug}: {args.fmt} export", unit="bytes") as bar:
        result = export_client(
            services.sessions,
            args.slug,
            args.fmt,
            args.since,
            args.until,
            args.output or ".",
            now,
            activities=args.activities,
            bom=args.bom,
            internal=args.internal,
            progress=bar,
        )
    what = "activities" if args.activities and args.fmt == "csv" else "incidents"
    ctx.out(f"{result.rows:,} {what} written to {inert(str(result.path))} ({result.bytes:,} bytes)")
    return 0


def _is_stdout(ctx: Context, output: str | None) -> bool:
    """`-o /dev/stdout` (or /dev/fd/1, or the file stdout is redirected to) is stdout itself:
    writing it as a separate file would start at its own offset and clobber or be clobbered."""
    if not output:
        return False
    try:
        return os.path.samestat(os.stat(output), os.fstat(ctx.stdout.fileno()))
    except (OSError, ValueError, AttributeError, io.UnsupportedOperation):
        return False


def _to_stdout(ctx: Context, now: datetime) -> None:
    args = ctx.args

    def write(stream: TextIO) -> None:
        if args.bom and args.fmt == "csv":
            stream.write("\ufeff")
        with ctx.services.sessions() as session:
            export_to_stream(
                session,
                args.slug,
                args.fmt,
                args.since,
                args.until,
                stream,
                now,
                activities=args.activities,
                internal=args.internal,
            )

    buffer = getattr(ctx.stdout, "buffer", None)
    if buffer is None:
        write(ctx.stdout)
        return
    # UTF-8 whatever the locale, and no newline translation: csv writes its own \r\n.
    ctx.stdout.flush()
    stream = io.TextIOWrapper(buffer, encoding="utf-8", newline="")
    try:
        write(stream)
    finally:
        stream.flush()
        stream.detach()  # leave sys.stdout's buffer open for the rest of the process

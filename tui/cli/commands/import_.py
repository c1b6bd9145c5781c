"""`douse import FILE... --client SLUG`: review exports and saved feeds, one line per file."""

from __future__ import annotations

import argparse
from typing import Any

from douse.core.errors import DouseError
from douse.core.ingest.adapters.files import counting_skipped
from douse.core.ingest.douse_json import import_douse_json
from douse.core.ingest.importer import LabelledFileRefused, import_file_batched
from douse.core.ingest.manual import active_client
from douse.core.wording import plural
from douse.tui.cli.context import Context
from douse.tui.cli.output import inert
from douse.tui.cli.progress import progress_bar

EXIT_REFUSED = 2


def register(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        "import",
        help="import mentions from CSV, JSONL, JSON or feed files",
        description="Import each FILE as mentions of a client, in batches of 1,000 rows (each "
        "committed, so the desk and pollers keep working), then judge the new posts oldest "
        "first: incidents come out the same whichever way the file is sorted. A bad row stops "
        "its file with a reason; the batches before it stay, and importing the fixed file again "
        "skips them as duplicates. Rows without any text (star-only reviews) are skipped and "
        "counted. Exit code 2 if any file was refused.",
    )
    parser.add_argument("files", nargs="+", metavar="FILE")
    parser.add_argument(
        "--client", metavar="SLUG", help="client the mentions belong to (douse-json: from the file)"
    )
    parser.add_argument(
        "--format",
        dest="fmt",
        choices=["csv", "jsonl", "json", "rss", "atom", "feed", "douse-json"],
        help="file format (default: from the file name); douse-json reads a `douse export "
        "--format json` incident log back, with its mentions and activities",
    )
    parser.add_argument(
        "--map",
        dest="column_map",
        metavar="FIELD=COLUMN,...",
        help="where fields live, e.g. text=review,author=user,published=date,url=link,"
        "id=review_id; label=COLUMN reads a person's label (negative/neutral/positive) "
        "to learn from, client=COLUMN refuses rows of another client",
    )
    parser.add_argument(
        "--by",
        metavar="STAFF",
        help="who gave the file's labels (default: --as, DOUSE_ME or agency.me)",
    )
    parser.add_argument(
        "--platform", default="import", help="platform name for the rows (default: import)"
    )
    parser.add_argument(
        "--keep-all",
        action="store_true",
        help="keep every row, even without the client's keywords (e.g. its own reviews)",
    )
    parser.set_defaults(run=run_import)


def run_import(ctx: Context) -> int:
    if ctx.args.fmt == "douse-json":
        return run_douse_json_import(ctx)
    if not ctx.args.client:
        raise DouseError("--client SLUG is needed for this format")
    services = ctx.services
    # An unknown client is one error, not one refusal per file.
    with services.sessions() as session:
        active_client(session, ctx.args.client)
    scorer = services.analyzer()
    refused = 0
    for path in ctx.args.files:
        name = inert(path)
        try:
            with (
                counting_skipped() as skipped,
                progress_bar(ctx.stderr, f"{path}: storing", unit="posts") as bar,
            ):
                report = import_file_batched(
                    services.sessions,
                    ctx.args.client,
                    path,
                    now=services.clock.now(),
                    scorer=scorer,
                    fmt=ctx.args.fmt,
                    column_map=ctx.args.column_map,
                    platform=ctx.args.platform,
                    keep_all=ctx.args.keep_all,
                    labels_by=ctx.args.by or ctx.settings.me,
                    progress=None if bar is None else _stage_reporter(bar, path),
                )
        except LabelledFileRefused as exc:
            refused += 1
            for line in exc.lines():
                print(f"{name}: refused: {inert(line)}", file=ctx.stderr)
            continue
        except DouseError as exc:
            refused += 1
            print(f"{name}: refused: {inert(str(exc))}", file=ctx.stderr)
            continue
        except OSError as exc:
            refused += 1
            why = inert(exc.strerror or str(exc))
            print(f"{name}: refused: cannot read: {why}", file=ctx.stderr)
            continue
        except UnicodeError as exc:
            # The reader decodes leniently; should any decoder still fail, it is this file's
            # refusal, not the end of the command.
            refused += 1
            print(f"{name}: refused: cannot decode: {inert(str(exc))}", file=ctx.stderr)
            continue
        result = report.stored
        hint = ""
        if result.dropped and not ctx.args.keep_all and not result.new:
            hint = " (no keyword match; --keep-all keeps every row)"
        extra = f", {skipped.line()}" if skipped.without_text else ""
        judged = (
            f"; judged {report.judged}: {plural(report.opened, 'incident')} opened, "
            f"{report.joined} joined"
            if report.judged
            else ""
        )
        labelled = plural(report.labelled, "label")
        labels = f"; {labelled} recorded to learn from" if report.labelled else ""
        ctx.out(
            f"{name}: imported {result.new} new, "
            f"{result.duplicate + result.near_duplicate} duplicate "
            f"({result.near_duplicate} near), {result.dropped} dropped{hint}{extra}{judged}"
            f"{labels}"
        )
        tamed = result.warning()
        if tamed:
            print(f"{name}: note: {inert(tamed, 400)}", file=ctx.stderr)
    return EXIT_REFUSED if refused else 0


def _stage_reporter(bar: Any, path: str) -> Any:
    """import_file_batched says ("stored", posts so far) per batch, then ("judged", n)."""

    def report(stage: str, count: int) -> None:
        bar(count, what=f"{path}: {'judging' if stage == 'judged' else 'storing'}")

    return report


def run_douse_json_import(ctx: Context) -> int:
    """Incident logs carry their own client; each file is one transaction, all or nothing."""
    services = ctx.services
    refused = 0
    for path in ctx.args.files:
        name = inert(path)
        try:
            with open(path, encoding="utf-8") as stream, services.sessions.begin() as session:
                summary = import_douse_json(session, stream, services.clock.now())
        except OSError as exc:
            refused += 1
            print(f"{name}: refused: cannot read: {inert(exc.strerror)}", file=ctx.stderr)
            continue
        except (DouseError, UnicodeDecodeError) as exc:
            refused += 1
            print(f"{name}: refused: {inert(str(exc))}", file=ctx.stderr)
            continue
        ctx.out(f"{name}: {inert(summary.line())}")
    return EXIT_REFUSED if refused else 0

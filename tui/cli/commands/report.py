"""`douse report run|status|serve`: the per-client scheduled reports from clients.toml."""

from __future__ import annotations

import argparse
from typing import Any

from sqlalchemy import func, select

from douse.core.db.models import Client, ReportRun
from douse.core.errors import DouseError
from douse.core.export.period import client_zone
from douse.core.jobs.report_schedule import describe_schedule, next_fire, parse_report_schedule
from douse.core.jobs.reports import add_report_job, run_due_reports
from douse.core.wording import plural
from douse.tui.cli.context import Context
from douse.tui.cli.output import inert, print_table, when


def register(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        "report", help="scheduled client reports (run the due ones, show the schedule)"
    )
    actions = parser.add_subparsers(dest="report_action", metavar="ACTION", required=True)
    run = actions.add_parser(
        "run", help="write every report that is due now (missed periods included)"
    )
    run.add_argument("--client", metavar="SLUG", help="only this client")
    run.set_defaults(run=run_reports)
    actions.add_parser("status", help="each client's schedule, last and next report").set_defaults(
        run=report_status
    )
    serve = actions.add_parser(
        "serve", help="keep running and write reports as they fall due (APScheduler)"
    )
    serve.add_argument("--every", type=float, default=300, metavar="SECONDS", help="check interval")
    serve.set_defaults(run=serve_reports)


def run_reports(ctx: Context) -> int:
    services = ctx.services
    outcomes = run_due_reports(services.sessions, services.clock.now(), slug=ctx.args.client)
    failed = 0
    for o in outcomes:
        if o.error:
            failed += 1
            ctx.out(f"{o.client}: not written: {inert(o.error)}")
        else:
            note = " (already recorded by another worker)" if o.already_done else ""
            ctx.out(
                f"{o.client}: {when(o.period_start)} to {when(o.period_end)} UTC, "
                f"{plural(o.incidents, 'incident')} -> {inert(str(o.path))}{note}"
            )
    if not outcomes:
        ctx.out("no report is due")
    if failed:
        raise DouseError(f"{failed} scheduled report(s) could not be written")
    return 0


def report_status(ctx: Context) -> int:
    services = ctx.services
    now = services.clock.now()
    rows = []
    with services.sessions() as session:
        last = dict(
            session.execute(
                select(ReportRun.client_id, func.max(ReportRun.period_end)).group_by(
                    ReportRun.client_id
                )
            ).all()
        )
        clients = session.execute(
            select(Client.id, Client.slug, Client.timezone, Client.report_schedule)
            .where(Client.archived.is_(False))
            .order_by(Client.slug)
        ).all()
    for client_id, slug, tz, raw in clients:
        try:
            schedule = parse_report_schedule(raw)
        except DouseError as exc:
            rows.append((slug, f"invalid: {exc}", "-", "-", "-"))
            continue
        if schedule is None:
            continue
        upcoming = next_fire(schedule, client_zone(tz), now)
        rows.append(
            (
                slug,
                f"{describe_schedule(schedule)} ({tz}), {schedule.format}",
                when(last.get(client_id)),
                when(upcoming),
                str(schedule.folder),
            )
        )
    if not rows:
        ctx.out("no client has a report_schedule in clients.toml")
        return 0
    print_table(ctx, ("client", "schedule", "reported up to (UTC)", "next (UTC)", "folder"), rows)
    return 0


def serve_reports(ctx: Context) -> int:
    from apscheduler.schedulers.blocking import BlockingScheduler

    services = ctx.services
    scheduler = BlockingScheduler(timezone="UTC")
    add_report_job(scheduler, services.sessions, services.clock, every_s=ctx.args.every)
    ctx.out(f"checking for due reports every {ctx.args.every:g}s; Ctrl-C to stop")
    try:
        scheduler.start()
    finally:
        if scheduler.running:
            scheduler.shutdown(wait=False)
    return 0

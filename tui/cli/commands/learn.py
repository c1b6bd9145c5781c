"""`douse learn`: learn sentiment from the labels staff gave; list, roll back or stop models."""

from __future__ import annotations

import argparse
from typing import Any

from sqlalchemy import select

from douse.core.db.models import Client
from douse.core.errors import DouseError, NotFound
from douse.core.incidents.workflow import staff_by_handle
from douse.core.learning.learn import (
    MIN_EACH,
    MIN_LABELS,
    learn_all,
    learn_scope,
    list_models,
    stop_models,
    use_model,
)
from douse.core.sentiment import Analyzer
from douse.tui.cli.context import Context


def register(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        "learn",
        help="learn sentiment from staff labels (per agency and per client)",
        description="Fit a model from the labels staff gave (desk corrections, `douse mention "
        f"label`, labelled imports): the agency's from every label, and a client's from its own "
        f"once it has {MIN_LABELS} labels, {MIN_EACH} of them negative and {MIN_EACH} not. Each "
        "model is cross-validated and compared with the rules on the same labels; it is used "
        "only when it beats them. --list shows the models, --use ID puts an earlier one back, "
        "--off goes back to the rules (or the agency's model) for a client.",
    )
    parser.add_argument("--client", metavar="SLUG", help="only this client's model")
    what = parser.add_mutually_exclusive_group()
    what.add_argument("--list", action="store_true", help="list the stored models")
    what.add_argument("--use", type=int, metavar="ID", help="put model ID back in use")
    what.add_argument(
        "--off",
        action="store_true",
        help="stop using a model for --client (or for the agency without it)",
    )
    parser.set_defaults(run=run)


def _client_id(ctx: Context, slug: str | None) -> int | None:
    if slug is None:
        return None
    with ctx.services.sessions() as session:
        client_id = session.scalar(select(Client.id).where(Client.slug == slug))
    if client_id is None:
        raise NotFound(f"no client {slug!r}")
    return int(client_id)


def run(ctx: Context) -> int:
    services = ctx.services
    if ctx.args.list:
        with services.sessions() as session:
            models = list_models(session, ctx.args.client)
        if not models:
            ctx.out("no models learned yet")
        for m in models:
            scope = f"client {m.client}" if m.client else "agency"
            f1 = f"F1 {m.model_f1:.3f} vs rules {m.rules_f1:.3f}" if m.model_f1 is not None else ""
            state = "IN USE" if m.active else "kept"
            ctx.out(
                f"model {m.id}  {scope:<24} {m.n_labels:>7,} labels  {f1}  "
                f"{m.created_at:%Y-%m-%d %H:%M}  {state}"
            )
        return 0
    if ctx.args.use is not None:
        with services.sessions.begin() as session:
            model = use_model(session, ctx.args.use)
        ctx.out(f"model {model.id} is in use again")
        return 0
    if ctx.args.off:
        client_id = _client_id(ctx, ctx.args.client)
        with services.sessions.begin() as session:
            stopped = stop_models(session, client_id)
        scope = f"client {ctx.args.client}" if ctx.args.client else "the agency"
        after = "the agency's model, if any, else the rules" if ctx.args.client else "the rules"
        ctx.out(f"{stopped} model(s) of {scope} stopped; its posts are scored by {after}")
        return 0
    staff_id = None
    if ctx.settings.me:
        with services.sessions() as session:
            staff_id = staff_by_handle(session, ctx.settings.me).id
    analyzer = Analyzer()
    now = services.clock.now
    if ctx.args.client:
        outcomes = [learn_scope(services.sessions, analyzer, ctx.args.client, now, staff_id)]
    else:
        outcomes = learn_all(services.sessions, analyzer, now, staff_id)
    for outcome in outcomes:
        for line in outcome.lines():
            ctx.out(line)
    if not any(o.fitted for o in outcomes):
        raise DouseError("nothing learned: too few labels (label posts on the desk or import them)")
    return 0

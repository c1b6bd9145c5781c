"""Repair checks: after "asked to update the post", re-fetch it later and record what changed."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from douse.core.db.base import table_of
from douse.core.db.models import Activity, Incident, Mention, RepairCheck
from douse.core.text import inert

RETRY_AFTER = timedelta(hours=6)


@dataclass(frozen=True)
class RepairResult:
    check_id: int
    incident_id: int
    mention_id: int
    outcome: str  # "removed" | "updated" | "unchanged" | "retry"
    new_compound: float | None


def _same(a: str, b: str) -> bool:
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def run_due_repair_checks(
    session: Session,
    now: datetime,
    fetch_text: Callable[[str], str | None],
    *,
    score: Callable[[str], float | None] | None = None,
    score_mention: Callable[[Mention, str], float | None] | None = None,
    limit: int = 50,
) -> list[RepairResult]:
    """Re-fetch each due post: `fetch_text(url)` returns its text now, or None when it is gone.

    A fetch that raises is retried later rather than mistaken for a removal. `score` gives the
    new text's sentiment compound (default: the project's analyzer, else VADER);
    `score_mention(mention, text)`, when given, is used instead, so the score can follow the
    mention's client (its thresholds and brand names).
    """
    if score is None:
        from douse.core.policy.lint import _default_tone

        score = _default_tone()
    checks = session.scalars(
        select(RepairCheck)
        .where(RepairCheck.done_at.is_(None), RepairCheck.due_at <= now)
        .order_by(RepairCheck.due_at, RepairCheck.id)
        .limit(limit)
    ).all()
    results = []
    for check in checks:
        mention = session.get(Mention, check.mention_id)
        incident = session.get(Incident, check.incident_id)
        if mention is None or incident is None or not mention.url:
            check.done_at, check.outcome = now, "no_url"
            continue
        try:
            text = fetch_text(mention.url)
        except Exception:  # network trouble says nothing about the post: try again later
            check.due_at = now + RETRY_AFTER
            results.append(RepairResult(check.id, incident.id, mention.id, "retry", None))
            continue
        compound = None
        if text is None:
            outcome = "removed"
        elif _same(text, mention.text):
            outcome = "unchanged"
            compound = mention.sentiment_compound
        else:
            outcome = "updated"
            compound = score_mention(mention, text) if score_mention else score(text)
        check.done_at, check.outcome, check.new_compound = now, outcome, compound
        score_note = f", new score {compound:+.2f}" if compound is not None else ""
        session.add(
            Activity(
                incident_id=incident.id,
                kind="repair_check",
                at=now,
                body=f"re-checked {inert(mention.url, 200)}: {outcome}{score_note}",
                outcome=outcome,
                details={"mention_id": mention.id, "new_compound": compound, "check_id": check.id},
            )
        )
        if outcome in ("updated", "removed"):
            session.add(
                Activity(
                    incident_id=incident.id,
                    kind="post_updated" if outcome == "updated" else "post_removed",
                    at=now,
                    body=inert(text or "", 2000),
                    details={"mention_id": mention.id, "new_compound": compound},
                )
            )
            # A plain UPDATE keeps `version` as it is: a re-check is not a person's edit.
            session.execute(
                table_of(Incident)
                .update()
                .where(table_of(Incident).c.id == incident.id)
                .values(repair_status=outcome)
            )
        results.append(RepairResult(check.id, incident.id, mention.id, outcome, compound))
    session.flush()
    return results

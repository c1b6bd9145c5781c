"""`douse learn`: fit a model from the labels in force, record it with its cross-validated
figures, and put it in use only when it beats the rules on the same labels.

The agency's model learns from every client's labels (each text with its own client's names
hidden); a client's own model, once it has enough labels of its own, learns from them and from
the agency's other clients' labels beside them (more examples of how people complain, which
moved every dev client's F1 up), but is cross-validated and compared with the rules on its own
labels only, so it is used only where it is better for that client. Fitting reads
the labels in one transaction and stores the result in another, so a minute of fitting never
holds the database.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, sessionmaker

from douse.core import __version__
from douse.core.brand import client_brand_terms
from douse.core.db.models import Client, SentimentModel, TrainingLabel
from douse.core.errors import DouseError, NotFound
from douse.core.learning.labels import LabelCounts, label_counts
from douse.core.learning.model import FORMAT_VERSION
from douse.core.wording import plural

if TYPE_CHECKING:
    # Fitting needs scikit-learn and SciPy (about 1.5 s of CPU and 100 MB to import): loaded
    # when a scope has enough labels to fit, not by every desk or `douse watch` that only checks
    # whether one has (core.learning.retrain).
    from douse.core.learning.fit import Example, Fitted

# Enough labels to learn from: fewer, and cross-validation says little and the rules do better.
MIN_LABELS = 200
MIN_EACH = 20  # negative, and not negative
# A client's model learns from at most this many of the agency's other labels (the newest), so
# a big agency's `douse learn` costs a few fits of the client's own size, not one per client of
# the agency's whole size.
OTHERS_AT_LEAST = 2_000
OTHERS_PER_OWN = 2


def others_limit(own: int) -> int:
    return max(OTHERS_AT_LEAST, OTHERS_PER_OWN * own)


@dataclass(frozen=True)
class Outcome:
    """What one `learn` did for one scope (a client, or the agency when `client` is None)."""

    client: str | None
    counts: LabelCounts
    fitted: Fitted | None = None
    model_id: int | None = None
    skipped: str | None = None
    # The agency's other clients' labels a client's model also learned from.
    others: int = 0

    @property
    def scope(self) -> str:
        return f"client {self.client}" if self.client else "agency"

    @property
    def used(self) -> bool:
        return self.fitted is not None and self.fitted.beats_rules

    def lines(self) -> list[str]:
        if self.fitted is None:
            return [f"{self.scope}: not learned: {self.skipped}"]
        f = self.fitted
        c = f.counts
        head = (
            f"{self.scope}: model {self.model_id} from {self.counts.total:,} labels "
            f"({c['negative']:,} negative, {c['neutral']:,} neutral, {c['positive']:,} positive"
            + (f"; and {self.others:,} of the agency's other clients" if self.others else "")
            + f") in {f.seconds:.1f} s"
        )
        figures = (
            f"  negative, {f.folds}-fold cross-validated: model precision {f.model.precision:.3f} "
            f"recall {f.model.recall:.3f} F1 {f.model.f1:.3f}; rules on the same labels "
            f"precision {f.rules.precision:.3f} recall {f.rules.recall:.3f} F1 {f.rules.f1:.3f}"
        )
        threshold = (
            f"  a post is negative from a {f.negative_from:.0%} probability: the model then "
            "calls as many labelled posts negative as the labels do"
        )
        verdict = (
            "  in use: it beats the rules"
            if self.used
            else "  not used: it does not beat the rules (they stay in use)"
        )
        return [head, figures, threshold, verdict]


def enough(counts: LabelCounts) -> str | None:
    """Why these labels are too few to learn from, or None."""
    if counts.total < MIN_LABELS:
        return f"{plural(counts.total, 'label')}, {MIN_LABELS} needed"
    if counts.negative < MIN_EACH or counts.non_negative < MIN_EACH:
        return (
            f"{counts.negative} negative and {counts.non_negative} other labels, "
            f"{MIN_EACH} of each needed"
        )
    return None


def _examples(
    session: Session,
    analyzer: Any,
    client_id: int | None,
    *,
    others: bool = False,
    limit: int | None = None,
) -> tuple[list[Example], int]:
    """The labels in force as examples, and the newest label id among all the scope's labels;
    with `others`, the newest `limit` labels of every client but `client_id` instead."""
    query = select(TrainingLabel.client_id, TrainingLabel.text, TrainingLabel.label).where(
        TrainingLabel.superseded_at.is_(None)
    )
    if client_id is not None:
        query = query.where(
            TrainingLabel.client_id != client_id if others else TrainingLabel.client_id == client_id
        )
    newest = select(func.max(TrainingLabel.id))
    if client_id is not None:
        newest = newest.where(TrainingLabel.client_id == client_id)
    last_label_id = int(session.scalar(newest) or 0)
    if limit is not None:
        query = query.order_by(TrainingLabel.id.desc()).limit(limit)
        rows = list(reversed(session.execute(query).all()))
    else:
        rows = list(session.execute(query.order_by(TrainingLabel.id)).all())
    from douse.core.learning.fit import prepare

    settings: dict[int, tuple[tuple[str, ...], float, float]] = {}
    for client in session.scalars(select(Client).where(Client.id.in_({r[0] for r in rows}))):
        settings[client.id] = (
            client_brand_terms(session, client),
            client.negative_threshold,
            client.positive_threshold,
        )
    examples = []
    for owner, text, label in rows:
        terms, negative, positive = settings[owner]
        examples.append(
            prepare(
                analyzer,
                text,
                label,
                brand_terms=terms,
                negative_threshold=negative,
                positive_threshold=positive,
            )
        )
    return examples, last_label_id


def _store(
    session: Session,
    client_id: int | None,
    fitted: Fitted,
    n_labels: int,
    now: datetime,
    staff_id: int | None,
    last_label_id: int,
) -> int:
    if fitted.beats_rules:
        # One model in use per scope: the new one replaces the one before (kept, inactive).
        session.execute(
            update(SentimentModel)
            .where(
                SentimentModel.client_id.is_(None)
                if client_id is None
                else SentimentModel.client_id == client_id,
                SentimentModel.active.is_(True),
            )
            .values(active=False)
        )
    row = SentimentModel(
        client_id=client_id,
        format_version=FORMAT_VERSION,
        douse_version=__version__,
        n_labels=n_labels,
        # The newest label this fit saw: background retraining counts labels after it.
        cv={**fitted.cv_record(), "last_label_id": last_label_id},
        weights=fitted.weights,
        active=fitted.beats_rules,
        created_at=now,
        created_by_id=staff_id,
    )
    session.add(row)
    session.flush()
    return row.id


def learn_scope(
    sessions: sessionmaker[Session],
    analyzer: Any,
    client_slug: str | None,
    now: Callable[[], datetime],
    staff_id: int | None = None,
) -> Outcome:
    """Learn one scope's model: a client's (`client_slug`) or the agency's (None)."""
    with sessions() as session:
        client_id = None
        if client_slug is not None:
            client = session.scalars(select(Client).where(Client.slug == client_slug)).first()
            if client is None:
                raise NotFound(f"no client {client_slug!r}")
            client_id = client.id
        counts = label_counts(session, client_id)
        why = enough(counts)
        if why:
            return Outcome(client_slug, counts, skipped=why)
        examples, last_label_id = _examples(session, analyzer, client_id)
        extra: list[Example] = []
        if client_id is not None:
            extra, _ = _examples(
                session, analyzer, client_id, others=True, limit=others_limit(len(examples))
            )
    from douse.core.learning.fit import fit

    fitted = fit(examples, extra=extra)
    with sessions.begin() as session:
        model_id = _store(session, client_id, fitted, len(examples), now(), staff_id, last_label_id)
    return Outcome(client_slug, counts, fitted, model_id, others=len(extra))


def learn_all(
    sessions: sessionmaker[Session],
    analyzer: Any,
    now: Callable[[], datetime],
    staff_id: int | None = None,
) -> list[Outcome]:
    """The agency's model, then each client's that has enough labels of its own."""
    outcomes = [learn_scope(sessions, analyzer, None, now, staff_id)]
    with sessions() as session:
        slugs = list(
            session.scalars(
                select(Client.slug)
                .where(Client.id.in_(select(TrainingLabel.client_id).distinct()))
                .order_by(Client.slug)
            )
        )
    for slug in slugs:
        outcome = learn_scope(sessions, analyzer, slug, now, staff_id)
        outcomes.append(outcome)
    return outcomes


@dataclass(frozen=True)
class ModelInfo:
    id: int
    client: str | None
    active: bool
    n_labels: int
    created_at: datetime
    format_version: int
    model_f1: float | None
    rules_f1: float | None


def list_models(session: Session, client_slug: str | None = None) -> list[ModelInfo]:
    query = (
        select(SentimentModel, Client.slug)
        .outerjoin(Client, Client.id == SentimentModel.client_id)
        .order_by(SentimentModel.id)
    )
    if client_slug is not None:
        query = query.where(Client.slug == client_slug)
    out = []
    for model, slug in session.execute(query):
        cv = model.cv or {}
        out.append(
            ModelInfo(
                model.id,
                slug,
                model.active,
                model.n_labels,
                model.created_at,
                model.format_version,
                (cv.get("model") or {}).get("f1"),
                (cv.get("rules") or {}).get("f1"),
            )
        )
    return out


def use_model(session: Session, model_id: int) -> SentimentModel:
    """Put an earlier model back in use for its scope (a roll back)."""
    model = session.get(SentimentModel, model_id)
    if model is None:
        raise NotFound(f"no model {model_id}")
    if model.format_version > FORMAT_VERSION:
        raise DouseError(f"model {model_id} was stored by a newer douse; this one cannot read it")
    stop_models(session, model.client_id)
    model.active = True
    session.flush()
    return model


def stop_models(session: Session, client_id: int | None) -> int:
    """No model in use for this scope: its posts are scored by the next scope (agency) or the
    rules. Returns how many were in use."""
    result = session.execute(
        update(SentimentModel)
        .where(
            SentimentModel.client_id.is_(None)
            if client_id is None
            else SentimentModel.client_id == client_id,
            SentimentModel.active.is_(True),
        )
        .values(active=False)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]

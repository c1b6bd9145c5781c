"""Which judgement scores a client's posts: its own model, else the agency's, else the rules.

Asked once per stored batch (one small query); a model's weights are parsed once per process
and kept. A model stored by a newer douse (a higher format_version) is never read: it is
skipped with a one-line warning in the log, and the next choice applies.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from douse.core.db.models import SentimentModel
from douse.core.learning.model import FORMAT_VERSION, LearnedModel, LearnedScorer, ModelFormatError

log = logging.getLogger(__name__)

# Parsed models kept per process (a 10,000-label model is a few MB parsed).
MAX_CACHED = 8

_lock = threading.Lock()
_cache: OrderedDict[tuple[str, int], LearnedModel] = OrderedDict()
_warned: set[tuple[str, int]] = set()


def _key(session: Session, model_id: int) -> tuple[str, int]:
    # Model ids are per database; a process may open several (tests, `--db`).
    return (str(session.get_bind().engine.url), model_id)


def _warn_once(key: tuple[str, int], message: str) -> None:
    with _lock:
        if key in _warned:
            return
        _warned.add(key)
    log.warning(message)


def active_model(session: Session, client_id: int | None) -> LearnedModel | None:
    """The model that scores this client's posts (None: the rules do)."""
    query = select(
        SentimentModel.id, SentimentModel.client_id, SentimentModel.format_version
    ).where(SentimentModel.active.is_(True))
    if client_id is None:
        query = query.where(SentimentModel.client_id.is_(None))
    else:
        query = query.where(
            or_(SentimentModel.client_id == client_id, SentimentModel.client_id.is_(None))
        )
    # The client's own first, then the agency's; the newest of each.
    rows = sorted(session.execute(query).all(), key=lambda r: (r.client_id is None, -r.id))
    for row in rows:
        key = _key(session, row.id)
        if row.format_version > FORMAT_VERSION:
            _warn_once(
                key,
                f"sentiment model {row.id} was stored by a newer douse (format "
                f"{row.format_version}, this one reads {FORMAT_VERSION}): ignored",
            )
            continue
        with _lock:
            cached = _cache.get(key)
            if cached is not None:
                _cache.move_to_end(key)
                return cached
        model = _load(session, row.id, key)
        if model is not None:
            return model
    return None


def _load(session: Session, model_id: int, key: tuple[str, int]) -> LearnedModel | None:
    stored = session.get(SentimentModel, model_id)
    if stored is None:
        return None
    try:
        model = LearnedModel(stored.id, stored.client_id, stored.n_labels, stored.weights)
    except (ModelFormatError, TypeError, ValueError) as exc:
        _warn_once(key, f"sentiment model {model_id} cannot be read ({exc}): ignored")
        return None
    with _lock:
        _cache[key] = model
        while len(_cache) > MAX_CACHED:
            _cache.popitem(last=False)
    return model


def scorer_for(session: Session, client_id: int | None, base: Any) -> Any:
    """`base` (the rules' Analyzer, or any scorer with its call) wrapped by the client's model
    when one is in use; `base` itself otherwise."""
    if isinstance(base, LearnedScorer):
        base = base.base
    model = active_model(session, client_id)
    return base if model is None else LearnedScorer(base, model)

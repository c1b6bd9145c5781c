"""One incident change in its own transaction, tried again when it lost a race it never chose.

Two people (or a person and the scheduler) who both read version 5 cannot both write version 6:
the version column makes the second flush fail (ConflictError). When the caller named the version
it saw (`--expect-version`, the desk's loaded card), that is a real conflict and it is reported.
When it did not (a plain `douse log 4 --text ...`), nothing the person saw is stale: the change
is re-read and re-applied on the new version, so an append-only note is never lost to a race.
A change that no longer makes sense on the new state (already assigned, a status it cannot go
to) is refused by the re-run itself, with the usual one line.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from douse.core.errors import ConflictError
from douse.core.incidents.workflow import stale_conflict

T = TypeVar("T")

# Eight writers on one incident settle within a few rounds; the cap only bounds a pathological
# storm, after which the conflict is reported rather than retried for ever.
ATTEMPTS = 12


def write_incident(
    sessions: sessionmaker[Session],
    change: Callable[[Session], T],
    *,
    pinned: bool,
    incident_id: int | None = None,
    attempts: int = ATTEMPTS,
    sleep: Callable[[float], None] = time.sleep,
) -> T:
    """Run `change` in `sessions.begin()`; retry a lost race unless the version was `pinned`.

    `incident_id` names the incident in the conflict line when a flush deep inside the change
    (a merge regrouping, say) is the one that lost."""
    for attempt in range(attempts):
        try:
            try:
                with sessions.begin() as session:
                    return change(session)
            except StaleDataError:
                bind = sessions.kw.get("bind")
                if incident_id is None or not isinstance(bind, Engine):
                    raise ConflictError(
                        "someone else changed this incident meanwhile; reload and try again"
                    ) from None
                raise stale_conflict(bind, incident_id) from None
        except ConflictError:
            if pinned or attempt == attempts - 1:
                raise
            # Jitter so the losers of one round do not collide again in the next.
            sleep(random.uniform(0.0, min(0.5, 0.02 * 2**attempt)))
    raise AssertionError("unreachable")  # the loop always returns or raises

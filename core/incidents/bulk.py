"""One change applied to many incidents: each in its own transaction, each checked on its own.

The desk's multi-select (assign, acknowledge, status, a canned reply, undo) runs these in one
worker. An incident someone else changed since the list was loaded (its version moved), or that
the change does not suit (a status it cannot go to, a reply the policy blocks), is reported with
the reason and left as it is; the others are done.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session, sessionmaker

from douse.core.db.models import Incident
from douse.core.errors import DouseError
from douse.core.incidents.workflow import ActionResult, merge_incidents

Change = Callable[[Session, int, int], object]
"""(session, incident_id, expected_version) -> anything; raises DouseError to refuse."""


@dataclass(frozen=True)
class BulkResult:
    done: tuple[int, ...]
    failed: tuple[tuple[int, str], ...]
    """(incident id, why), in the order they were tried."""

    def summary(self, verb: str) -> str:
        """ "Acknowledged 3: #1, #2, #4; not 1: #3 was changed by bob at ..."."""
        parts = []
        if self.done:
            parts.append(f"{verb} {len(self.done)}: " + ", ".join(f"#{i}" for i in self.done))
        if self.failed:
            parts.append(
                f"not {len(self.failed)}: " + "; ".join(f"#{i}: {why}" for i, why in self.failed)
            )
        return "; ".join(parts) or "nothing selected"


def apply_each(
    sessions: sessionmaker[Session], items: Sequence[tuple[int, int]], change: Change
) -> BulkResult:
    """Apply `change` to each (incident id, version seen) in its own transaction."""
    done: list[int] = []
    failed: list[tuple[int, str]] = []
    for incident_id, version in items:
        try:
            with sessions.begin() as session:
                change(session, incident_id, version)
        except DouseError as exc:
            failed.append((incident_id, str(exc)))
        else:
            done.append(incident_id)
    return BulkResult(tuple(done), tuple(failed))


def merge_selected(
    sessions: sessionmaker[Session],
    target: tuple[int, int],
    others: Sequence[tuple[int, int]],
    *,
    by: str,
    now: datetime,
) -> tuple[ActionResult | None, BulkResult]:
    """Merge `others` into `target` (each as (id, version seen)) in one merge: those changed
    since they were seen, or of another client, are left out and reported; the rest go in."""
    target_id, target_version = target
    failed: list[tuple[int, str]] = []
    keep: dict[int, int] = {}
    with sessions() as session:
        base = session.get(Incident, target_id)
        client_id = base.client_id if base is not None else None
        for incident_id, version in others:
            if incident_id == target_id:
                continue
            found = session.get(Incident, incident_id)
            if found is None:
                failed.append((incident_id, "no longer exists"))
            elif found.version != version:
                failed.append((incident_id, "changed since the list was loaded; reload"))
            elif found.client_id != client_id:
                failed.append((incident_id, f"belongs to another client than #{target_id}"))
            elif found.merged_into_id is not None:
                failed.append((incident_id, f"already merged into #{found.merged_into_id}"))
            else:
                keep[incident_id] = version
    if not keep:
        return None, BulkResult((), tuple(failed))
    try:
        with sessions.begin() as session:
            result = merge_incidents(
                session,
                target_id,
                list(keep),
                by=by,
                now=now,
                expected_versions={target_id: target_version, **keep},
            )
    except DouseError as exc:
        return None, BulkResult((), (*failed, *((i, str(exc)) for i in keep)))
    return result, BulkResult(tuple(keep), tuple(failed))

"""Spikes: an hour whose mention volume or negative share leaves the client's trailing band.

The baseline is an exponentially weighted moving average (EWMA) of hourly counts over the
preceding week, with an EWMA variance; an hour is a spike when it exceeds mean + 3 standard
deviations (the deviation never taken below a Poisson-like floor, so a quiet brand does not
"spike" on three posts). The numbers are kept on the incident so a person can check them.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from typing import Any

from sqlalchemy import Select, and_, bindparam, case, func, select
from sqlalchemy.orm import Session

from douse.core.db.models import Client, Incident, IncidentMention, Mention

BASELINE_HOURS = 168
EWMA_ALPHA = 0.1
BAND_SIGMAS = 3.0
MIN_SPIKE_VOLUME = 10
MIN_NEGATIVE_COUNT = 5
SHARE_SD_FLOOR = 0.05
# A baseline needs a day of history: a brand whose sources were just added has no "normal" yet.
MIN_BASELINE_HOURS = 24
HOUR = timedelta(hours=1)


@dataclass(frozen=True)
class HourCount:
    start: datetime
    count: int
    negatives: int


@dataclass(frozen=True)
class SpikeCheck:
    hour: datetime
    count: int
    negatives: int
    mean: float
    sd: float
    share: float
    share_mean: float
    share_sd: float
    volume_spike: bool
    negative_spike: bool

    @property
    def is_spike(self) -> bool:
        return self.volume_spike or self.negative_spike

    def explain(self) -> str:
        parts = [
            f"{self.count} mentions in the hour from {self.hour:%Y-%m-%d %H:%M} UTC "
            f"against a baseline of {self.mean:.1f} ± {self.sd:.1f} (EWMA, {BAND_SIGMAS:g}σ band "
            f"up to {self.mean + BAND_SIGMAS * self.sd:.1f})"
        ]
        parts.append(
            f"negative share {self.share:.0%} ({self.negatives}) against "
            f"{self.share_mean:.0%} ± {self.share_sd:.0%}"
        )
        return "; ".join(parts)


def hour_floor(instant: datetime) -> datetime:
    return instant.replace(minute=0, second=0, microsecond=0)


def evaluate(history: Sequence[HourCount], current: HourCount) -> SpikeCheck:
    """Judge `current` against the EWMA of `history` (consecutive hours, oldest first)."""
    mean = var = 0.0
    share_mean = share_var = 0.0
    seen_share = False
    for i, h in enumerate(history):
        if i == 0:
            mean = float(h.count)
        else:
            diff = h.count - mean
            incr = EWMA_ALPHA * diff
            mean += incr
            var = (1 - EWMA_ALPHA) * (var + diff * incr)
        if h.count:
            share = h.negatives / h.count
            if not seen_share:
                share_mean, seen_share = share, True
            else:
                diff = share - share_mean
                incr = EWMA_ALPHA * diff
                share_mean += incr
                share_var = (1 - EWMA_ALPHA) * (share_var + diff * incr)
    sd = max(math.sqrt(var), math.sqrt(max(mean, 1.0)))
    share_sd = max(math.sqrt(share_var), SHARE_SD_FLOOR)
    share = current.negatives / current.count if current.count else 0.0
    first_seen = next((i for i, h in enumerate(history) if h.count), len(history))
    enough = len(history) - first_seen >= MIN_BASELINE_HOURS
    volume = (
        enough and current.count >= MIN_SPIKE_VOLUME and current.count > mean + BAND_SIGMAS * sd
    )
    negative = (
        enough
        and current.negatives >= MIN_NEGATIVE_COUNT
        and share > share_mean + BAND_SIGMAS * share_sd
    )
    return SpikeCheck(
        current.start,
        current.count,
        current.negatives,
        mean,
        sd,
        share,
        share_mean,
        share_sd,
        volume,
        negative,
    )


@cache
def _hourly(dialect: str) -> Select[Any]:
    """The hourly-count statement for a dialect, built once: triage counts a client's hours
    with every batch it judges (a live poll's few posts, each hour of the demo's month), and
    building the statement cost about as much as SQLite's answer."""
    if dialect == "sqlite":
        hour_of = func.strftime("%Y-%m-%d %H", Mention.published_at)
    elif dialect == "postgresql":
        hour_of = func.to_char(func.timezone("UTC", Mention.published_at), "YYYY-MM-DD HH24")
    else:  # pragma: no cover - douse runs on SQLite and PostgreSQL
        raise NotImplementedError(dialect)
    return (
        select(
            hour_of,
            func.count(),
            func.sum(case((Mention.sentiment_label == "negative", 1), else_=0)),
        )
        .where(
            Mention.client_id == bindparam("client"),
            Mention.published_at >= bindparam("start"),
            Mention.published_at < bindparam("end"),
            Mention.duplicate_of_id.is_(None),
        )
        .group_by(hour_of)
    )


def hourly_counts(
    session: Session, client_id: int, start: datetime, end: datetime
) -> list[HourCount]:
    """Every hour in [start, end) with its counts (zeros included), counted by the database: a
    week of a busy brand is a hundred thousand rows, which are never sent to Python."""
    rows = session.execute(
        _hourly(session.get_bind().dialect.name),
        {"client": client_id, "start": start, "end": end},
    )
    # fromisoformat, not strptime: triage reads these for every batch of every client, and
    # strptime's Python-level parser was a tenth of a demo build.
    counts = {
        datetime.fromisoformat(f"{hour}:00+00:00"): (int(c), int(n or 0)) for hour, c, n in rows
    }
    result = []
    hour = start
    while hour < end:
        c, n = counts.get(hour, (0, 0))
        result.append(HourCount(hour, c, n))
        hour += HOUR
    return result


def _could_spike(hour: HourCount) -> bool:
    return hour.count >= MIN_SPIKE_VOLUME or hour.negatives >= MIN_NEGATIVE_COUNT


def detect_spikes(
    session: Session, client: Client, hours: Iterable[datetime], now: datetime
) -> list[tuple[Incident, SpikeCheck, bool]]:
    """Check the given hours; open (or extend) one spike incident per spiking hour.

    Returns (incident, check, newly_opened) for each spike. The hour's start is the spike's
    `opened_at`, which makes a re-run find the same incident instead of opening another.
    """
    wanted = sorted({hour_floor(h) for h in hours if h <= now})
    if not wanted:
        return []
    # An hour spikes only with MIN_SPIKE_VOLUME posts or MIN_NEGATIVE_COUNT negative ones (see
    # `evaluate`): count the hours asked about first, and read the week before them only for an
    # hour that could. Most batches touch quiet hours, and the week is the costly read.
    touched = hourly_counts(session, client.id, wanted[0], wanted[-1] + HOUR)
    could = {h.start for h in touched if _could_spike(h)}
    wanted = [hour for hour in wanted if hour in could]
    if not wanted:
        return []
    series = hourly_counts(session, client.id, wanted[0] - BASELINE_HOURS * HOUR, wanted[-1] + HOUR)
    index = {h.start: i for i, h in enumerate(series)}
    spikes = []
    for hour in wanted:
        i = index[hour]
        check = evaluate(series[max(0, i - BASELINE_HOURS) : i], series[i])
        if check.is_spike:
            incident, is_new = _spike_incident(session, client, check, now)
            spikes.append((incident, check, is_new))
    return spikes


def _spike_incident(
    session: Session, client: Client, check: SpikeCheck, now: datetime
) -> tuple[Incident, bool]:
    from douse.core.incidents.clocks import start_clocks
    from douse.core.incidents.routing import route, staff_map

    incident = session.scalar(
        select(Incident).where(
            Incident.client_id == client.id,
            Incident.kind == "spike",
            Incident.opened_at == check.hour,
        )
    )
    is_new = incident is None
    what = (
        "negative share and volume"
        if check.negative_spike and check.volume_spike
        else ("negative share" if check.negative_spike else "volume")
    )
    severity = "high" if check.negative_spike else "medium"
    if incident is None:
        owner = route(
            client, client.accounts, staff_map(session), account_id=None, platform="", text=""
        )
        incident = Incident(
            client_id=client.id,
            kind="spike",
            title=f"Spike in {what}: {check.count} mentions from {check.hour:%Y-%m-%d %H:00} UTC",
            severity=severity,
            status="new",
            owner_id=owner.owner_id,
            opened_at=check.hour,
            updated_at=now,
            distinct_authors=0,
            mention_count=0,
        )
        start_clocks(incident, client, now)
        session.add(incident)
        session.flush()
    incident.severity_reasons = [f"spike in {what}", check.explain()]
    linked = set(
        session.scalars(
            select(IncidentMention.mention_id).where(IncidentMention.incident_id == incident.id)
        )
    )
    rows = session.execute(
        select(Mention.id, Mention.author_id).where(
            and_(
                Mention.client_id == client.id,
                Mention.published_at >= check.hour,
                Mention.published_at < check.hour + HOUR,
                Mention.duplicate_of_id.is_(None),
            )
        )
    ).all()
    for mention_id, _author in rows:
        if mention_id not in linked:
            session.add(
                IncidentMention(incident_id=incident.id, mention_id=mention_id, added_at=now)
            )
    incident.mention_count = len(rows)
    incident.distinct_authors = len({a for _, a in rows if a is not None})
    return incident, is_new

"""When people post: a daily rhythm in the client's own time zone over the demo's window."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

# Relative posting activity by local hour: quiet at night, peaks at breakfast, lunch and evening.
HOUR_WEIGHTS = (
    0.3, 0.2, 0.15, 0.1, 0.1, 0.2, 0.5, 1.0, 1.4, 1.3, 1.2, 1.3,
    1.5, 1.3, 1.1, 1.1, 1.2, 1.3, 1.4, 1.6, 1.7, 1.5, 1.0, 0.6,
)  # fmt: skip
_HOURS = tuple(range(24))


class Rhythm:
    """Draws publication instants for one client over [start, end)."""

    def __init__(self, timezone: str, start: datetime, end: datetime) -> None:
        self.zone = ZoneInfo(timezone)
        self.start = start
        self.end = end
        local_start = start.astimezone(self.zone).date()
        self.days = [local_start + timedelta(days=i) for i in range((end - start).days + 2)]

    def instant(self, rng: random.Random) -> datetime:
        while True:
            day = rng.choice(self.days)
            # Weekends are a little quieter for most brands.
            if day.weekday() >= 5 and rng.random() < 0.2:
                continue
            hour = rng.choices(_HOURS, HOUR_WEIGHTS)[0]
            local = datetime(
                day.year, day.month, day.day, hour, rng.randrange(60), rng.randrange(60),
                tzinfo=self.zone,
            )  # fmt: skip
            value = local.astimezone(UTC)
            if self.start <= value < self.end:
                return value

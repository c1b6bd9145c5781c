"""Builders for incident tests: staff, clients, authors and mentions as ingestion stores them."""

from __future__ import annotations

import itertools
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from douse.core.db.models import Account, Author, Client, Mention, Staff
from tests.helpers import T0

_seq = itertools.count(1)

WEEKDAYS_9_TO_1730 = {d: [["09:00", "17:30"]] for d in ("mon", "tue", "wed", "thu", "fri")}


def staff(session: Session, handle: str, *, away: bool = False) -> Staff:
    person = Staff(handle=handle, name=handle.title(), away=away)
    session.add(person)
    session.flush()
    return person


def client(session: Session, slug: str = "acme", **kw: Any) -> Client:
    kw.setdefault("name", slug.title())
    kw.setdefault("keywords", [kw["name"]])
    c = Client(slug=slug, created_at=T0, updated_at=T0, **kw)
    session.add(c)
    session.flush()
    return c


def account(session: Session, c: Client, platform: str, handle: str, **kw: Any) -> Account:
    a = Account(client_id=c.id, platform=platform, handle=handle, **kw)
    session.add(a)
    session.flush()
    return a


def author(session: Session, handle: str, **kw: Any) -> Author:
    a = Author(platform=kw.pop("platform", "mastodon"), handle=handle, **kw)
    session.add(a)
    session.flush()
    return a


def mention(
    session: Session,
    c: Client,
    who: Author | None,
    text: str,
    *,
    at: datetime = T0,
    compound: float | None = -0.6,
    label: str | None = None,
    shares: int = 0,
    account_id: int | None = None,
    url: str | None = None,
    fetched_at: datetime | None = None,
) -> Mention:
    n = next(_seq)
    if label is None:
        label = (
            "unscored"
            if compound is None
            else "negative"
            if compound <= -0.05
            else "positive"
            if compound >= 0.05
            else "neutral"
        )
    m = Mention(
        client_id=c.id,
        author_id=who.id if who else None,
        account_id=account_id,
        platform=who.platform if who else "rss",
        external_id=f"x{n}",
        dedupe_key=f"x{n}",
        url=url or f"https://social.example/{n}",
        text=text,
        published_at=at,
        fetched_at=fetched_at or at,
        sentiment_compound=compound,
        sentiment_label=label,
        shares=shares,
    )
    session.add(m)
    session.flush()
    return m

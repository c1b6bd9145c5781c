"""A client's own names, as the sentiment scorer must ignore them: one helper for every path
that scores a client's text (import, poll, manual entry, the demo, `douse score --client`)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from douse.core.db.models import Account, Client
from douse.core.errors import NotFound
from douse.core.sentiment.brand import brand_terms_for


def client_brand_terms(session: Session, client: Client) -> tuple[str, ...]:
    """The client's name, slug, keywords and account handles as brand terms (see
    `core.sentiment.brand.brand_terms_for`); archived accounts count, their names are still
    the brand's."""
    handles = session.scalars(select(Account.handle).where(Account.client_id == client.id)).all()
    return brand_terms_for(
        client.name,
        client.slug,
        [str(keyword) for keyword in client.keywords or []],
        [str(handle) for handle in handles],
    )


@dataclass(frozen=True)
class ClientScoring:
    """What scoring a client's text needs beyond the text: its thresholds and its own names."""

    slug: str
    client_id: int
    negative_threshold: float
    positive_threshold: float
    brand_terms: tuple[str, ...]


def client_scoring(session: Session, slug: str) -> ClientScoring:
    """Raises NotFound for an unknown slug; an archived client's settings still apply."""
    client = session.scalars(select(Client).where(Client.slug == slug)).one_or_none()
    if client is None:
        raise NotFound(f"no client {slug!r}")
    return ClientScoring(
        client.slug,
        client.id,
        client.negative_threshold,
        client.positive_threshold,
        client_brand_terms(session, client),
    )

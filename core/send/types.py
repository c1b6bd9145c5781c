"""What a sender is given and what it answers: plain frozen dataclasses and one protocol."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

PUBLIC = "public_reply"
PRIVATE = "private_message"
EMAIL = "email"


@dataclass(frozen=True)
class Post:
    """The post being answered, as douse stored it (a Mention)."""

    platform: str
    external_id: str | None
    url: str | None
    author: str | None
    title: str = ""
    raw: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Outgoing:
    """One reply to send. `key` is the outbox's idempotency key (client-generated, unique);
    `target` is what `Sender.prepare` worked out (ids, uris, cids), kept in the outbox row so a
    retry after a crash addresses exactly the same post."""

    key: str
    kind: str
    text: str
    target: dict[str, Any]
    attempted_at: datetime | None = None


@dataclass(frozen=True)
class Posted:
    """What the platform says it made: its id for the new post (or message) and a link."""

    post_id: str
    url: str | None


class Sender(Protocol):
    """One platform's reply API. Tokens come from the environment variables the account names
    in clients.toml; a sender never stores one."""

    # Read-only members, so a sender may declare them as plain class constants.
    @property
    def platform(self) -> str: ...
    @property
    def kinds(self) -> tuple[str, ...]:
        """The kinds of reply it can send (public_reply, private_message, email)."""
        ...

    @property
    def resend_is_safe(self) -> bool:
        """A repeated send cannot make a second post (an idempotency key, a fixed record key, a
        PUT): after a crash, a reply not found on the platform is sent again at once."""
        ...

    @property
    def checkable(self) -> bool:
        """`find` can look on the platform for a reply sent earlier."""
        ...

    def prepare(self, post: Post, kind: str, key: str, now: datetime) -> dict[str, Any]:
        """Work out where the reply goes (may read from the platform, never writes)."""
        ...

    def send(self, out: Outgoing) -> Posted:
        """Post it; raises SendError."""
        ...

    def find(self, out: Outgoing) -> Posted | None:
        """The reply if it is on the platform already (after a crash), else None."""
        ...

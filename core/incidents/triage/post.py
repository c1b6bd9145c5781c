"""One post as triage sees it: the facts read from the mention and its author, and what the
text says (category, identifiers, harm, critical terms, significant words), worked out once."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from douse.core.db.execute import read_rows
from douse.core.db.models import Author, Incident, IncidentMention, Mention
from douse.core.incidents.categories import DECISIVE, Categorizer, CategoryMatch
from douse.core.incidents.harm import HarmHit, find_harm, plain
from douse.core.incidents.identifiers import identifiers
from douse.core.incidents.severity import Evidence
from douse.core.incidents.text import matched_critical_terms, significant_words

# Below this compound a positive score is faint: a "thanks" beside a complaint.
FAINT_PRAISE = 0.4

# Words of thanks. "Would appreciate" asks for something; "appreciate the help" thanks.
_THANKS = re.compile(
    r"(?<!no )\b(?:thanks?|thankful|thanx|thx|thnx|ty|tysm|kudos|cheers|grateful|merci|danke|"
    r"gracias|grazie|obrigad[oa])\b|(?<!would )(?<!'d )\bappreciat",
    re.IGNORECASE,
)
# "Thanks, but...", "thank you, still waiting": the thanks is a courtesy before the point.
_MORE_TO_SAY = re.compile(
    r"\b(?:but|still|however|although|though|yet|except|unfortunately)\b", re.IGNORECASE
)
# Words as a person wrote them: not handles, hashtags or links.
_WORD = re.compile(r"(?<![@#\w/.])[^\W\d_][\w']*")
_NOT_WORDS = re.compile(r"https?://\S+|[@#]\w+")
# A thank-you says little: past this many words a reply says something else besides.
THANKS_WORDS = 15


@dataclass(slots=True)
class Post:
    id: int
    client_id: int
    account_id: int | None
    platform: str
    author_id: int | None
    handle: str | None
    followers: int | None
    is_troll: bool
    is_vip: bool
    published_at: datetime
    fetched_at: datetime
    label: str
    compound: float | None
    shares: int
    title: str
    text: str
    duplicate: bool
    triaged: bool
    # Filled by `read`:
    terms: list[str] = field(default_factory=list)
    words: dict[str, str] = field(default_factory=dict)  # each term as this post wrote it
    category: CategoryMatch | None = None
    identifiers: list[str] = field(default_factory=list)
    harm: list[HarmHit] = field(default_factory=list)
    critical: list[str] = field(default_factory=list)
    # Rare words of a complaint with no category: what it can share with another ("term:" keys).
    distinct: list[str] = field(default_factory=list)
    # Faint praise that says what went wrong: a complaint put politely, or sarcastically.
    veiled: bool = False

    @property
    def full_text(self) -> str:
        return f"{self.title}\n{self.text}" if self.title else self.text

    @property
    def positive(self) -> bool:
        return self.label == "positive" and not self.veiled

    @property
    def faint_praise(self) -> bool:
        """Scored positive, but barely: "thanks, 3 hours on the tarmac and counting" scores
        above zero on its thanks. Read for a complaint like any other post (see `veil`)."""
        return (
            self.label == "positive" and self.compound is not None and self.compound < FAINT_PRAISE
        )

    def veil(self) -> None:
        """Faint praise that names what went wrong (any issue category) is a complaint: on the
        airline dev set, four in five such posts were complaints to the people who labelled
        them, against one in three of all the posts scored positive."""
        self.veiled = self.faint_praise and self.category is not None
        if self.positive:
            # Praise after all: as unread as any other (its words name no problem).
            self.terms, self.identifiers, self.critical, self.harm = [], [], [], []
            self.words = {}
            self.category = None

    @property
    def concern(self) -> bool:
        """Needs a person: a negative post, one reporting harm or naming a critical term, or
        one stating a specific problem. Good news is never a concern, whatever words it uses
        ("they caught the fraud")."""
        return not self.positive and (
            self.label == "negative"
            or bool(self.harm)
            or bool(self.critical)
            or self.states_a_problem
            or self.veiled
        )

    @property
    def states_a_problem(self) -> bool:
        """A post without a feeling word that says what went wrong ("still on the plane at the
        gate", "my bag never arrived") is a complaint; asking ("is flight 12 delayed?") is not
        yet one, and customer-service words alone ("I DM'd you") say nothing went wrong. On the
        airline dev set about four in five such statements were complaints to the people who
        labelled them, against fewer than one in two questions. A decisive cue says the failure
        itself, asked or not ("on hold for 2 hours, is anyone there?", "they hung up on me"):
        all 20 such neutral posts of the dev set were complaints."""
        category = self.category
        if self.label != "neutral" or category is None:
            return False
        return category.score >= DECISIVE or (not category.fallback and "?" not in self.full_text)

    def evidence(self) -> Evidence:
        return Evidence(
            author_id=self.author_id,
            compound=self.compound,
            followers=self.followers,
            shares=self.shares,
            published_at=self.published_at,
            fetched_at=self.fetched_at,
            critical_terms=tuple(self.critical),
            is_vip=self.is_vip,
            harm=tuple(self.harm),
            # A veiled complaint counts as a voice, as a neutral post would.
            label="neutral" if self.veiled else self.label,
        )


# Built once (`:ids` bound at each call): every judging transaction asks both.
_ON_INCIDENTS = (
    select(IncidentMention.mention_id)
    .join(Incident, Incident.id == IncidentMention.incident_id)
    .where(
        IncidentMention.mention_id.in_(bindparam("ids", expanding=True)),
        Incident.kind != "spike",
    )
)
_POSTS = (
    select(
        Mention.id,
        Mention.client_id,
        Mention.account_id,
        Mention.platform,
        Mention.author_id,
        Mention.published_at,
        Mention.fetched_at,
        Mention.sentiment_label,
        Mention.sentiment_compound,
        Mention.shares,
        Mention.title,
        Mention.text,
        Mention.duplicate_of_id,
        Author.handle,
        Author.followers,
        Author.is_troll,
        Author.is_vip,
    )
    .outerjoin(Author, Author.id == Mention.author_id)
    .where(Mention.id.in_(bindparam("ids", expanding=True)))
)


def load_posts(session: Session, ids: Sequence[int]) -> list[Post]:
    """The mentions with their authors, and whether each is already on a (non-spike) incident."""
    done = set(read_rows(session, _ON_INCIDENTS, {"ids": ids}).scalars())
    # Fetched at once (one fetchall, not a fetch a row) and unpacked by position: reading 17
    # columns of 200 rows by name cost a third of this.
    rows = read_rows(session, _POSTS, {"ids": ids}).all()
    return [
        Post(
            id=mention_id,
            client_id=client_id,
            account_id=account_id,
            platform=platform,
            author_id=author_id,
            handle=handle,
            followers=followers,
            is_troll=bool(is_troll),
            is_vip=bool(is_vip),
            published_at=published_at,
            fetched_at=fetched_at,
            label=label,
            compound=compound,
            shares=shares or 0,
            title=title or "",
            text=text or "",
            duplicate=duplicate_of_id is not None,
            triaged=mention_id in done,
        )
        for (
            mention_id,
            client_id,
            account_id,
            platform,
            author_id,
            published_at,
            fetched_at,
            label,
            compound,
            shares,
            title,
            text,
            duplicate_of_id,
            handle,
            followers,
            is_troll,
            is_vip,
        ) in rows
    ]


def read(post: Post, critical: Sequence[str], ignore: frozenset[str], tags: Sequence[str]) -> None:
    """What the text says, but its category (the client's state decides that, staff hints
    first). Praise is read for words only: it never opens or worsens anything."""
    if post.positive and not post.faint_praise:
        return  # praise opens nothing; its words are not what a problem is about either
    text = post.full_text
    post.words = significant_words(text, ignore)
    post.terms = list(post.words)
    post.identifiers = identifiers(text, tags)
    lowered = plain(text)
    post.critical = matched_critical_terms(text, critical, lowered=lowered)
    post.harm = find_harm(text, lowered=lowered)


def only_thanks(post: Post, categorizer: Categorizer) -> bool:
    """A reply that thanks and asks or reports nothing ("thanks, sorted!", "appreciate the
    help"): it closes a loop, it needs no answer. Help desks keep such a reply off the
    ticket's clock; douse logs it on the person's case instead of filing it as one of the
    case's posts. Short, and with nothing after a "but" or "still": on the airline dev set
    the replies that passed the other tests and were longer were one in three a complaint
    (and on software support threads, bug details after a "thank you!"), the short ones one
    in thirty. Sarcasm that names what went wrong ("thanks for losing my bag") fails it and
    stays a post."""
    if not post.positive:
        return False
    text = post.full_text
    if "?" in text or _THANKS.search(text) is None or _MORE_TO_SAY.search(text):
        return False
    if len(_WORD.findall(_NOT_WORDS.sub(" ", text))) > THANKS_WORDS:
        return False
    # Faint praise was read in full (`read`): still positive, so it named no category.
    if not post.faint_praise and categorizer and categorizer.categorize(text) is not None:
        return False
    return not find_harm(text)

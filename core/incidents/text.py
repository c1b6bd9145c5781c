"""Text helpers for triage: significant word stems for grouping, and critical-term matching."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from typing import Any

_WORD = re.compile(r"[^\W\d_][\w'-]*", re.UNICODE)
_URL = re.compile(r"https?://\S+|www\.\S+")
_HANDLE = re.compile(r"@[\w.]+(?:@[\w.-]+)?")

_STOPWORD_TEXT = """
a about above after again against all also am an and any are aren't as at be because been
before being below between both but by can can't cannot could couldn't did didn't do does
doesn't doing don't down during each even ever every few for from further get got gets
getting had hadn't has hasn't have haven't having he her here hers herself him himself his
how i i'm i've if in into is isn't it it's its itself just let's like me more most much must
my myself no nor not now of off on once only or other ought our ours ourselves out over own
really same she should so some still such than that that's the their theirs them themselves
then there there's these they they're this those through to too under until up us very via
was wasn't we we're were weren't what when where which while who whom why will with won't
would wouldn't yet you you're your yours yourself yourselves one two today yesterday tonight
day week time again lol omg ever never always thing things people someone anyone everyone
going go went make made know think said say says see seen want wanted need needs literally
totally
across afterwards almost alone along already although among amongst another anyhow anything
anyway anywhere around became become becomes becoming beforehand behind beside besides beyond
cant couldnt either else elsewhere enough etc everything everywhere except hasnt hence however
indeed least less lot lots many may maybe meanwhile might moreover mostly namely neither
nevertheless none noone nowhere often onto others otherwise perhaps rather seem seemed seeming
seems several since somehow something sometime sometimes somewhere therefore though throughout
thru thus together toward towards upon whatever whenever whereas wherever whether whoever whose
within without
three four five six seven eight nine ten eleven twelve fifteen twenty thirty forty fifty sixty
hundred
"""
# What nearly every complaint says, whatever it is about: how long, how often, who didn't answer,
# how bad it was. Two unrelated complaints that both end "emailed twice, no reply, useless" are not
# the same problem, so these words never count towards grouping.
_BOILERPLATE_TEXT = """
reply replies replied respond responded response answer answered email emailed emails call
called calls calling phone phoned message messaged messages dm dms chat chatted contact
contacted back wait waited waiting hour hours minute minutes days weeks month months twice
three times customer customers service support help helpline team agent ticket complaint
complain complained terrible awful worst useless disgusting joke rubbish horrible bad poor
ridiculous shocking unacceptable angry furious disappointed disappointing experience absolutely
honestly seriously please thanks thank sorry money refund refunds refunded cancel cancelled
anymore done avoid ever worse nobody nothing promised still
"""
STOPWORDS = frozenset(_STOPWORD_TEXT.split()) | frozenset(_BOILERPLATE_TEXT.split())


@cache
def _stemmer() -> Any:
    from douse.core.nltk_import import import_nltk

    import_nltk()
    from nltk.stem.porter import PorterStemmer

    return PorterStemmer()


@cache
def stem(word: str) -> str:
    return str(_stemmer().stem(word))


# Each word seen once, then a dict lookup: the stem, or "" for a word that never counts.
_MEANING: dict[str, str] = {}
_MEANING_LIMIT = 200_000


def _meaning(word: str) -> str:
    found = _MEANING.get(word)
    if found is None:
        bare = word.strip("'-")
        found = "" if len(bare) < 3 or bare in STOPWORDS else stem(bare)
        if len(found) < 3:
            found = ""
        if len(_MEANING) < _MEANING_LIMIT:
            _MEANING[word] = found
    return found


def significant_words(text: str, ignore: frozenset[str] = frozenset()) -> dict[str, str]:
    """The stems of the words that carry meaning, in order of first appearance, each with the
    word as this text wrote it (lower case): stems are what posts are compared by, words what
    a person reads.

    `ignore` holds stems of the brand's own name and keywords: every mention shares those, so
    they say nothing about whether two complaints are about the same thing.
    """
    lowered = text.lower()
    if "@" in lowered or "http" in lowered or "www." in lowered:
        lowered = _HANDLE.sub(" ", _URL.sub(" ", lowered))
    seen: dict[str, str] = {}
    known = _MEANING.get
    for word in _WORD.findall(lowered):
        s = known(word)  # a word seen before: a dict lookup, no call
        if s is None:
            s = _meaning(word)
        if s and s not in ignore and s not in seen:
            seen[s] = word.strip("'-")
    return seen


def significant_terms(text: str, ignore: frozenset[str] = frozenset()) -> list[str]:
    """Distinct stems of the words that carry meaning, in order of first appearance."""
    return list(significant_words(text, ignore))


def plainer(word: str, other: str | None) -> str:
    """Of two ways a stem was written, the one a title shows: the shorter, then the first
    alphabetically, so the choice never depends on which post came first."""
    return word if other is None or (len(word), word) < (len(other), other) else other


def ignore_stems(words: Iterable[str]) -> frozenset[str]:
    result: set[str] = set()
    for phrase in words:
        for m in _WORD.finditer(phrase.lower()):
            result.add(stem(m.group().strip("'-")))
    return frozenset(result)


@cache
def _term_pattern(term: str) -> re.Pattern[str]:
    words = [re.escape(w) for w in term.lower().split()]
    # A trailing \w* lets "lawsuit" match "lawsuits" and "injur" style stems in config still work.
    return re.compile(r"(?<!\w)" + r"\s+".join(words) + r"\w*", re.IGNORECASE)


def matched_critical_terms(
    text: str, terms: Iterable[str], *, lowered: str | None = None
) -> list[str]:
    """The client's critical terms a text reports, guarded like harm (harm.py): not inside an
    idiom ("add insult to injury") and not right after a denial ("nobody was injured").
    `lowered` is harm.plain(text) when the caller has it."""
    from douse.core.incidents.harm import affirmed, plain

    wanted = [t.strip() for t in terms if t.strip()]
    if not wanted:
        return []
    lowered = plain(text) if lowered is None else lowered
    return [t for t in wanted if affirmed(lowered, _term_pattern(t)) is not None]

r"""Many phrase rules matched as one alternation would, sorted by first character so each position
tries only the few alternatives that can start there.

Python's `re` tries every alternative of an alternation at every candidate position: with a few
hundred phrase alternatives, a post's dozen word starts cost a few hundred failed attempts each.
`FirstCharScanner` splits each rule into its alternatives (expanding a leading group), works out
which characters each can start with (from the parsed pattern; "any" when unsure) and compiles
one small alternation per first character. At each candidate position it runs that character's
alternation, which holds the same alternatives in the same order as the big one would try there
with a chance of success: the matches are identical (a test compares them), found ~2x faster.

Where an alternative's first two characters can be worked out too ("why " starts "wh", "#\w*fail"
does not), positions are sorted by their first two characters: a word starting "wa" no longer
tries the "why", "where" and "when" questions. Alternatives whose second character is unknown
stay in every pair of their first character, in their place.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable, Iterator, Sequence
from functools import cache
from typing import Any

# re's own parser: private, and typeshed does not describe it, so what it returns is Any here.
sre: Any = importlib.import_module("re._constants")
sre_parse: Any = importlib.import_module("re._parser")

# What an alternative is known to start with: (first characters, first two characters), each
# None when it could be anything.
_Firsts = tuple[frozenset[str] | None, frozenset[str] | None]

# A character class wider than this is treated as "any character" rather than enumerated.
_MAX_CLASS = 256
# Stands for "a non-ASCII digit" in a first-character set (never a single character itself).
_OTHER_DIGITS = "\\d"


def syntax(pattern: str, start: int = 0) -> Iterator[tuple[int, str]]:
    """The characters of a regex source that are syntax, from `start`, with their index: an
    escape ("\\b") comes as one piece, and a character class ("[|(]", "[]x]", "[^]x]") as one
    piece too, so a "|", "(" or ")" inside it is never read as an alternation or a group."""
    i = start
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            yield i, pattern[i : i + 2]
            i += 2
            continue
        if ch != "[":
            yield i, ch
            i += 1
            continue
        end = i + 1
        # "]" right after "[" or "[^" is a literal member, not the end of the class.
        if pattern[end : end + 1] == "^":
            end += 1
        if pattern[end : end + 1] == "]":
            end += 1
        while end < len(pattern) and pattern[end] != "]":
            end += 2 if pattern[end] == "\\" else 1
        yield i, pattern[i : end + 1]
        i = end + 1


def top_level_alternatives(pattern: str) -> list[str]:
    """`a|b(c|d)|[|]` -> ["a", "b(c|d)", "[|]"]: split on "|" outside groups and classes."""
    parts: list[str] = []
    depth = 0
    start = 0
    for i, piece in syntax(pattern):
        if piece == "(":
            depth += 1
        elif piece == ")":
            depth -= 1
        elif piece == "|" and depth == 0:
            parts.append(pattern[start:i])
            start = i + 1
    parts.append(pattern[start:])
    return parts


def _closing(pattern: str, open_at: int) -> int:
    """Index of the ")" closing the group opened at `open_at`, or -1."""
    depth = 0
    for i, piece in syntax(pattern, open_at):
        if piece == "(":
            depth += 1
        elif piece == ")":
            depth -= 1
            if depth == 0:
                return i
    return -1


def expand(alternative: str, depth: int = 3) -> list[str]:
    """`\\b(?:x|y)z` -> [`\\b(?:x)z`, `\\b(?:y)z`]: a leading non-capturing group's branches
    become alternatives of their own, so they can be sorted by first character too. Trying
    them in turn is what the engine did inside the group, so the first match is the same."""
    lead = "\\b" if alternative.startswith("\\b(?:") else ""
    if depth == 0 or not alternative.startswith(lead + "(?:"):
        return [alternative]
    close = _closing(alternative, len(lead))
    rest = alternative[close + 1 :] if close > 0 else ""
    if close < 0 or rest[:1] in ("?", "*", "+", "{"):
        return [alternative]
    inner = alternative[len(lead) + 3 : close]
    out: list[str] = []
    for branch in top_level_alternatives(inner):
        out.extend(expand(f"{lead}(?:{branch}){rest}", depth - 1))
    return out


def _first_of_sequence(items: Any) -> tuple[set[str] | None, bool]:
    """(characters a match can start with, or None for any; whether it can match empty)."""
    first: set[str] = set()
    for op, av in items:
        chars, nullable = _first_of_item(op, av)
        if chars is None:
            return None, False
        first |= chars
        if not nullable:
            return first, False
    return first, True


def _first_of_item(op: Any, av: Any) -> tuple[set[str] | None, bool]:
    if op is sre.LITERAL:
        return {chr(av)}, False
    if op is sre.IN:
        chars: set[str] = set()
        for kind, value in av:
            if kind is sre.LITERAL:
                chars.add(chr(value))
            elif kind is sre.RANGE and value[1] - value[0] < _MAX_CLASS:
                chars.update(chr(c) for c in range(value[0], value[1] + 1))
            elif kind is sre.CATEGORY and value is sre.CATEGORY_DIGIT:
                # In a str pattern \d is any Unicode digit: the ASCII ones get their own
                # branches, the rest are caught by the branch for unlisted characters.
                chars.update("0123456789")
                chars.add(_OTHER_DIGITS)
            else:  # negated or category classes (\w, \d, [^...]): could be anything
                return None, False
        return chars, False
    if op is sre.SUBPATTERN:
        return _first_of_sequence(av[-1])
    if op is sre.BRANCH:
        union: set[str] = set()
        any_nullable = False
        for branch in av[1]:
            chars_or_none, nullable = _first_of_sequence(branch)
            if chars_or_none is None:
                return None, False
            union |= chars_or_none
            any_nullable = any_nullable or nullable
        return union, any_nullable
    if op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT):
        low, _high, sub = av
        chars_or_none, nullable = _first_of_sequence(sub)
        return chars_or_none, nullable or low == 0
    if op in (sre.AT, sre.ASSERT, sre.ASSERT_NOT):
        # Zero-width: the next item decides. Ignoring what a lookaround would exclude only
        # makes the set larger, never wrong.
        return set(), True
    return None, False


_MAX_PREFIXES = 2048
_PAIR = 2


# What `\s` matches in a str pattern: the characters for which str.isspace() is true, none of
# them above U+3000 (a test checks this against `re` over all of Unicode).
SPACES = frozenset(chr(c) for c in range(0x3001) if chr(c).isspace())


def _class_chars(av: Any) -> set[str] | None:
    chars: set[str] = set()
    for kind, value in av:
        if kind is sre.LITERAL:
            chars.add(chr(value))
        elif kind is sre.RANGE and value[1] - value[0] < _MAX_CLASS:
            chars.update(chr(c) for c in range(value[0], value[1] + 1))
        elif kind is sre.CATEGORY and value is sre.CATEGORY_SPACE:
            chars.update(SPACES)
        else:  # other categories and negations: unknown
            return None
    return chars


def _extend(partials: set[str], items: Any) -> set[str] | None:
    """The prefixes (up to two characters) that `partials` can grow into through `items`."""
    for op, av in items:
        done = {p for p in partials if len(p) >= _PAIR}
        growing = partials - done
        if not growing:
            return partials
        step = _extend_item(growing, op, av)
        if step is None:
            return None
        partials = done | step
        if len(partials) > _MAX_PREFIXES:
            return None
    return partials


def _extend_item(partials: set[str], op: Any, av: Any) -> set[str] | None:
    if op is sre.LITERAL:
        return {p + chr(av) for p in partials}
    if op is sre.IN:
        chars = _class_chars(av)
        return None if chars is None else {p + c for p in partials for c in chars}
    if op in (sre.AT, sre.ASSERT, sre.ASSERT_NOT):
        return partials  # zero-width: ignoring what it excludes only widens the set
    if op is sre.SUBPATTERN:
        return _extend(partials, av[-1])
    if op is sre.BRANCH:
        union: set[str] = set()
        for branch in av[1]:
            grown = _extend(partials, branch)
            if grown is None:
                return None
            union |= grown
        return union
    if op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT):
        low, high, sub = av
        current = partials
        for _ in range(low):
            grown = _extend(current, sub)
            if grown is None:
                return None
            if grown == current:
                break
            current = grown
        reached = set(current)
        for _ in range(min(high - low, _PAIR + 1)):
            grown = _extend({p for p in current if len(p) < _PAIR}, sub)
            if grown is None:
                return None
            if grown <= reached:
                break
            reached |= grown
            current = grown
        return reached
    return None


def first_pairs(alternative: str) -> frozenset[str] | None:
    """The two-character strings a match of `alternative` can start with; None when unknown
    (or when a match can be shorter than two characters)."""
    return _pairs_of(sre_parse.parse(alternative))


def first_characters(alternative: str) -> frozenset[str] | None:
    """The characters a match of `alternative` can start with; None when it could be any."""
    return _characters_of(sre_parse.parse(alternative))


def _pairs_of(parsed: Any) -> frozenset[str] | None:
    grown = _extend({""}, parsed)
    if grown is None or any(len(p) < _PAIR for p in grown):
        return None
    return frozenset(grown)


def _characters_of(parsed: Any) -> frozenset[str] | None:
    chars, nullable = _first_of_sequence(parsed)
    return None if chars is None or nullable else frozenset(chars)


@cache
def _alternatives(pattern: str) -> tuple[tuple[str, _Firsts], ...]:
    """A rule's alternatives, each with what a match of it can start with. Remembered per
    pattern: a process builds several scanners from the same cues (each client's categorizer
    from its industry's, which share stock phrases), and parsing them is most of a scanner's
    construction."""
    return tuple(
        (alt, _firsts(alt)) for top in top_level_alternatives(pattern) for alt in expand(top)
    )


def _firsts(alternative: str) -> _Firsts:
    """first_characters and first_pairs from one parse: parsing is most of their cost, and
    every process that scores or triages builds its scanners when it starts."""
    parsed = sre_parse.parse(alternative)
    return _characters_of(parsed), _pairs_of(parsed)


def skipping(source: str, flags: int = 0) -> re.Pattern[str]:
    """`re.compile(source, flags)`, finding the same matches faster where `source` begins with
    `\\b` or a lookbehind.

    re's search skips in C to the positions where a match can begin only when a pattern starts
    with a literal or a class; a leading `\\b` or lookbehind hides that, and the engine then
    tries every position. A lookahead of the characters a match can start with (worked out as
    for the scanner) brings the skip back: up to twice as fast on posts, the same matches (a
    test compares them). A pattern whose first character could be anything is compiled as it
    is, and so is a verbose one (its first characters are not worked out).
    """
    chars = None if flags & re.VERBOSE else first_characters(source)
    if not chars:
        return re.compile(source, flags)
    members = "".join(re.escape(char) for char in sorted(chars - {_OTHER_DIGITS}))
    if _OTHER_DIGITS in chars:
        members += r"\d"
    return re.compile(f"(?=[{members}])(?:{source})", flags)


class FirstCharScanner:
    """Finds what `re.finditer(starts + "(?:(?P<name1>p1)|(?P<name2>p2)|...)", text)` finds,
    as (rule name, start, end), with one small regex per first character instead of one huge one.

    `starts` is a zero-width pattern for the positions a match may begin at (word starts).
    """

    def __init__(self, rules: Sequence[tuple[str, str]], starts: str) -> None:
        split = [(name, _alternatives(pattern)) for name, pattern in rules]
        known = {c for _, alts in split for _, (first, _) in alts if first for c in first}
        known.discard(_OTHER_DIGITS)
        self._starts = re.compile(starts)
        # Each family maps a character or pair to the source of its union; a union is compiled
        # the first time a text needs it (`_compiled`, shared: equal unions compile once).
        # Compiling all of them up front cost most of a second per scanner, paid by every
        # process that triages or scores, though a batch of posts meets only some of them.
        # Used where fewer than two characters are left.
        self._by_char = {char: _union(split, _starts_with(char)) for char in sorted(known)}
        # Any other character: only alternatives that could start with anything (or with a
        # non-ASCII digit) can match there.
        self._other = _union(split, _starts_with(_OTHER_DIGITS))
        pairs = {p for _, alts in split for _, (_, ps) in alts if ps for p in ps}
        self._by_pair = {pair: _union(split, _starts_with_pair(pair)) for pair in sorted(pairs)}
        # A pair no alternative names: only those whose second character is unknown.
        self._by_char_unknown_pair = {
            char: _union(split, _starts_with_unknown_pair(char)) for char in sorted(known)
        }
        self._compiled: dict[str, re.Pattern[str]] = {}
        self._by_pair_compiled: dict[str, re.Pattern[str] | None] = {}

    def finditer(self, text: str) -> Iterator[tuple[str, int, int]]:
        end = 0
        # Locals: this loop runs at every word start of every post. One lookup a position: the
        # compiled union for the two characters there (None: nothing can start there).
        by_pair, union_at, pair_of = self._by_pair_compiled, self._union_at, _PAIR
        for start in self._starts.finditer(text):
            at = start.start()
            if at < end:  # inside the previous match: finditer never overlaps matches
                continue
            pair = text[at : at + pair_of]
            pattern = by_pair.get(pair, _UNSEEN)
            if pattern is _UNSEEN:
                pattern = union_at(pair)
            if pattern is None:
                continue
            found = pattern.match(text, at)
            if found is not None and found.lastgroup is not None:
                end = found.end()
                yield found.lastgroup, at, end

    def pattern_at(self, text: str, at: int) -> re.Pattern[str] | None:
        """The compiled union `finditer` tries at `at`, a word start (None: nothing can start
        there): for a caller walking the word starts of one text for two scanners at once."""
        pair = text[at : at + _PAIR]
        pattern = self._by_pair_compiled.get(pair, _UNSEEN)
        return self._union_at(pair) if pattern is _UNSEEN else pattern

    @property
    def starts(self) -> re.Pattern[str]:
        """The positions a match may begin at."""
        return self._starts

    def _union_at(self, pair: str) -> re.Pattern[str] | None:
        """The compiled union for a position starting with `pair`, remembered for the next."""
        source = self._by_pair.get(pair)
        if source is None:
            first = pair[0]
            if len(pair) < _PAIR:
                source = self._by_char.get(first, self._other)
            else:
                source = self._by_char_unknown_pair.get(first, self._other)
        pattern = None
        if source is not None:
            pattern = self._compiled.get(source)
            if pattern is None:
                pattern = self._compiled[source] = re.compile(source)
        if len(self._by_pair_compiled) < _MAX_REMEMBERED_PAIRS:
            self._by_pair_compiled[pair] = pattern
        return pattern


# Distinct pairs remembered per scanner: text in every script could bring many.
_MAX_REMEMBERED_PAIRS = 50_000
_UNSEEN: Any = object()


def _starts_with(char: str) -> Callable[[_Firsts], bool]:
    return lambda f: f[0] is None or char in f[0]


def _starts_with_pair(pair: str) -> Callable[[_Firsts], bool]:
    return lambda f: (f[0] is None or pair[0] in f[0]) and (f[1] is None or pair in f[1])


def _starts_with_unknown_pair(char: str) -> Callable[[_Firsts], bool]:
    return lambda f: (f[0] is None or char in f[0]) and f[1] is None


def _union(
    split: list[tuple[str, tuple[tuple[str, _Firsts], ...]]], wanted: Callable[[_Firsts], bool]
) -> str | None:
    """The source of one union of the wanted alternatives, each group named by its rule."""
    pieces = []
    for name, alts in split:
        chosen = [alt for alt, first in alts if wanted(first)]
        if chosen:
            pieces.append(f"(?P<{name}>{'|'.join(chosen)})")
    return "|".join(pieces) if pieces else None

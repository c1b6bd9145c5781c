"""Words VADER's lexicon counts as praise that, written to a company, are not.

"Please" (+1.3), "help" (+1.7), "yes" (+1.7), "like" (+1.5) and "thanks" (+1.9) are how people
ask for things: "please help, my bag never arrived" is not a happy customer. Each word here
keeps its lexicon weight only where it is a verdict:

- politeness ("please", "pls", "kindly") and replies ("yes", "ok", "yeah") never count, though
  "not ok" is a verdict;
- "help" counts as a noun of praise ("thanks for your help", "a great help"), not as a request;
- "like" counts as a verb after its subject ("I like the new app"), not as "looks like" or
  "would like";
- "pretty" before another sentiment word is an adverb ("pretty ridiculous"), not praise;
- thanks and hopes ("thanks", "appreciate", "hope") do not count beside a request or a question:
  "any update on my refund? thanks" asks, it does not praise.

Only positive weights are removed: "no help" and "not like" stay as VADER scores them.
"""

from __future__ import annotations

import string
from dataclasses import dataclass
from itertools import pairwise

from douse.core.sentiment.dispatch import skipping
from douse.core.sentiment.emoji import MARK
from douse.core.sentiment.rule import FAILING

_PUNCT = string.punctuation + "’‘“”"

POLITENESS = frozenset({"please", "pls", "plz", "plse", "kindly"})
# Words the lexicon scores that, to a company, are prices, wants and mockery: "free checked bag"
# (not "for free"), "I want my bag", "the number to call", "your airline is a joke".
NOT_SENTIMENT = frozenset(
    {
        "free", "want", "wanted", "number", "joke",
        # Things a customer's message names, not feelings: "store credit", "any chance you could",
        # "my original order", "airport security", "share the details", "customer support".
        "credit", "chance", "original", "security", "share", "support",
        # ...and what they say of the company's motives: "all about profit",
        # "a rewards card", "turned away in favor of staff".
        "profit", "profits", "reward", "rewards", "favor",
        # ...and words that only name or point: "my friend", "an apology", "clearly", "giving us
        # the runaround", "no entertainment on board".
        "friend", "friends", "apology", "clearly", "giving", "entertainment",
    }
)  # fmt: skip
_A_TREAT = frozenset({"such", "real", "little", "special"})
_PROMISING_AGAIN = frozenset({"keep", "keeps", "kept", "been", "stop", "stopped", "just"})
_HONEST_ASKED = frozenset({"question", "answer", "answers", "opinion", "response", "feedback"})
# Words that are never a verdict on the company, each with why (a key of WHY): customers
# describing themselves ("a loyal customer for ten years"), a wish ("hoping to get home
# tonight"), surprise ("forty minutes waiting for someone to open the door. Wow. Just wow").
NO_VERDICT = {
    **dict.fromkeys(("loyal", "faithful"), "self"),
    **dict.fromkeys(("hope", "hopes", "hoped", "hoping", "hopefully"), "wish"),
    "wow": "exclamation",
}
# "better" after one of these asks for better: "could be better", "you need better staff".
_BETTER_WANTED = frozenset(
    {
        "need", "needs", "should", "must", "could", "would", "expect", "expected", "deserve",
        "deserved", "you", "u", "they", "had", "do", "be", "have", "want", "some", "get",
    }
)  # fmt: skip
# "a better seat", "look into better service": a choice between alternatives, not a verdict.
_BETTER_CHOICE = frozenset({"an", "into", "for", "handled", "make", "makes"})
# "this better be the last change", "you better not lose it": a demand.
_BETTER_DEMAND = frozenset({"be", "do", "not", "get", "work", "give", "fix", "start"})
# Replies and greetings: "yes", "ok", "Dear Support".
REPLIES = frozenset({"yes", "yeah", "yea", "yep", "ok", "okay", "alright", "dear"})
GRATITUDE = frozenset(
    {
        "thanks", "thank", "thx", "ty", "appreciate", "appreciated", "grateful", "hope",
        "hopefully", MARK + "🙏",  # folded hands: thanks, or "please" beside a request
    }
)  # fmt: skip
# "help" after one of these is the help someone gave: "thanks for the help", "a great help".
_HELP_GIVEN = frozenset(
    {
        "the", "your", "ur", "his", "her", "their", "great", "big", "much", "such", "real",
        "good", "excellent", "amazing", "all", "huge", "fantastic", "wonderful", "awesome",
        "quick", "kind", "incredible", "brilliant", "super",
    }
)  # fmt: skip
# "like" after one of these is the verb: "I like", "we really like", "don't like".
_LIKE_VERB = frozenset(
    {
        "i", "we", "you", "they", "u", "ya", "really", "definitely", "totally", "also", "still",
        "do", "does", "did", "don't", "didn't", "doesn't", "dont", "didnt", "doesnt", "not",
        "never", "always", "genuinely", "honestly", "kids", "people", "everyone",
    }
)  # fmt: skip
# Negated by VADER ("my bag never arrived. Thanks in advance"), these still say nothing...
_NEVER_SENTIMENT = POLITENESS | REPLIES | GRATITUDE
# ...but these do: "this is not ok", "not okay at all".
_NEGATABLE_REPLIES = frozenset({"ok", "okay", "alright"})
_PRETTY_ADVERB = frozenset({"much", "sure", "well", "soon", "quick", "quickly", "fast", "late"})
# "customer care" and "health care" are departments, not kindness.
_CARE_NOUN = frozenset(
    {
        "customer", "client", "guest", "health", "skin", "hair", "child", "day", "pet", "car",
        "medical", "urgent", "intensive", "patient", "member", "passenger",
    }
)  # fmt: skip
# VADER flips a negative word after "never"/"not": right for "not bad", wrong for "never seen
# such awful service" and "couldn't be worse".
_NO_FLIP_AFTER = frozenset({"such", "seen", "experienced", "encountered", "witnessed", "believe"})
_NO_FLIP = frozenset({"worse", "worst"})
_NOTHING = frozenset({"nothing", "none"})
# Negated, these are praise as people write it: "not bad", "never disappoints", "no complaints".
_PRAISING_NEGATION = frozenset(
    {
        "bad", "disappoint", "disappoints", "disappointed", "disappointing", "complain",
        "complaint", "complaints", "regret", "regrets", "fail", "fails", "worries",
    }
)  # fmt: skip
_COMPARATIVES = frozenset(
    {"happier", "better", "prouder", "nicer", "easier", "smoother", "cheaper", "friendlier"}
)
_COULD_NOT_BETTER = frozenset({"be", "find", "get", "ask", "wish", "have", "imagine"})
# "thanks for <something bad>": sarcasm, or at best politeness around a complaint.
_THANKS_FOR = skipping(
    r"\b(?:thanks|thank\s+(?:you|u)|thx|ty)\s+(?:so\s+much\s+|a\s+lot\s+|again\s+)?for\s+"
    r"([^.,;:!?]{1,80})"
)
_FAILING = frozenset(FAILING)
_NEGATING = frozenset({"no", "not", "nothing", "never", "none", "without", "zero"})
# An answer that is no answer: "thanks for the canned reply", "thanks for the automated message".
_NO_ANSWER = frozenset(
    {"canned", "automated", "generic", "scripted", "runaround", "voicemail", "auto", "robotic"}
)

WHY = {
    "politeness": "politeness",
    "reply": "a reply or a greeting, not a verdict",
    "help": "a request for help",
    "like": "not the verb here",
    "pretty": "an adverb here",
    "thanks": "politeness beside a request",
    "care": "a department, not kindness",
    "idiom": "an idiom here",
    "sure": "certainty, not praise",
    "thanks_bad": "thanks for something bad",
    "not_sentiment": "a price, a want, mockery or a thing named here, not praise",
    "better": "asks for better",
    "self": "the customer describing themselves",
    "exclamation": "an exclamation, not a verdict",
    "wish": "a wish, not a verdict",
}


@dataclass(frozen=True)
class Softened:
    word: str  # as written
    was: float  # its lexicon valence
    why: str  # a key of WHY


def _bare(token: str) -> str:
    return token.lower().strip(_PUNCT)


def _unflip(words: list[str], valences: list[float], index: int, word: str, base: float) -> None:
    """Undo VADER's negation where it reads the sentence backwards: "never seen such awful
    service", "couldn't be worse" (negative after all), "couldn't be more thankful" (positive)."""
    before = [_bare(w) for w in words[max(0, index - 3) : index]]
    if any(a in _NOTHING and b == "but" for a, b in pairwise(before)):
        # "nothing but praise", "nothing but trouble": the word itself, emphatically.
        valences[index] = base
        return
    previous = set(before)
    if base < 0:
        restore = word in _NO_FLIP or bool(previous & _NO_FLIP_AFTER)
    elif word in _COMPARATIVES:
        # "couldn't be happier", "couldn't find a better deal"
        restore = bool(previous & _COULD_NOT_BETTER)
    else:
        restore = "be" in previous and "more" in previous
    if restore:
        valences[index] = base
    elif base < 0 and word not in _PRAISING_NEGATION:
        # "wasn't my fault", "don't bother", "none for incompetence": a complaint's negated
        # negative word is not praise; VADER's flip would score it as a kind word.
        valences[index] = 0.0


def thanks_for_something_bad(lowered: str, lexicon: dict[str, float]) -> bool:
    """ "thanks for the vague canned response", "thank you for no food": the thing thanked for
    has a negative word in it (a lexicon word below zero, or a "no"/"nothing")."""
    for match in _THANKS_FOR.finditer(lowered):
        words = match.group(1).split()
        # "thanks for fixing my 5 hour delay" thanks for a deed; "thanks for losing my bag" not.
        if words[0].endswith("ing") and words[0] not in _FAILING:
            continue
        for word in words:
            bare = word.strip(_PUNCT)
            if (
                bare in _NEGATING
                or bare in _NO_ANSWER
                or bare.endswith("n't")
                or lexicon.get(bare, 0.0) < 0
            ):
                return True
    return False


def soften(
    words: list[str],
    valences: list[float],
    lexicon: dict[str, float],
    asking: bool,
    thanks_bad: bool = False,
    lowered: str = "",
) -> list[Softened]:
    """Zero the positive valences of words that only ask or reply; returns what was zeroed.

    `asking`: the text is a request or a question (a rule found one, or it has a "?" or a
    "please"), so thanks and hopes in it are politeness. `thanks_bad`: see
    `thanks_for_something_bad`.
    """
    softened: list[Softened] = []
    for index, valence in enumerate(valences):
        if not valence:
            continue
        word = _bare(words[index])
        base = lexicon.get(word, 0.0)
        # "not ok" is a verdict where "ok" alone is only a reply.
        negated_reply = base > 0 and word in _NEGATABLE_REPLIES
        if base * valence < 0 and not (base > 0 and word in _NEVER_SENTIMENT and not negated_reply):
            _unflip(words, valences, index, word, base)
            continue
        if (
            valence < 0
            and word in GRATITUDE
            and _bare(words[index - 1] if index else "")
            in (
                "can't",
                "cannot",
                "cant",
            )
        ):
            valences[index] = 0.0  # "can't thank you enough": the praise rule counts it
            continue
        if valence < 0 and base <= 0:
            continue
        before = _bare(words[index - 1]) if index else ""
        after = _bare(words[index + 1]) if index + 1 < len(words) else ""
        why = None
        if word in POLITENESS:
            why = "politeness"
        elif word in REPLIES:
            why = "reply"
        elif word in NO_VERDICT:
            why = NO_VERDICT[word]
        elif word in NOT_SENTIMENT:
            # ...but "fixed it for free" is a happy customer.
            if not (word == "free" and before == "for"):
                why = "not_sentiment"
        elif word == "better":
            if (
                {_bare(w) for w in words[max(0, index - 3) : index]} & _BETTER_WANTED
                or before in _BETTER_CHOICE
                or after in _BETTER_DEMAND
                # VADER drops one-letter words: "a better seat" is looked for in the text.
                or "a better" in lowered
            ):
                why = "better"
        elif word == "honest":
            # "be honest", "an honest answer" ask for honesty; "an honest mechanic" is praise.
            if before == "be" or after in _HONEST_ASKED:
                why = "not_sentiment"
        elif word == "promising":
            # "they keep promising" is a broken promise; "looks promising" is praise.
            if before in _PROMISING_AGAIN:
                why = "not_sentiment"
        elif word == "treat":
            # "how you treat customers" is the verb; "what a treat" is praise (VADER drops
            # one-letter words, so "a" is looked for in the text).
            if before not in _A_TREAT and "a treat" not in lowered:
                why = "not_sentiment"
        elif word == "best" and before == "at":
            why = "idiom"
        elif word == "sure":
            why = "sure"
        elif word == "help":
            if before not in _HELP_GIVEN:
                why = "help"
        elif word == "like":
            # VADER drops one-letter words: "I like" reaches here as "like" alone.
            if before not in _LIKE_VERB and not (lowered and _I_LIKE.search(lowered)):
                why = "like"
        elif word == "pretty":
            if after in lexicon or after in _PRETTY_ADVERB:
                why = "pretty"
        elif word == "care":
            if before in _CARE_NOUN:
                why = "care"
            elif (
                before == "could"
                or after == "to"
                or (before == "you" and index >= 2 and _bare(words[index - 2]) == "if")
            ):
                # "could care less", "if you care", "care to explain?": no kindness shown.
                why = "idiom"
        elif (word == "trust" and after == "me") or (word == "well" and "as" in (before, after)):
            why = "idiom"
        elif word in GRATITUDE:
            if thanks_bad or after == "anyway":
                why = "thanks_bad"
            elif asking:
                why = "thanks"
        if why is not None:
            softened.append(Softened(words[index], base or valence, why))
            valences[index] = 0.0
    return softened


_I_LIKE = skipping(r"\b[iu]\s+(?:really\s+|do\s+|also\s+|still\s+)?like\b")
_POLITE = skipping(r"\b(?:please|pls|plz|plse|kindly)\b")


def asks(lowered: str) -> bool:
    """A question mark or a politeness word: the (lower-cased) text asks for something."""
    return "?" in lowered or _POLITE.search(lowered) is not None

"""What a reputation rule is, the categories reasons name, and pattern pieces rules share."""

from __future__ import annotations

from dataclasses import dataclass

from douse.core.sentiment.dispatch import syntax

SERVICE_FAILURE = "service failure"
LEGAL_SAFETY = "legal or safety"
COMPLAINT_QUESTION = "complaint question"
REQUEST = "request for help"
HASHTAG = "complaint hashtag"
SARCASM = "sarcasm"
PRAISE = "praise or a fix"

NUM = (
    r"(?:\d+(?:\.\d+)?|an?|one|two|three|four|five|six|seven|eight|nine|ten|twelve|twenty|"
    r"thirty|forty|forty[- ]five|fifty|several|multiple|many|a few|a couple(?: of)?)"
)
LONG = r"(?:hours?|hrs?|days?|weeks?|months?)"
ANY_SPAN = r"(?:hours?|hrs?|minutes?|mins?|days?|weeks?|months?)"
# A state the customer was in, not something done to them: "paused my membership while I was
# injured", "while recovering from surgery". Neither a safety report nor a complaint by itself;
# a cause after it ("while I was sick from your food") keeps it a report.
CIRCUMSTANCE = (
    r"\bwhile (?:i|we|he|she|they|my \w+|our \w+) (?:was|were|am|is|are|had been|have been)"
    r"(?: still)? (?:off )?(?:injured|ill|sick|unwell|in hospital|pregnant)\b"
    r"(?! (?:by|from|because|due|after|at|in|on|with)\b)"
    r"|\bwhile (?:i|we|he|she|they|my \w+)? ?(?:was |were |am |is |are )?recover(?:ing|ed) "
    r"from (?:an? |my |his |her |their )?(?:injury|surgery|illness|operation|accident)\b"
)
# What a company is thanked for doing, sarcastically: "thanks for losing my bag".
FAILING = (
    "losing", "ruining", "wasting", "delaying", "cancelling", "canceling", "ignoring", "leaving",
    "making", "stranding", "breaking", "charging", "lying", "forcing", "overbooking",
    "overcharging", "screwing", "ripping", "causing", "nothing",
)  # fmt: skip


@dataclass(frozen=True)
class Rule:
    name: str  # stable id, e.g. "wait_time"
    category: str  # one of the categories above, shown in reasons
    valence: float  # added per match, on VADER's word scale
    pattern: str  # a regex without capturing groups, matched against lower-cased text
    # A match right after one of these words is a denial ("never waited 3 hours"), not a fact.
    negatable: bool = False
    # Other rules' matches inside this one's phrase don't count ("spotted a fraudulent payment"
    # is praise; its "fraudulent" is not an accusation).
    shields: bool = False
    # A request or a question, not a statement of fact: politeness beside it ("please",
    # "thanks in advance") is not praise.
    asks: bool = False
    # A complaint makes praise beside it suspect (sarcasm, politeness) and dampens it; a weak
    # sign ("for 5 days", "once again") adds its weight but leaves praise alone: "we stayed for
    # 5 days and loved it", "once again brilliant service".
    dampens: bool = True


def optional_apostrophes(pattern: str) -> str:
    """`pattern` with the apostrophe of each whole contraction made optional: "didn't" also
    matches "didnt", "what's" also "whats" (people in a hurry drop it: 1.5 % of the airline
    tweets of the dev set have such a word). Only an apostrophe with two letters written
    before it, or an "'s", is touched: a bare "n't" would match "went" and "client" too.
    Character classes and lookbehinds (which must keep a fixed width) are left alone."""
    out: list[str] = []
    groups: list[bool] = []  # per open group: is it a lookbehind?
    for i, piece in syntax(pattern):
        if piece == "(":
            groups.append(pattern.startswith(("(?<=", "(?<!"), i))
        elif piece == ")" and groups:
            groups.pop()
        elif (
            piece == "'"
            and not any(groups)
            and pattern[i + 1 : i + 2] != "?"
            and (
                (i >= 2 and pattern[i - 2 : i].isalpha())
                # "what(?:'s| is)": the "'s" of the word before the group.
                or (pattern[i + 1 : i + 2] == "s" and not pattern[i + 2 : i + 3].isalpha())
            )
        ):
            piece = "'?"
        out.append(piece)
    return "".join(out)

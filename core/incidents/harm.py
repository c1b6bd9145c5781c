"""Harm: the reports that make an incident serious whatever its volume.

Someone assaulted on board, a child harassed, staff who are racist, a guest with food poisoning,
a customer who will sue: each is a harm class with phrases of its own, and a floor it sets on the
incident's severity. Single keywords mislead, so every class is guarded: idioms ("add insult to
injury", "sick and tired", "killing it", "dying to") are taken out before matching, and a phrase
right after a denial ("nobody was injured", "not racist") does not count.

Harm is only read in posts that are not praise: a thank-you that mentions an injured companion
is gratitude, not an injury report (triage passes positive posts over).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from douse.core.sentiment.dispatch import skipping
from douse.core.sentiment.rule import CIRCUMSTANCE

# Severity each class sets at least (see severity.py).
HIGH = "high"
MEDIUM = "medium"


@dataclass(frozen=True)
class HarmClass:
    name: str
    label: str  # how reasons name it
    floor: str
    pattern: re.Pattern[str]


@dataclass(frozen=True)
class HarmHit:
    name: str
    label: str
    floor: str
    phrase: str

    @property
    def reason(self) -> str:
        return f"{self.label}: “{self.phrase}”"


def _c(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


# Who can be struck: a person, or one's body ("hit my head"); never "my \w+" whatever it is ("the
# spam that hit my inbox", "hit my data cap", "pushed my flight back", "grabbed my bag").
_KIN = (
    r"(?:wife|husband|partner|son|daughter|child|children|kids?|baby|mother|mom|mum|father|dad|"
    r"parents?|sister|brother|friend|girlfriend|boyfriend|family|grand\w+|aunt|uncle|niece|"
    r"nephew|colleague|elderly \w+|disabled \w+|face|head|arm|back|chest|neck|leg|stomach)"
)
_PEOPLE = (
    rf"(?:me|my {_KIN}|our {_KIN}|us|him|her|them|a (?:child|kid|passenger|customer|woman|man|"
    r"girl|boy|pregnant woman|staff member))"
)

CLASSES: tuple[HarmClass, ...] = (
    HarmClass(
        "assault",
        "assault or harassment",
        HIGH,
        _c(
            r"\b(?:sexual(?:ly)? )?assault(?:ed|ing|s)?\b|\bsexual(?:ly)? harass\w*|\bharass(?:ed|"
            r"ing|ment|es)\b|\bgrop(?:ed|ing)\b|\bmolest\w*|\bstalk(?:ed|ing)\b|\bbull(?:ied|ying)"
            r"\b"
            rf"|\b(?:punched|slapped|kicked|shoved|pushed|grabbed|hit|attacked|spat on|threatened) "
            rf"{_PEOPLE}\b|\btouched (?:me|her|him|my \w+) inappropriately\b|\binappropriately "
            r"touch\w*|\bthreaten(?:ed|ing) to (?:hurt|kill|hit|beat)\b"
        ),
    ),
    HarmClass(
        "discrimination",
        "discrimination",
        HIGH,
        _c(
            r"\bracis[tm]\b|\bracial(?:ly)? (?:profil\w*|abus\w*|slurs?|discriminat\w*)\b|"
            r"\bdiscriminat\w*|\bsexis[tm]\b|\bhomophob\w*|\btransphob\w*|\bisl[ao]mophob\w*|"
            r"\banti-?semit\w*|\bableis[tm]\b|\bbigot\w*|\bslurs?\b|\bbecause (?:i'?m|i am|we'?re|"
            r"we are|she'?s|he'?s|they'?re|my \w+ is) (?:black|gay|muslim|jewish|disabled|deaf|blin"
            r"d|"
            r"in a wheelchair|trans|a woman|pregnant|autistic|asian|latin[oa]|old|fat)\b"
            # Put off or turned away for speaking a language: "removed for speaking Arabic".
            r"|\b(?:removed|kicked off|thrown off|taken off|escorted off|questioned|refused|denied|"
            r"detained|singled out|told to stop)\b[^.!?\n]{0,40}\b(?:for|because (?:we|i|they|he|"
            r"she) (?:were|was)) speaking (?:arabic|spanish|urdu|hindi|punjabi|chinese|mandarin|"
            r"french|hebrew|farsi|somali|russian|polish|a foreign language|another language|our "
            r"(?:own )?language)\b"
        ),
    ),
    HarmClass(
        "access",
        "disability access",
        HIGH,
        # Disabled customers left without what they need to travel or get about: "left his
        # wheelchair behind", "they broke my wheelchair", "service dog refused".
        _c(
            r"\b(?:wheelchairs?|mobility (?:aids?|scooters?)|service (?:dogs?|animals?))\b[^.!?\n]"
            r"{0,40}\b(?:left behind|abandoned|refused|denied|broken|broke|damaged|destroyed|lost|"
            r"not allowed|never (?:came|showed|arrived)|no help)\b|\b(?:left|abandoned|refused|"
            r"denied|broke|damaged|destroyed|lost|forgot) (?:\S+ ){0,3}(?:wheelchairs?|mobility "
            r"(?:aids?|scooters?)|service (?:dogs?|animals?))\b"
        ),
    ),
    HarmClass(
        "injury",
        "safety or injury",
        HIGH,
        _c(
            r"\binjur(?:ed|y|ies|ing)\b|\b(?:broke|broken|fractured) (?:my|his|her|their) (?:arm|"
            r"leg|wrist|ankle|nose|tooth|teeth|foot|hand|finger|rib|hip)s?\b|\bconcussion\b|"
            r"\bbleeding\b|\b(?:ended up|rushed|taken|went) (?:to|in) (?:the )?(?:hospital|er|a&e|"
            r"emergency room)\b|\bhospitali[sz]ed\b|\bambulance\b|\bparamedics\b|\bemergency "
            r"landing\b|\bunsafe\b|\bdangerous\b|\bsafety (?:hazard|issue|risk|violation|concern)s?"
            r"\b|\b(?:caught|on) fire\b|\bsmoke in the (?:cabin|room|kitchen|building)\b|"
            r"\bexplod\w*|\belectrocut\w*|\bcarbon monoxide\b|\bgas leak\b|\bcollapsed\b|"
            r"\bfainted\b|\bstitches\b|\bsprain(?:ed)?\b|\bfractur\w*|"
            # A pilot, crew or driver unfit to work: "the pilot smelled of alcohol".
            r"\b(?:drunk|intoxicated|impaired) (?:pilot|captain|crew|driver|flight attendant)s?\b|"
            r"\b(?:pilot|captain|crew|driver|flight attendant)s? (?:was |were |is |are |seemed |"
            r"looked )?(?:drunk|intoxicated|smel(?:led|t|ling) (?:of|like) (?:alcohol|booze))\b|"
            r"\bburn(?:ed|t) (?:me|my|her|his|him|us|the child|my child)\b|\b(?:got|was"
            r"|were|been) (?:badly |seriously )?hurt\b|\bhurt (?:my|his|her) (?:back|head|leg|arm|"
            r"neck|knee)\b"
        ),
    ),
    HarmClass(
        "health",
        "health or food safety",
        HIGH,
        _c(
            r"\bfood poisoning\b|\bsalmonella\b|\be\.? ?coli\b|\blisteria\b|\bnorovirus\b|"
            r"\b(?:got|get|gets|getting|made (?:me|us|my \w+)|was|were|fell|been) (?:so |really |"
            r"violently |very )?(?:sick|ill) (?:from|after|with)\b|\bthrew up\b|\bvomit(?:ing|ed)?"
            r"\b"
            r"|\ballergic reaction\b|\banaphyla\w*|\bepipen\b|"
            # An allergy that was not respected, medicine taken or lost: "a severe peanut
            # allergy and the crew served peanuts", "lost my insulin".
            r"\ballerg\w*\b[^.!?\n]{0,60}\b(?:served|gave|given|fed|handed out|no (?:warning|"
            r"label))\b|\b(?:lost|confiscated|took|threw away|thrown away|without) (?:my|his|her|"
            r"our|their) (?:\w+ )?(?:insulin|medications?|medicines?|meds|inhalers?|oxygen)\b|"
            r"\b(?:hair|glass|plastic|metal|bugs?|"
            r"insects?|flies|worms?|maggots?|cockroach(?:es)?|mou?ld) in (?:my|the|our|her|his) "
            r"(?:food|meal|drink|salad|burger|pizza|soup|coffee|sandwich|order|room)\b|\bundercooke"
            r"d "
            r"(?:chicken|pork|meat|burger)\b|\braw chicken\b|\b(?:rats?|mice|cockroach(?:es)?|bed "
            r"?bugs?) (?:in|at|on|everywhere|running)\b|\bbed ?bugs?\b|\bhealth (?:inspector|"
            r"department|code violation)s?\b"
        ),
    ),
    HarmClass(
        "legal",
        "legal threat",
        MEDIUM,
        _c(
            r"\b(?:i'?ll|i will|i'?m going to|i am going to|gonna|we will|we'?ll|we'?re going to|"
            r"going to|will) (?:sue|take (?:you|this|them|it) to court|get a lawyer|call my "
            r"(?:lawyer|attorney|solicitor)|report (?:you|this|them) to)\b|\blawsuits?\b|\bclass[- "
            r"]"
            r"action\b|\blegal action\b|\bsmall claims\b|\bmy (?:lawyer|attorney|solicitor)s?\b|"
            r"\battorney general\b|\breport(?:ed|ing)? (?:you|this|them|it) to (?:the )?(?:bbb|ftc|"
            r"faa|dot|cfpb|fca|ofcom|ofgem|ombudsman|trading standards|regulator|authorities)\b"
        ),
    ),
    HarmClass(
        "breach",
        "data breach or fraud",
        HIGH,
        _c(
            r"\bdata breach\w*|\b(?:my|our|customer'?s?|their) (?:data|details|information|info|"
            r"account|card|passwords?|identity) (?:was |were |has been |have been |got )?(?:leaked|"
            r"stolen|hacked|compromised|exposed|sold)\b|\bidentity theft\b|\bunauthori[sz]ed "
            r"(?:charges?|transactions?|access|payments?)\b|\bfraudulent (?:charges?|transactions?|"
            r"payments?|activity)\b|\bstole (?:my|our) (?:money|identity|card|details)\b|\bphishing"
            r"\b"
            # Someone else in the customer's account: "someone from abroad signed into my mail".
            r"|\bsomeone (?:\w+ ){0,4}(?:logged (?:in|into|on)|logging (?:in|into)|signed "
            r"(?:in|into)|got into|accessed|is using|has been using) (?:to )?(?:my|our)\b"
        ),
    ),
)

# Figures of speech that name a harm without one, and states the customer was in ("while I
# was injured"), removed before matching.
IDIOMS = skipping(
    r"\b(?:add(?:s|ed|ing)? |adding )?insult to injury\b|\binjury time\b|\bsick (?:of|and tired|to "
    r"death|day|note|leave|beat|burn)\b|\bmakes? me (?:sick|ill)\b|\bhomesick\b|\bkill(?:ing|ed|s)"
    r" it\b|\bdying (?:to|for)\b|\bto die for\b|\bhurts? my feelings\b|\bit hurts to\b|\bdangerousl"
    r"y"
    r" (?:good|close|tasty|addictive)\b|\bassault on (?:the|my|our) (?:senses|ears|eyes|taste ?buds"
    r"|"
    r"wallet|intelligence)\b|\bhighway robbery\b|\bdaylight robbery\b|\bon fire\b(?= (?:today|"
    r"tonight|this|lately|right now))|\bfire (?:deal|sale|service)\b|\bfood coma\b|"
    # A streaming device's name ("won't play on fire tv"), not a fire.
    r"\bfire ?(?:tv|stick|tablet)s?\b|"
    # Put out of a place or a queue, not struck: "kicked me off the flight", "the app kicked
    # me out"; a price that differs by customer is pricing, not discrimination.
    r"\bkicked (?:me|us|them|him|her|my \w+) (?:out|off|back|to|from|over)\b|\bprice ?discrimin"
    r"\w*|" + CIRCUMSTANCE
)
# A denial just before the phrase ("nobody was injured", "not racist", "without injury").
_DENIAL = re.compile(
    r"(?:\b(?:no|not|nobody|no one|noone|none|never|without|wasn'?t|weren'?t|isn'?t|aren'?t|"
    r"didn'?t|don'?t|doesn'?t|hardly|zero)\b|n't)(?:\s+\S+){0,2}\s*$"
)
MAX_PHRASE = 50


def plain(text: str) -> str:
    """Lower-cased, one space between words, idioms blanked out."""
    return IDIOMS.sub(lambda m: " " * len(m.group()), " ".join(text.lower().split()))


def affirmed(lowered: str, pattern: re.Pattern[str]) -> re.Match[str] | None:
    """The first match not right after a denial."""
    for match in pattern.finditer(lowered):
        if not _DENIAL.search(lowered, max(0, match.start() - 30), match.start()):
            return match
    return None


_BY_NAME = {h.name: h for h in CLASSES}


@cache
def _scanner() -> Any:
    # Every class in one pass over the text's word starts (core/sentiment/dispatch.py).
    from douse.core.sentiment.dispatch import FirstCharScanner

    return FirstCharScanner([(h.name, h.pattern.pattern) for h in CLASSES], r"(?<!\w)(?=[\w&])")


def find_harm(text: str, *, lowered: str | None = None) -> list[HarmHit]:
    """The harm classes a text reports, each once, with the phrase that showed it (one pass
    over the text for every class; `lowered` is `plain(text)` when the caller has it)."""
    lowered = plain(text) if lowered is None else lowered
    found: dict[str, HarmHit] = {}
    for name, start, end in _scanner().finditer(lowered):
        if name in found or _DENIAL.search(lowered, max(0, start - 30), start):
            continue
        harm = _BY_NAME[name]
        phrase = lowered[start:end]
        if len(phrase) > MAX_PHRASE:
            phrase = phrase[: MAX_PHRASE - 1] + "…"
        found[name] = HarmHit(harm.name, harm.label, harm.floor, phrase)
    # In the classes' own order, as reasons list them.
    return [found[h.name] for h in CLASSES if h.name in found]

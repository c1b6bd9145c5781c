"""What a brand must never say, read from English sentence structure rather than fixed phrases.

- threat: the brand promising harm ("we will sue", "we'll report you to the police", "you'll
  regret this", "or else.");
- insult: a belittling word aimed at the customer ("you're clearly clueless", "what a joke",
  "get lost.");
- blame: the fault put on the customer ("it's your own fault", "the problem is clearly you",
  "your incompetence", "you should have read the manual", "you obviously didn't check");
- credentials: asking for a password, PIN, security code or full card number, in any channel
  (a brand never needs them, and asking is what phishing looks like);
- review_incentive: an incentive in the same message as a request to remove, change or write a
  review ("if you delete this review we'll send you a $500 voucher", "95% off ... just delete the
  review"). Review platforms' terms forbid paying for a changed review, and consumer-protection
  rules on fake reviews target exactly this. Fix first, then ask separately and unconditionally
  (douse's `asked_to_update` entry).

Each rule skips what is negated right before it ("it is not your fault", "never share your
password") and what is conditional on the customer's own account of things ("if you didn't
receive"). Other languages rely on phrase lists (languages.py).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

# "not", "never", "no need to" ... up to four words before: "we will never ask you to share".
# "can't believe your incompetence" is no negation of it.
_NEGATION = re.compile(
    r"(?:\b(?:not|never|no|nobody's|nothing|neither|nor|without)\b|n't)"
    r"(?!\s+(?:even\s+)?(?:believe|imagine|stand|bear|get\s+over)\b)"
    r"(?:\s+[\w']+){0,4}\s*$",
    re.IGNORECASE,
)
_INNER_NEGATION = re.compile(r"\b(?:not|never|no)\b|n't", re.IGNORECASE)
_CONDITION = re.compile(r"\b(?:if|whether|in\s+case|unless|when)\s*$", re.IGNORECASE)


def _negated(text: str, start: int) -> bool:
    return bool(_NEGATION.search(text[max(0, start - 40) : start]))


@dataclass(frozen=True)
class Rule:
    name: str
    pattern: re.Pattern[str]
    message: str
    negatable: bool = True
    conditional: bool = False  # skipped right after "if", "whether", ...
    inner_negation: bool = False  # "we will not report you": a negation inside the match


_I = re.IGNORECASE
_WE = r"(?:we|we'll|we\s+will|we're\s+going\s+to|we\s+are\s+going\s+to|we\s+shall|i|i'll|i\s+will)"
_HARM = (
    r"(?:sue|take\s+(?:you\s+to\s+court|legal\s+action|action\s+against\s+you)|"
    r"report\s+you|press\s+charges|ban\s+you|expose\s+you|come\s+after\s+you|"
    r"make\s+you\s+pay|destroy\s+you|ruin\s+you|shut\s+you\s+down|"
    r"(?:call|contact|involve)\s+the\s+police|have\s+you\s+(?:arrested|removed|banned))"
)
# Words that belittle a person: as a predicate of "you" ("you're clueless") or, for the nouns, after
# "you" / "such a" / "what a" ("you clown", "what a joke").
INSULT_NOUNS = (
    r"(?:idiots?|morons?|liars?|losers?|clowns?|trolls?|fools?|imbeciles?|jerks?|creeps?|"
    r"whiners?|crybab(?:y|ies)|karens?|snowflakes?|drama\s+queens?|joke|embarrassment|disgrace|"
    r"pests?|parasites?|freeloaders?|scammers?|hypocrites?|cowards?|bull(?:y|ies)|"
    r"cheapskates?|dimwits?|halfwits?|numpty|muppets?|clown\s+show)"
)
INSULT_ADJECTIVES = (
    r"(?:idiotic|moronic|stupid|dumb|clueless|incompetent|pathetic|lying|ignorant|lazy|rude|"
    r"entitled|childish|ridiculous|ungrateful|hysterical|delusional|foolish|dense|brainless|"
    r"whining|petty|paranoid|unreasonable|annoying|obnoxious|irrational|dishonest|spoil(?:ed|t)|"
    r"useless|worthless|hopeless|crazy|insane|nuts|bonkers|dramatic|overreacting|exaggerating|"
    r"illiterate|uneducated|thick|simple-minded|dimwitted|a\s+joke)"
)
_FILLER = (
    r"(?:(?:so|such|a|an|the|really|very|truly|complete|completely|total|totally|absolute|"
    r"absolutely|utter|utterly|clearly|obviously|just|being|quite|pretty|most|biggest|little|"
    r"bit|of|acting|like|kind|sort|real|little|big|typical|another|nothing\s+but)\s+)*"
)
_SECRET = (
    r"(?:password|passcode|pass\s+code|pin(?:\s+(?:code|number))?|cvv|cvc|cvv2|security\s+code|"
    r"card\s+security\s+code|one[- ]time\s+(?:pass)?code|otp|2fa\s+code|verification\s+code|"
    r"login\s+code|sign[- ]in\s+code|authenticat(?:ion|or)\s+code|backup\s+codes?|"
    r"recovery\s+(?:code|phrase)|seed\s+phrase|social\s+security\s+number|ssn|"
    r"(?:full|long|whole|complete)\s+card\s+number|security\s+(?:question|answer)s?|"
    r"mother'?s\s+maiden\s+name|online\s+banking\s+(?:password|details|login))"
)
# Asking the customer to hand it to us: "send us", "DM me", "we'll need", "reply with" (then
# "your", "the" or "that" secret), or "share" / "provide" / "post" (then "your" secret).
_ASK_US = (
    r"(?:(?:send|give|tell|dm|pm|message|email|e-mail|text|show|read\s+out)\s+(?:us|me)|"
    r"share\s+with\s+(?:us|me)|provide\s+(?:us|me)(?:\s+with)?|(?:reply|respond)\s+with|"
    r"(?:we|i)(?:'ll|\s+will|\s+would|'d)?\s+(?:need|require)|let\s+(?:us|me)\s+(?:know|have))"
)
_ASK = r"(?:" + _ASK_US + r"|share|provide|post)"
_ASK_FILLER = (
    r"(?:(?:over|via|in|by|here|a|dm|direct\s+message|privately|please|also|just|quickly|now)"
    r"\s+)*"
)
# "your password reset link", "your PIN settings": about the secret, not the secret itself.
_NOT_ABOUT_IT = (
    r"\b(?!\s*(?:reset|link|recovery|manager|requirements|page|settings|help|hint|change|"
    r"strength|rules|policy|expired|expiry|prompt|screen|field))"
)

RULES: tuple[Rule, ...] = (
    Rule(
        "threat",
        re.compile(r"\b" + _WE + r"\b[^.!?\n]{0,40}?\b" + _HARM + r"\b", _I),
        "a threat against the customer",
        inner_negation=True,
    ),
    Rule(
        "threat",
        re.compile(
            r"\byou(?:'ll|\s+will)\s+(?:regret|be\s+sorry|pay\s+for|hear\s+from\s+our)\b"
            r"|\bwatch\s+your\s+back\b|\bwe\s+know\s+where\s+you\s+live\b"
            r"|\b(?:last|final)\s+warning\b|\byou(?:'ve|\s+have)\s+been\s+warned\b"
            r"|\bthere\s+will\s+be\s+consequences\b|\bor\s+else\s*(?:[.!?]|$)",
            _I,
        ),
        "a threat against the customer",
        negatable=False,
    ),
    Rule(
        "insult",
        re.compile(
            r"\b(?:you(?:'re|\s+are|\s+were|\s+sound|\s+seem|\s+look|\s+act(?:ing)?)|u\s+r|"
            r"ur)\s+" + _FILLER + r"(?:" + INSULT_ADJECTIVES + r"|" + INSULT_NOUNS + r")\b"
            r"|\b(?:you|such\s+an?|what\s+an?)\s+" + _FILLER + INSULT_NOUNS + r"\b",
            _I,
        ),
        "an insult aimed at the customer",
    ),
    Rule(
        "insult",
        re.compile(
            # At the start of a sentence: "the error should go away" and "we'll deal with it
            # today" are help, "Go away." and "Deal with it." are not.
            r"(?:^|[.!?,;:]\s*|@\w+\s+|\b(?:just|now|so|please|and|honestly|frankly)\s+)"
            r"(?:go\s+away|get\s+lost|grow\s+up|get\s+a\s+life|piss\s+off|buzz\s+off|"
            r"bugger\s+off|go\s+cry|deal\s+with\s+it\s*(?:[.!?]|$)|"
            r"(?:nobody|no\s+one|who)\s+cares\b(?!\s+(?:more|as\s+much|so\s+much|for\b)))",
            _I,
        ),
        "brushing the customer off",
        negatable=False,
    ),
    Rule(
        "blame",
        re.compile(
            r"\b(?:it'?s|it\s+is|it\s+was|that'?s|that\s+is|that\s+was|this\s+is|this\s+was)\s+"
            r"(?:(?:all|entirely|completely|totally|clearly|obviously|really|simply|just)\s+)*"
            r"(?:your|ur)\s+(?:own\s+)?(?:fault|problem|mistake|doing|own\s+fault)\b"
            r"|\b(?:your|ur)\s+(?:own\s+)?(?:fault|incompetence|ignorance|stupidity|"
            r"carelessness|negligence|laziness|screw[- ]?up|cock[- ]?up)\b"
            r"|\byou(?:'re|\s+are)\s+(?:(?:the\s+one|solely|entirely|fully|totally)\s+)*"
            r"(?:to\s+blame|responsible\s+for\s+(?:this|that|the\s+(?:problem|issue|mess)))\b",
            _I,
        ),
        "blaming the customer",
    ),
    Rule(
        "blame",
        re.compile(
            r"\bthe\s+(?:real\s+|only\s+|main\s+|actual\s+)?(?:problem|issue|fault|mistake|"
            r"trouble|culprit)\s+(?:here\s+)?(?:is|was|lies|lay)\s+(?:\w+ly\s+)*"
            r"(?:with\s+|on\s+)?(?:you(?=\s*(?:[.,!?;:)]|$|and\b|not\b|yourself\b))|yourself|yours)",
            _I,
        ),
        "blaming the customer",
    ),
    Rule(
        "blame",
        re.compile(
            r"\byou\s+(?:clearly|obviously|evidently|plainly)\s+(?:don'?t|didn'?t|do\s+not|"
            r"did\s+not|can'?t|cannot|couldn'?t|failed|have\s+no|haven'?t|never|aren'?t|"
            r"weren'?t)\b"
            # "You should have read/checked ..." reproaches; "you should have received" does not.
            r"|\byou\s+(?:should(?:'ve|\s+have)|shouldn'?t\s+have|could(?:'ve|\s+have))\s+"
            r"(?:(?:just|simply|really|actually|first|already)\s+)?(?:read|known|checked|"
            r"followed|listened|looked|thought|noticed|reali[sz]ed|asked|contacted|called|"
            r"backed\s+up|saved|kept|waited|reported|told|paid\s+attention|been\s+more|"
            r"made\s+sure|double-checked|bothered|tried\s+harder|known\s+better|avoided)\b"
            r"|\bif\s+you\s+(?:had|'d)\s+(?:only\s+|just\s+|actually\s+|bothered\s+to\s+)*"
            r"(?:read|checked|followed|listened|paid\s+attention|bothered|looked)\b"
            r"|\byou\s+(?:didn'?t|did\s+not|never|failed\s+to|don'?t|do\s+not)\s+"
            r"(?:even\s+)?(?:bother(?:ed)?\s+to\s+)?(?:read|listen|pay\s+attention|"
            r"follow\s+(?:the|our)\s+instructions|understand\s+(?:anything|basic|how))\b",
            _I,
        ),
        "blaming the customer",
        conditional=True,
    ),
    Rule(
        "credentials",
        re.compile(
            r"\b" + _ASK_US + r"\s+" + _ASK_FILLER + r"(?:your|ur|the|that|this)\s+"
            r"(?:[\w'-]+\s+){0,3}?"
            + _SECRET
            + _NOT_ABOUT_IT
            + r"|\b"
            + _ASK
            + r"\s+"
            + _ASK_FILLER
            + r"(?:your|ur)\s+(?:[\w'-]+\s+){0,3}?"
            + _SECRET
            + _NOT_ABOUT_IT
            + r"|\bwhat(?:'s|\s+is|\s+are|\s+was)\s+(?:your|ur)\s+(?:[\w'-]+\s+){0,3}?"
            + _SECRET
            + _NOT_ABOUT_IT,
            _I,
        ),
        "asking for a password or security code: a brand never needs them",
    ),
)

_REVIEW_CHANGE = re.compile(
    r"\b(?:delet(?:e|ed|ing)|remov(?:e|ed|ing)|take\s+(?:down|it\s+down|this\s+down)|taking\s+down|"
    r"edit(?:ed|ing)?|chang(?:e|ed|ing)|updat(?:e|ed|ing)|amend(?:ed|ing)?|revis(?:e|ed|ing)|"
    r"modify(?:ing)?|retract(?:ed|ing)?|withdraw(?:n|ing)?|pull(?:ed|ing)?\s+down|"
    r"rais(?:e|ed|ing)|bump(?:ed|ing)?(?:\s+up)?)\s+"
    r"(?:(?:this|that|the|your|ur|it|its|those|these|all|of|bad|negative|1-star|one-star|"
    r"low|poor|recent|google|yelp|trustpilot|tripadvisor|amazon|app\s+store|online)\s+)*"
    r"(?:reviews?|ratings?|stars?|post|posts|tweet|tweets|comments?|feedback)\b"
    r"(?!\s+(?:settings|privacy|visibility|options?|button|id|link|url|editor|type|date|time|"
    r"status|section|tab|page|box|filter))"
    r"|\b(?:leave|write|post|give|drop|add)\s+(?:us\s+)?(?:a\s+|an\s+)?"
    r"(?:5|five|4|four)[- ]?stars?\b"
    r"|\b(?:leave|write|post|give|drop|add)\s+(?:us\s+)?(?:a\s+|an\s+)?(?:positive|good|great|"
    r"glowing|nice|better|new|5[- ]star|five[- ]star)\s+(?:reviews?|ratings?|feedback)\b",
    _I,
)
_REVIEW_CHANGED = re.compile(
    r"\b(?:reviews?|ratings?|post|posts|tweet|tweets|comments?|feedback)\s+(?:is|are|was|were|"
    r"has\s+been|have\s+been|gets?|got|being)\s+(?:\w+\s+)?(?:removed|deleted|taken\s+down|"
    r"changed|updated|edited|amended|withdrawn|retracted|pulled)\b",
    _I,
)
_INCENTIVE = re.compile(
    r"(?:[$£€¥]\s?\d|\d\s?(?:%|(?:percent|usd|gbp|eur|dollars?|pounds?|euros?)\b))"
    r"|\b(?:vouchers?|coupons?|gift\s*cards?|gift\s+certificates?|refund(?:ed|s)?|discounts?|"
    r"credits?|compensation|compensate|rewards?|cash(?:back)?|points|bonus|freebies?|"
    r"complimentary|upgrade|on\s+the\s+house|on\s+us|"
    r"(?<!feel\s)(?<!toll-)(?<!toll\s)free\b(?!\s+(?:to|of|from)\b))",
    _I,
)


def hostile_findings(text: str) -> Iterator[tuple[str, int, int, str]]:
    """(rule, start, end, message) for each hostile passage of an English draft."""
    for rule in RULES:
        for m in rule.pattern.finditer(text):
            if rule.negatable and _negated(text, m.start()):
                continue
            if rule.conditional and _CONDITION.search(text[max(0, m.start() - 12) : m.start()]):
                continue
            if rule.inner_negation and _INNER_NEGATION.search(m.group()):
                continue
            yield rule.name, m.start(), m.end(), rule.message
    yield from _review_incentives(text)


# A post, tweet or comment is often deleted for privacy ("delete the tweet with your email"):
# for those, the incentive must be tied to it in the same sentence ("once you delete the post,
# a voucher is yours"). A review, rating or stars with an incentive anywhere in the message is
# enough.
_ABOUT_REVIEWS = re.compile(r"\b(?:reviews?|ratings?|stars?|feedback)\b", _I)
_TIED = re.compile(
    r"\b(?:if|once|when|as\s+soon\s+as|after|in\s+exchange|in\s+return|provided|so\s+long\s+as|"
    r"on\s+condition|just|then|and\s+(?:we'll|we\s+will|you'll|you\s+will|get|receive|enjoy))\b",
    _I,
)
_SENTENCE_END = re.compile(r"[.!?]+(?:\s+|$)|\n")


def _sentence(text: str, start: int, end: int) -> str:
    """The sentence holding text[start:end]."""
    begin = 0
    for m in _SENTENCE_END.finditer(text, 0, start):
        begin = m.end()
    after = _SENTENCE_END.search(text, end)
    return text[begin : after.start() if after else len(text)]


def _review_incentives(text: str) -> Iterator[tuple[str, int, int, str]]:
    asks = [
        m
        for pattern in (_REVIEW_CHANGE, _REVIEW_CHANGED)
        for m in pattern.finditer(text)
        if not _negated(text, m.start())
    ]
    for ask in asks:
        if _ABOUT_REVIEWS.search(ask.group()):
            incentive = _INCENTIVE.search(text)
        else:
            sentence = _sentence(text, ask.start(), ask.end())
            incentive = _INCENTIVE.search(sentence) if _TIED.search(sentence) else None
        if incentive is None:
            continue
        yield (
            "review_incentive",
            ask.start(),
            ask.end(),
            f"an incentive ({incentive.group().strip()}) in the same message as a request to "
            "change, remove or write a review: review platforms and consumer law forbid buying "
            "reviews; make it right first, then ask about the review separately, with nothing "
            "attached",
        )


Finder = Callable[[str], Iterator[tuple[str, int, int, str]]]

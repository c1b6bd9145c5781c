"""The reputation layer: what VADER's lexicon misses in complaints about a brand.

VADER scores words; customers complain in facts ("I waited two hours and no one called me back"
is -0.30 to VADER, "Moldy apartments" 0.0). Each rule below is a phrase pattern with a valence on
the lexicon's own −4…+4 word scale; a match is added to VADER's word valences before the compound
is normalised, so the layer and VADER share one scale and a strongly positive text can still
outweigh one weak rule. docs/sentiment.md lists the rules for users.

All patterns are compiled once into a single alternation with one named group per rule, so the
layer costs one regex scan per text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

SERVICE_FAILURE = "service failure"
LEGAL_SAFETY = "legal or safety"
COMPLAINT_QUESTION = "complaint question"
SARCASM = "sarcasm"

_NUM = (
    r"(?:\d+(?:\.\d+)?|an?|one|two|three|four|five|six|seven|eight|nine|ten|twelve|twenty|"
    r"thirty|forty|forty[- ]five|fifty|several|multiple|many|a few|a couple(?: of)?)"
)
_LONG = r"(?:hours?|hrs?|days?|weeks?|months?)"
_ANY_SPAN = r"(?:hours?|hrs?|minutes?|mins?|days?|weeks?|months?)"
_MY = r"(?:my|our|the|a|any)"
_GOODS = (
    r"(?:order|package|parcel|delivery|item|shipment|food|meal|luggage|bags?|suitcase|refund|"
    r"replacement|money|tickets?|furniture|sofa|couch|card|phone|laptop|device)"
)


@dataclass(frozen=True)
class Rule:
    name: str  # stable id, e.g. "wait_time"
    category: str  # one of the four categories above, shown in reasons
    valence: float  # added per match, on VADER's word scale
    pattern: str  # a regex without capturing groups
    # A match right after one of these words is a denial ("never waited 3 hours"), not a fact.
    negatable: bool = False


RULES: tuple[Rule, ...] = (
    # --- service failures ---------------------------------------------------------------
    Rule(
        "wait_time",
        SERVICE_FAILURE,
        -2.0,
        rf"\b(?:waited|waiting|wait(?:ed)? time (?:of|was)|(?:been |was |were |kept |left )?on "
        rf"hold|sat (?:there|here|in \w+)|stuck (?:in|on|at) \w+)\s+(?:for\s+)?(?:over\s+|more "
        rf"than\s+|almost\s+|nearly\s+|about\s+|like\s+|an?\s+extra\s+)?{_NUM}\s*\+?\s*"
        rf"{_ANY_SPAN}\b|\b{_NUM}[ -]{_LONG}?[ -]?(?:hours?|hrs?|days?|weeks?)[ -](?:wait|delay|"
        rf"queue|line|hold)\b|\b{_NUM} {_LONG} (?:later|and (?:still|counting|no|nothing))\b",
        negatable=True,
    ),
    Rule(
        "no_response",
        SERVICE_FAILURE,
        -2.0,
        r"\b(?:no ?one|nobody|no one has|never(?: once)?)\s+(?:ever\s+|even\s+|has\s+|have\s+)?"
        r"(?:called|calls|call|emailed|e-mailed|wrote|responded|responds|respond|replied|replies|"
        r"reply|answered|answers|answer|answering|returned|returns|showed up|shows up|show up|"
        r"contacted|follows? up|followed up|got back|gets back|get back|picks? up|picked up)\b"
        r"|\b(?:no|zero|still no|without (?:a|any)|never got (?:a|any)|never received (?:a|any))"
        r" (?:response|reply|answer|callback|call back|call|update|word|follow[- ]?up|email)s?\b"
        r"|\b(?:haven't|hasn't|have not|has not|didn't|did not|never|not) (?:heard|gotten|"
        r"received|got) (?:anything |a thing |a word )?(?:back|a (?:reply|response|call|"
        r"callback))\b|\bghost(?:ed|ing)\b|\bleft (?:me )?on read\b|\bignor(?:ed|ing) (?:me|my|"
        r"us|our)\b|\b(?:hung|hangs|hang) up on (?:me|us)\b|\btransferred (?:\w+ ){0,2}(?:times|"
        r"again)\b|\brun[- ]?around\b",
    ),
    Rule(
        "still_not",
        SERVICE_FAILURE,
        -1.5,
        r"\bstill (?:no(?: \w+)?\b|nothing|haven't|hasn't|have not|has not|hasnt|havent|"
        r"waiting|broken|missing|down\b|charging me|no sign|not (?:here|arrived|delivered|"
        r"fixed|working|refunded|resolved|received|back|shipped|answered|sorted|done|paid|credited|"
        r"replaced))",
    ),
    Rule(
        "refund_trouble",
        SERVICE_FAILURE,
        -2.0,
        rf"\b(?:no|never got {_MY}|never received {_MY}|waiting (?:on|for) {_MY}|where(?:'s| is)"
        rf" my|refused (?:me )?{_MY}|refuse to (?:give|issue) (?:me )?{_MY}|denied (?:me )?{_MY}|"
        rf"won't (?:give|issue) (?:me )?{_MY}|no sign of {_MY}) refund\b|\brefunds? (?:was |were"
        rf" |has been )?(?:denied|refused|rejected)\b|\b{_GOODS} (?:never|still hasn't|hasn't|has"
        rf" not|did not|didn't|never) (?:arrived|arrive|came|come|shown up|show up|been "
        rf"delivered|delivered|turned up)\b|\bnever (?:got|received) (?:my|our) {_GOODS}\b",
    ),
    Rule(
        "lost_or_damaged",
        SERVICE_FAILURE,
        -2.0,
        r"\b(?:lost|damaged|broke|misplaced|destroyed|smashed) (?:my|our) (?:luggage|bags?|"
        r"suitcase|package|parcel|order|car|stroller|wheelchair|phone|data|files|photos)\b"
        r"|\b(?:arrived|came|showed up|delivered) (?:broken|damaged|cold|smashed|crushed|open|"
        r"wrong|leaking|stale|melted|rotten|expired|missing)\b|\bwrong (?:order|item|size|colou?r"
        r"|package|address|meal)\b|\bmissing (?:items?|parts?|pieces?)\b",
    ),
    Rule(
        "cancelled_delayed",
        SERVICE_FAILURE,
        -2.0,
        r"\b(?:cancell?ed|cancell?ing) (?:my|our) (?:flight|order|booking|reservation|"
        r"appointment|trip|ticket|room|surgery|delivery)\b|\b(?:flight|train|order|delivery|"
        r"package|bus|shipment) (?:was |got |is |has been |have been |were )?(?:cancell?ed|"
        r"delayed|lost|overbooked|late again)\b|\bmissed (?:my|our) (?:connection|connecting "
        rf"flight|flight|appointment|train)\b|\b{_NUM} {_LONG} (?:late|delay(?:ed)?)\b",
    ),
    Rule(
        "billing",
        SERVICE_FAILURE,
        -2.0,
        r"\b(?:charged|billed) (?:me |us )?(?:twice|double|two times|three times|again after|"
        r"for something|without)\b|\bdouble[- ]charged\b|\bover[- ]?charged\b|\bhidden fees?\b|"
        r"\b(?:unauthori[sz]ed|fraudulent|surprise) charges?\b",
    ),
    Rule(
        "broken_product",
        SERVICE_FAILURE,
        -1.5,
        r"\b(?:stopped|stops|quit) working\b|\b(?:doesn't|does not|didn't|did not|won't|will not|"
        r"wont|doesnt|still doesn't|never) (?:work|turn on|charge|start|load|connect|open|boot|"
        r"sync)\b|\bkeeps? (?:crashing|freezing|breaking|disconnecting|dropping|logging me out|"
        r"failing|getting worse)\b|\b(?:broke|broken|fell apart|cracked|died) (?:after|within|in)"
        r" (?:\d+|a|one|two|three|less than a) (?:days?|weeks?|months?|uses?|washe?s?)\b|\b(?:app|"
        r"site|website|server|service|wifi|wi-fi|internet|system|checkout|login|portal|network)"
        r" (?:is |has been |was |keeps? |went )?(?:down|crashing|not working|unusable|out again)"
        r"\b|\bcan't (?:log ?in|sign ?in|check ?out|get through|reach anyone|get a hold)\b",
    ),
    Rule(
        "churn",
        SERVICE_FAILURE,
        -2.0,
        r"\bnever (?:again|coming back|going back|ordering again|flying (?:with )?\w+ again|buying"
        r" (?:from )?\w+ again|booking (?:with )?\w+ again)\b|\b(?:cancell?(?:ing|ed)|closing|"
        r"closed) my (?:account|subscription|membership|contract)\b|\bswitching to\b|\btaking my "
        r"(?:business|money) elsewhere\b|\blost a (?:loyal )?customer\b|\bwaste of (?:time|money)"
        r"\b|\brip[- ]?off\b|\bripped (?:me|us) off\b|\bfalse advertising\b|\b(?:customer "
        r"service|support) (?:is|was) (?:non[- ]?existent|a joke|useless)\b|\bdo better\b",
    ),
    # --- legal and safety ----------------------------------------------------------------
    Rule(
        "legal",
        LEGAL_SAFETY,
        -2.5,
        r"\b(?:sue|sued|sues|suing|lawsuits?|class[- ]action|lawyers?|attorneys?|legal action|"
        r"small claims|take (?:you|them|this) to court|subpoena\w*|scam(?:med|mers?|ming|s)?|"
        r"fraud(?:ulent)?|counterfeit|bait[- ]and[- ]switch|stole|stealing|theft|"
        r"report(?:ing|ed)? (?:you|them|this|it) to|bbb|better business bureau|consumer "
        r"protection|chargeback|dispute (?:the|this|a) charge|attorney general|ftc|osha|"
        r"discriminat\w+|harass(?:ed|ing|ment)|assault(?:ed)?|racist|sexist|data breach|"
        r"leaked my|hacked)\b",
    ),
    Rule(
        "safety",
        LEGAL_SAFETY,
        -2.5,
        r"\b(?:mou?ld|mou?ldy|mildew|black mou?ld|bed ?bugs?|cockroach(?:es)?|roach(?:es)?|"
        r"rats|mice|rodents?|maggots?|food poisoning|salmonella|e\.? ?coli|listeria|norovirus|"
        r"(?:got|get|gets|made (?:me|us|my \w+)) (?:so |really )?sick|threw up|vomit(?:ing|ed)?|"
        r"allergic reaction|anaphyla\w+|(?:ended up|landed|rushed) (?:me )?(?:in|to) (?:the )?"
        r"(?:hospital|er|emergency room|a&e)|injur(?:ed|y|ies)|burn(?:ed|t) (?:me|my|us)|caught "
        r"fire|exploded|explosion|carbon monoxide|gas leak|electrocut\w+|unsafe|health (?:code|"
        r"department|inspector|violation)s?|(?:product |safety )recall|(?:was|were|being|been) "
        r"recalled|hair in my|glass in my|raw (?:chicken|meat|inside)|undercooked|expired "
        r"(?:food|milk|meat|product))\b",
    ),
    # --- questions that are complaints ------------------------------------------------------
    Rule(
        "complaint_question",
        COMPLAINT_QUESTION,
        -1.5,
        r"\bwhy (?:is|are|does|do|did|has|have|was|were|can't|cannot|won't|isn't|aren't|doesn't|"
        r"don't|didn't|hasn't|haven't|is it|would|does it|should) (?:\w+ ){0,6}?(?:still|again|"
        r"always|never|nobody|no one|not|so (?:hard|difficult|slow|long)|such|even|impossible)\b"
        r"|\bhow (?:hard|difficult) (?:is|can) it\b|\bhow many (?:more )?(?:times|hours|days|weeks"
        r"|calls|emails|months) (?:do|does|have|must|will|should|am|is it|did)\b|\bhow (?:much )?"
        r"longer\b|\bhow long (?:do|must|am|should|will|are) (?:i|we) (?:have to |need to |"
        r"supposed to |going to )?(?:wait|keep waiting|be on hold|be ignored)\b|\b(?:is|does|"
        r"will) (?:anyone|anybody|someone|somebody) (?:even |actually |ever )?(?:there|working|"
        r"reading|listening|answering|monitoring|awake|alive|care|going to (?:answer|help|"
        r"respond|reply|call))\b|\bwhere(?:'s| is| are) (?:my|our) (?:order|refund|package|"
        r"parcel|money|luggage|bags?|food|delivery|replacement|callback|response)\b|\bwhat(?:'s| "
        r"is) taking so long\b|\bwhat happened to (?:my|our|your customer service|the quality|"
        r"customer service)\b|\bwhen (?:will|am|do|can) (?:i|we) (?:ever|finally|actually) "
        r"(?:get|see|receive|hear)\b|\bwhen (?:will|do|can) (?:i|we) (?:get|see|receive) (?:my|"
        r"our) (?:refund|money)\b|\b(?:can|could|will) (?:someone|anyone|somebody|you) (?:please"
        r" |pls |plz )?(?:just |actually |finally |ever )?(?:answer|respond|reply|call (?:me |us "
        r")?back|get back to (?:me|us)|explain why|fix this)\b|\bis this (?:a joke|how you treat|"
        r"acceptable|normal|seriously)\b|\bare you (?:kidding|serious|joking)\b|\bwhat is wrong "
        r"with (?:you|your|this)\b|\b(?:anyone|anybody) else (?:having|getting|seeing|"
        r"experiencing|had|notice|noticed|unable|stuck|can't|not able|been)\b",
    ),
    # --- sarcasm that needs no context --------------------------------------------------------
    Rule(
        "sarcasm",
        SARCASM,
        -2.0,
        r"\bthanks? (?:a lot |so much )?for nothing\b|\byeah,? right\b|\bsaid no ?one ever\b|"
        r"(?:^|\s)/s\b|\boh (?:joy|great|wonderful|perfect|fantastic)\b|\bjust (?:great|"
        r"perfect|wonderful|brilliant)\b|\bwhat a joke\b|\b(?:10|ten)/10 would not\b|\b(?:wow|"
        r"great|awesome|fantastic|perfect|lovely|brilliant|amazing),? (?:just |now |so )?another"
        r"\b|\bgreat job,? (?:guys|team|\w+)?,? ?(?:really|not)\b|\bslow clap\b|\bclassic \w+\b",
    ),
)

NEGATORS = re.compile(r"(?:\b(?:never|not|no|didn't|don't|barely|hardly)|n't)\s+(?:\w+\s+)?$")

_COMBINED = re.compile(
    "|".join(f"(?P<{rule.name}>{rule.pattern})" for rule in RULES), re.IGNORECASE
)
_BY_NAME = {rule.name: rule for rule in RULES}
# A complaint question is a complaint, so it also makes nearby praise read as sarcasm.
COMPLAINT_CATEGORIES = frozenset({SERVICE_FAILURE, LEGAL_SAFETY, COMPLAINT_QUESTION, SARCASM})
MAX_HITS = 6  # more matches add nothing a reader needs; VADER's normalisation saturates anyway


@dataclass(frozen=True)
class RuleHit:
    rule: Rule
    phrase: str  # the matched text, as written


def find_hits(text: str) -> list[RuleHit]:
    hits: list[RuleHit] = []
    for match in _COMBINED.finditer(text):
        name = match.lastgroup
        if name is None:  # pragma: no cover - every alternative is a named group
            continue
        rule = _BY_NAME[name]
        if rule.negatable and NEGATORS.search(text, max(0, match.start() - 24), match.start()):
            continue
        hits.append(RuleHit(rule, match.group()))
        if len(hits) >= MAX_HITS:
            break
    return hits

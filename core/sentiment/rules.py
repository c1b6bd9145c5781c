"""The reputation layer: what VADER's lexicon misses in complaints about a brand.

VADER scores words; customers complain in facts ("I waited two hours and no one called me back"
is -0.30 to VADER, "Moldy apartments" 0.0). Each rule below is a phrase pattern with a valence on
the lexicon's own −4…+4 word scale; a match is added to VADER's word valences before the compound
is normalised, so the layer and VADER share one scale and a strongly positive text can still
outweigh one weak rule. docs/sentiment.md lists the rules for users.

All patterns are matched as one alternation with one named group per rule would match them, in
one pass over the text's word starts (core/sentiment/dispatch.py makes that pass cheap).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from douse.core.sentiment.care_rules import CARE_RULES
from douse.core.sentiment.dispatch import FirstCharScanner
from douse.core.sentiment.rule import (
    ANY_SPAN,
    CIRCUMSTANCE,
    COMPLAINT_QUESTION,
    LEGAL_SAFETY,
    LONG,
    NUM,
    PRAISE,
    SARCASM,
    SERVICE_FAILURE,
    Rule,
    optional_apostrophes,
)

_NUM = NUM
_LONG = LONG
_ANY_SPAN = ANY_SPAN
_MY = r"(?:my|our|the|a|any)"
_GOODS = (
    r"(?:order|package|parcel|delivery|item|shipment|food|meal|luggage|bags?|suitcase|refund|"
    r"replacement|money|tickets?|furniture|sofa|couch|card|phone|laptop|device)"
)


_BASE_RULES: tuple[Rule, ...] = (
    # --- service failures ---------------------------------------------------------------
    Rule(
        "wait_time",
        SERVICE_FAILURE,
        -2.0,
        rf"\b(?:waited|waiting|wait(?:ed)? time (?:of|was)|(?:been |was |were |kept |left )?on "
        rf"hold|sat (?:there|here|in \w+)|stuck (?:in|on|at) \w+)\s+(?:for\s+)?(?:over\s+|more "
        rf"than\s+|almost\s+|nearly\s+|about\s+|like\s+|an?\s+extra\s+)?{_NUM}\s*\+?\s*"
        rf"{_ANY_SPAN}\b|\b{_NUM}[ -]{_LONG}?[ -]?(?:hours?|hrs?|days?|weeks?)[ -](?:wait|delay|"
        rf"queue|line|hold)\b|\b{_NUM} {_LONG} (?:later|and (?:still|counting|no|nothing)|without|"
        rf"with no)\b|\bon hold (?:\S+ ){{1,4}}?for (?:over |more than |almost |nearly )?{_NUM} "
        rf"{_ANY_SPAN}\b|\b(?:trying|waiting|chasing|calling|emailing) (?:\S+ ){{1,8}}?for (?:over "
        rf"|"
        rf"more than |almost |nearly )?{_NUM} {_LONG}\b|\btook (?:over |more than |almost |nearly )"
        rf"?"
        rf"(?:{_NUM} {_LONG}|[2-9]\d minutes|\d{{3,}} minutes)\b|\b(?:over|more than) (?:an?|{_NUM}"
        rf") "
        rf"(?:hours?|hrs?|days?|weeks?) (?:long|later|wait|on hold|in line|to)\b",
        negatable=True,
    ),
    Rule(
        "no_response",
        SERVICE_FAILURE,
        -2.0,
        r"\b(?:(?:no ?one|nobody)(?: (?:at|from|in|on)(?: \S+){1,3}?)?|never(?: once)?)\s+"
        r"(?:ever\s+|even\s+|has\s+|have\s+|will\s+|wants to\s+|bothered to\s+)?"
        r"(?:fixed|fix|fixes|came|come|helped|help|helps|cares|care|explains?|explained|told|tells|"
        r"knows|showed|called|calls|call|emailed|e-mailed|wrote|responded|responds|respond|replied|"
        r"replies|"
        r"reply|answered|answers|answer|answering|returned|returns|showed up|shows up|show up|"
        r"contacted|follows? up|followed up|got back|gets back|get back|picks? up|picked up)\b"
        r"|\b(?:no|zero|still no|not (?:one|a single)|without (?:a|any)|never got (?:a|any)|"
        r"never received (?:a|any))"
        r" (?:response|reply|answer|callback|call back|call|update|word|follow[- ]?up|email|info|"
        r"information|communication|explanation)s?\b"
        r"|\b(?:haven't|hasn't|have not|has not|didn't|did not|never|not) (?:heard|gotten|"
        r"received|got|had) (?:anything |a thing |a word )?(?:back|a (?:reply|response|call|"
        r"callback))\b|\bghost(?:ed|ing)\b|\bleft (?:me )?on read\b|\bignor(?:ed|ing) (?:me|my|"
        r"us|our)\b|\b(?:hung|hangs|hang) up on (?:me|us)\b|\btransferred (?:\w+ ){0,2}(?:times|"
        r"again)\b|\brun[- ]?around\b|\b(?:didn't|did not|never|failed to|doesn't|does not|won't)"
        r" (?:show|turn) up\b|\bno[- ]shows?\b",
    ),
    Rule(
        "still_not",
        SERVICE_FAILURE,
        -1.5,
        r"\bstill (?:no(?: \w+)?\b|nothing|haven't|hasn't|have not|has not|hasnt|havent|"
        r"waiting|broken|missing|down\b|charging me|(?:got |get |getting |being |been )?(?:charged|"
        r"billed)\b|no sign|not (?:here|arrived|delivered|"
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
        r"|package|address|meal)\b|\bmissing (?:items?|parts?|pieces?)\b|\bgave (?:away )?(?:our|my"
        r") (?:room|table|"
        r"seat|spot|booking)\b|\b(?:smelled|smells|smelt|tasted|tastes|went) (?:off|funny|weird|"
        r"bad|rotten|sour)\b|\b(?:food|coffee|showers?|water|room|meal|pizza|fries|burger|drink|"
        r"tea|soup)s? (?:was|were|is|are|have been|has been|arrived|came) (?:\S+ )?(?:cold|warm|"
        r"lukewarm|stale|soggy|dirty|filthy|freezing|burnt)\b|\b(?:cold|lukewarm|stale|soggy|"
        r"wilted|rotten|burnt) (?:coffee|food|fries|pizza|meals?|showers?|water|lettuce|salad|"
        r"bread|tea)\b",
    ),
    Rule(
        "cancelled_delayed",
        SERVICE_FAILURE,
        -2.0,
        r"\b(?:cancell?ed|cancell?ing) (?:my|our) (?:flight|order|booking|reservation|"
        r"appointment|trip|ticket|room|surgery|delivery)\b|\b(?:flight|train|order|delivery|"
        r"package|bus|shipment) (?:was |got |is |has been |have been |were )?(?:cancell?ed|"
        r"delayed|lost|late again)\b|\bcancell?ed (?:flights?|orders?|bookings?|trains?|"
        r"appointments?|classes|deliver(?:y|ies))\b|\b(?:was|were|got|get|gets|been|keeps? getting)"
        r" (?:cancell?ed|delayed|bumped(?! up))\b|\boverbooked\b|\bbumped (?:me|us|my|our)\b"
        r"(?! up)|\b(?:was|were) supposed to\b|\bnever went through\b|\bmissed (?:my|our) "
        rf"(?:connection|connecting flight|flight|appointment|train)\b|\b{_NUM} {_LONG} "
        r"(?:late|delay(?:ed)?)\b",
    ),
    Rule(
        "billing",
        SERVICE_FAILURE,
        -2.0,
        r"\b(?:charged|billed) (?:me |us )?(?:twice|double|two times|three times|again after|"
        r"for something|without)\b|\bdouble[- ]charged\b|\bover[- ]?charged\b|\bhidden fees?\b|"
        r"\b(?:unauthori[sz]ed|fraudulent|surprise) charges?\b|\b(?:doubled|tripled|raised|hiked|"
        r"increased) (?:my |our |the |their )?(?:bill|prices?|rent|fees?|rates?)\b|\b(?:bill|rent|"
        r"prices?|fees?)s? (?:went up|doubled|tripled|increased)\b|\b(?:billed|charged) (?:me|us) "
        r"for (?:\S+ ){0,4}?(?:we|i) (?:never|didn't|did not)\b|\b(?:froze|frozen|blocked|locked|"
        r"suspended|declined) (?:my|our) (?:account|card|payment|claim)\b|\btook my money\b",
        negatable=True,
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
        r"\b|\bcrash(?:es|ed|ing)\b|\b(?:is|are|went|been) down(?: again| all| for| since|\W*$)|"
        r"\b(?:has not|hasn't|have not|haven't|hasnt|havent) (?:worked|been working|been fixed|"
        r"been repaired)\b|\b(?:fell|falling|came) (?:off|apart)\b|\bcan't (?:log ?in|sign ?in|chec"
        r"k ?out|get through|reach anyone|get a hold)\b",
    ),
    Rule(
        "churn",
        SERVICE_FAILURE,
        -2.0,
        r"\bnever (?:again|coming back|going back|ordering again|flying (?:with )?\w+ again|buying"
        r" (?:from )?\w+ again|booking (?:with )?\w+ again)\b"
        r"|\b(?:never|won't|wont|will not|not)\s+"
        r"(?:ever\s+)?(?:be\s+)?(?:choose\s+to\s+)?(?:fly|flying|use|using|buy|buying|order|ordering|"
        r"book|booking|shop|shopping|stay|staying|recommend|recommending|choose|choosing)(?:\s+\S+)"
        r"{0,3}?\s+(?:ever\s+)?again\b|\b(?:cancell?(?:ing|ed)|closing|"
        r"closed) my (?:account|subscription|membership|contract)\b|\bswitching to\b|\btaking my "
        r"(?:business|money) elsewhere\b|\blast time (?:i|we)(?:'ll| will)? (?:ever )?(?:fly|use|"
        r"order|buy|shop|book|stay|eat|travel|deal) (?:with|from|at|on|your|you|this|them|u)\b|"
        r"\bnever (?:fly|use|shop|order|book|stay) (?:with |at |from |on )?(?:this|your|you|them|"
        r"u)\b|\b(?:choos(?:e|ing)|find(?:ing)?|go(?:ing)? with|"
        r"tr(?:y|ying)|book(?:ing)? with|fly(?:ing)? with|switch(?:ing)? to|time to find)\s+"
        r"(?:another|a different|a new|other)\s+(?:airline|carrier|bank|provider|company|store|"
        r"shop|supplier|network|brand|hotel|insurer|operator)s?\b|\blost a (?:loyal )?(?:customer|"
        r"passenger|client|member|subscriber|fan)\b|\bwaste of (?:time|money)\b|\brip[- ]?off\b|"
        r"\bno\s+longer\s+(?:be\s+)?(?:fly|flying|use|using|shop|shopping|buy|buying|order|ordering|"
        r"bank|banking|book|booking|recommend|recommending|choose|choosing)\b|\blong\s+time\s+before\s+"
        r"(?:i|we)\s+(?:\S+\s+)?(?:fly|use|recommend|order|book|shop|buy|choose|trust)\b|"
        r"\b(?:would|[a-z]+['’]d)\s+(?:much\s+)?rather\s+(?:just\s+)?(?:fly|use|go(?:\s+with)?|switch"
        r"\s+to|book(?:\s+with)?|shop(?:\s+(?:at|with))?|order(?:\s+from)?|bank(?:\s+with)?|stay(?:\s+"
        r"(?:at|with))?)\s+(?:\S+\s+)?(?:another|a different|any other|(?:some|any)(?:one|body) "
        r"else|elsewhere)\b|"
        r"\bripped (?:\w+ ){0,2}off\b|\bfalse advertising\b|\b(?:customer service|support) "
        r"(?:is|was) (?:non[- ]?existent|useless)\b|\bdo better\b|\b(?:is|are|was) (?:a |an "
        r"absolute |a complete |a total |such a )?joke\b",
    ),
    Rule(
        "complaint_words",
        SERVICE_FAILURE,
        -2.0,
        # Words VADER's lexicon lacks that customers use for a bad product or service.
        r"\b(?:nightmare|garbage|trash|junk|bricked|leaking|leaky|overpriced|unreachable|"
        r"unresponsive|downhill|(?:so|too|very|painfully|really|super|incredibly|ridiculously) "
        r"slow|stranded|canceled|oversold|inept|subpar|mediocre|absurd|shambles|shambolic|outages?|"
        r"glitch(?:es|y)?|buggy|laggy|unhelpful|unusable|misinformed|misinformation|mishandled|"
        r"mismanag\w+|unanswered|understaffed|short[- ]staffed|bs|blatant lie|cop[- ]?out|geez|"
        r"jeez|sigh|argh|ffs|screw(?:ed|s)? (?:you|u|them|this|up|over)|screwed|no thanks to|less "
        r"than (?:friendly|helpful|pleasant|professional|satisfactory|stellar|ideal|impressed|"
        r"happy|thrilled)|(?:ticks?|ticked|ticking)\s+(?:me|us)\s+off|how\s+dare\s+(?:you|u|they)|(?:i'll|i\s+will)\s+believe\s+it\s+when\s+i\s+see\s+it|never\s+fails?\s+to\s+"
        r"disappoint|the\s+last\s+thing\s+(?:i|we)\s+(?:need|needed|wanted)|(?:have|had|file|filing|"
        r"filed|make|making|made|lodge|lodged|submit|submitted|raise|raised)\s+(?:a\s+)?(?:(?!no\b|any\b)[a-z]+\s+)?"
        r"complaint)\b",
    ),
    # --- legal and safety ----------------------------------------------------------------
    Rule(
        "legal",
        LEGAL_SAFETY,
        -2.5,
        r"\b(?:sue|sued|sues|suing|lawsuits?|class[- ]action|lawyers?|attorneys?|legal action|"
        r"small claims|take (?:you|them|this) to court|subpoena\w*|scam(?:med|mers?|ming|s)?|"
        r"fraud(?:ulent)?(?! (?:team|department|protection|alerts?|prevention|detection))|counterfe"
        r"it|bait[- ]and[- ]switch|stole|stealing|theft|"
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
        r"recalled|recalled (?:the|my|our|their|its|all|\d+)|hair in my|glass in my|raw (?:chicken|"
        r"meat|inside)|undercooked|expired "
        r"(?:food|milk|meat|product))\b",
    ),
    # --- questions that are complaints ------------------------------------------------------
    Rule(
        "complaint_question",
        COMPLAINT_QUESTION,
        -1.5,
        r"\bwhy (?:can't|cannot|won't|isn't|aren't|doesn't|don't|didn't|hasn't|haven't|wasn't|"
        r"weren't)\b|\bwhy (?:is|are|does|do|did|has|have|was|were|is it|would|does it|should) "
        r"(?:\S+ ){0,6}?(?:still|again|always|never|nobody|no one|not|so (?:hard|difficult|slow|"
        r"long)|such|even|impossible|every|keep|without)\b"
        r"|\bhow (?:hard|difficult) (?:is|can) it\b|\bhow many (?:more )?(?:times|hours|days|weeks"
        r"|calls|emails|months) (?:do|does|have|must|will|should|am|is it|did)\b|\bhow (?:much )?"
        r"longer\b|\bhow long (?:do|must|am|should|will|are) (?:i|we) (?:have to |need to |"
        r"supposed to |going to )?(?:wait|keep waiting|be on hold|be ignored)\b|\b(?:is|does|"
        r"will) (?:anyone|anybody|someone|somebody)(?: (?:at|from|in) \S+)? (?:even |actually |"
        r"ever )?(?:there|working|"
        r"reading|listening|answering|monitoring|awake|alive|care|going to (?:answer|help|"
        r"respond|reply|call))\b|\bwhere(?:'s| is| are) (?:my|our) (?:order|refund|package|"
        r"parcel|money|luggage|bags?|food|delivery|replacement|callback|response)\b|\bwhat(?:'s| "
        r"is) taking so long\b|\bwhat happened to (?:my|our|(?:\S+ )?(?:customer service|the "
        r"quality|quality|service))\b|\bwhen (?:will|am|do|can) (?:i|we) (?:ever|finally|actually) "
        r"(?:get|see|receive|hear)\b|\bwhen (?:will|do|can) (?:i|we) (?:get|see|receive) (?:my|"
        r"our) (?:refund|money)\b|\b(?:can|could|will) (?:someone|anyone|somebody|you)(?: (?:at|"
        r"from|in) \S+)? (?:please"
        r" |pls |plz )?(?:just |actually |finally |ever )?(?:answer|respond|reply|call (?:me |us "
        r")?back|get back to (?:me|us)|explain why|fix this)\b|\bis this how (?:\S+ ){0,2}?(?:treat"
        r"s?|you treat)\b|\bis this (?:a joke|"
        r"acceptable|normal|seriously)\b|\bare you (?:kidding|serious|joking)\b|\bwhat is wrong "
        r"with (?:you|your|this)\b|\b(?:anyone|anybody) else (?:having|getting|seeing|"
        r"experiencing|had|notice|noticed|unable|stuck|can't|not|been)\b",
    ),
    # --- praise and fixes VADER cannot see ---------------------------------------------------
    # A review that says "five stars" or "refunded instantly" is a happy customer even when it
    # names the problem that was fixed ("refunded a missing item instantly").
    Rule(
        "praise",
        PRAISE,
        2.0,
        r"\b(?:five|5) stars?\b|\b5/5\b|\b10/10\b(?! would not)|\bhighly recommend\w*\b|"
        r"\bcan't (?:recommend|thank) (?:\S+ ){0,2}?enough\b|\bwould (?:definitely )?recommend\b",
    ),
    Rule(
        "fixed_fast",
        PRAISE,
        2.0,
        r"\b(?:refunded|replaced|fixed|sorted|resolved|credited|rebooked|redelivered)"
        r"(?: \S+){0,4}? (?:instantly|immediately|straight away|right away|quickly|promptly|"
        r"the same day|within (?:minutes|an hour|the hour|a day))\b",
    ),
    Rule(
        "caught_fraud",
        PRAISE,
        3.5,
        # Offsets the lexicon's "fraud"/"fraudulent"/"scam" (about -2.2) and then some: a bank
        # that caught a fraudulent payment has a grateful customer.
        r"\b(?:spotted|caught|stopped|blocked|flagged|detected|prevented|refunded|reversed)"
        r" (?:a |an |the |some |that |this )?(?:fraud(?:ulent)?|suspicious|scam)(?: (?:payments?|"
        r"transactions?|charges?|activity|attempts?|emails?|texts?|calls?|logins?))?\b",
        shields=True,
    ),
    Rule(
        "no_cost",
        PRAISE,
        1.2,
        # VADER scores "no" -1.2 wherever it stands; "at no extra cost" is not a complaint.
        r"\bno (?:extra |additional |hidden )?(?:cost|charge|fee)s?\b",
    ),
    Rule(
        "no_trouble",
        PRAISE,
        3.0,
        # ...and "no problems" costs -2.9 to VADER ("no" and "problems"): a satisfied customer.
        r"\bno (?:problems?|issues?|complaints?|worries|fuss|hassle)\b",
    ),
    # --- what is context, not a report -------------------------------------------------------
    Rule("circumstance", PRAISE, 0.0, CIRCUMSTANCE, shields=True),
    # --- sarcasm that needs no context --------------------------------------------------------
    Rule(
        "sarcasm",
        SARCASM,
        -2.0,
        r"\bthanks? (?:a lot |so much )?for nothing\b|\byeah,? right\b|\bsaid no ?one ever\b|"
        r"/(?<![^\s]/)s\b|\boh (?:joy|great|wonderful|perfect|fantastic)\b|\bjust (?:great|"
        r"perfect|wonderful|brilliant)\b|\bwhat a joke\b|\b(?:10|ten)/10 would not\b|\b(?:wow|"
        r"great|awesome|fantastic|perfect|lovely|brilliant|amazing),? (?:just |now |so )?another"
        r"\b|\bgreat job,? (?:guys|team|\w+)?,? ?(?:really|not)\b|\bslow clap\b",
    ),
)

# The customer-care rules come after the general ones: at one position the first rule wins.
RULES: tuple[Rule, ...] = (*_BASE_RULES, *CARE_RULES)

NEGATORS = re.compile(
    r"(?:\b(?:never|not|no|didn'?t|don'?t|barely|hardly|only|just|under|less than)|n't)\s+"
    r"(?:\w+\s+)?$"
)
_BUT = re.compile(r"\bbut\b")

# Matched against lower-cased text: re.IGNORECASE makes this many alternatives ~3x slower.
# Every rule starts at the start of a word (or at "/s"), so only those positions are tried, each
# with the alternatives that can start with its character (see dispatch.py).
RULE_STARTS = r"(?<!\w)(?=[\w/#])"
_SCANNER = FirstCharScanner(
    [(rule.name, optional_apostrophes(rule.pattern)) for rule in RULES], RULE_STARTS
)
_BY_NAME = {rule.name: rule for rule in RULES}
MAX_HITS = 6  # more matches add nothing a reader needs; VADER's normalisation saturates anyway


@dataclass(frozen=True)
class RuleHit:
    rule: Rule
    phrase: str  # the matched text, as written
    # VADER weighs what comes before "but" by 0.5 and after it by 1.5 ("lost my bag but
    # delivered it the same night, great service"); the layer follows the same rule.
    before_but: bool = False
    after_but: bool = False

    @property
    def valence(self) -> float:
        if self.before_but:
            return self.rule.valence * 0.5
        if self.after_but:
            return self.rule.valence * 1.5
        return self.rule.valence


def find_hits(
    text: str, *, quote_from: str | None = None, lowered: str | None = None
) -> list[RuleHit]:
    """Rule matches in `text`; phrases are quoted from `quote_from` (the same text before brand
    names were masked, of the same length) when given. `lowered`: `text.lower()`, when the
    caller has it already."""
    if lowered is None:
        lowered = text.lower()
    # A curly apostrophe ("can’t") is the same word; same length, so offsets still line up.
    if "’" in lowered:
        lowered = lowered.replace("’", "'")
    original = text if quote_from is None else quote_from
    # lower() can change the length of a few characters (e.g. "İ"); quote the original only
    # when offsets still line up.
    source = original if len(lowered) == len(original) else lowered
    but = _BUT.search(lowered)
    hits: list[RuleHit] = []
    shielded_until = -1
    for name, start, end in _SCANNER.finditer(lowered):
        rule = _BY_NAME[name]
        if start < shielded_until:
            continue
        if rule.shields:
            shielded_until = end
        if not rule.valence:
            continue  # context that only keeps other rules off its words; it says nothing itself
        if rule.negatable and NEGATORS.search(lowered, max(0, start - 24), start):
            continue
        hits.append(
            RuleHit(
                rule,
                source[start:end],
                before_but=but is not None and start < but.start(),
                after_but=but is not None and start > but.start(),
            )
        )
        if len(hits) >= MAX_HITS:
            break
    return hits

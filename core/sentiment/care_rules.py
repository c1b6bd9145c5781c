"""Rules for how customers write to a brand's care team: requests for help, questions about their
own booking or order, what they could not do, hold music and hang-ups, hashtags, sarcastic thanks.

Found by studying where VADER and the general rules went wrong on real complaints to brands
(docs/sentiment.md, "What counts as a complaint"); every rule speaks of customer care in general
(orders, bookings, accounts, refunds, calls), never of one brand or one trade.
"""

from __future__ import annotations

from douse.core.sentiment.rule import (
    ANY_SPAN,
    COMPLAINT_QUESTION,
    HASHTAG,
    NUM,
    PRAISE,
    REQUEST,
    SARCASM,
    SERVICE_FAILURE,
    Rule,
)

_A = "['’]?"  # "can't", "can’t" and "cant" are one word to a customer in a hurry
_CANT = (
    rf"(?:can{_A}t|cannot|couldn{_A}t|won{_A}t|wouldn{_A}t|didn{_A}t|don{_A}t|doesn{_A}t|"
    rf"unable to|not able to|no way to|impossible to|never able to)"
)
# Things a customer tries to do with a company and reports failing at.
_DO = (
    r"(?:get|reach|find|speak|talk|book|check|change|access|log|sign|use|load|see|make|connect|"
    r"call|hear|board|print|confirm|cancel|rebook|receive|pay|help|answer|respond|reply|let|give|"
    r"allow|accept|work|go through|get through|track|view|open|download|update|upgrade|order|"
    r"select|choose|redeem|transfer|withdraw|claim|file|submit|contact|locate|process|honou?r|"
    r"explain|tell|pull up|bring up|look up)"
)
_YOU = rf"(?:you|u|y{_A}all|you guys|ya|someone|somebody|anyone|anybody)"
_PLEASE = r"(?:please|pls|plz|plse|kindly)"
# What a customer asks a company to do about a problem ("can you check the weather" is not one).
_FIX = (
    r"(?:help|assist|fix|look into|check on|refund|rebook|reimburse|find|locate|track down|"
    r"resolve|sort|get me|get us|call me|call us|contact me|contact us|reach out|escalate|"
    r"compensate|do something|respond|reply|answer|get back to|explain why|make (?:this|it) right|"
    r"give (?:me|us) (?:a |my |our |the |some )?(?:solution|refund|answer|update|call|money back))"
)
# Asking for help to choose or buy is not a problem: "can someone help me pick a plan?"
_NOT_CHOOSING = (
    r"(?!\s+(?:me\s+|us\s+)?(?:to\s+)?(?:pick|choose|decide|select|find\s+(?:a|the\s+best|a\s+good)|"
    r"plan|understand|learn|buy|order|book\s+a|shop|compare)\b)"
)
_AUX = (
    rf"(?:is|are|was|were|do|does|did|has|have|had|would|should|can|could|will|must|"
    rf"won{_A}t|can{_A}t|cannot|couldn{_A}t|isn{_A}t|aren{_A}t|wasn{_A}t|weren{_A}t|don{_A}t|"
    rf"doesn{_A}t|didn{_A}t|haven{_A}t|hasn{_A}t|wouldn{_A}t|shouldn{_A}t)"
)
# Who a "why" question is about when it is about the customer's dealings with the company:
# "why is my refund...", "why did you...", not "why is the sky blue".
_SUBJECT = (
    rf"(?:my|our|i|we|you|your|u|ur|y{_A}all|they|their|there|nobody|no one|"
    rf"everyone|everybody|everything|all|these|those|people|customers|anyone|noone)"
)
# A wait worth complaining about: hours and days, or ten minutes and more ("on the line for 5
# minutes and they solved everything" is a good day).
_LONG_WAIT = r"(?:hours?|hrs?|days?|weeks?|months?)"
_MANY = (
    r"(?:[1-9]\d+|ten|twelve|fifteen|twenty|thirty|forty|forty[- ]five|fifty|sixty|ninety|"
    r"several|many)"
)
_WAITED = rf"(?:{NUM}\s*\+?\s*{_LONG_WAIT}|{_MANY}\s*\+?\s*(?:minutes?|mins?))"
_WAITING = (
    r"(?:on hold|on the phone|in line|in (?:a |the )?queue|of waiting|waiting|sitting|stuck|on "
    r"the tarmac|at the gate|of being|past (?:departure|the|our|my))"
)
# "a 45 min layover", "2 hrs early": a duration describing a thing is not time lost.
_NOT_A_THING = (
    r"(?![\s-]*(?:layover|flight|drive|ride|connection|trip|journey|session|class|window|slot|"
    r"appointment|stopover|commute|nap|walk|early|ahead|before|free|left|to go)\b)"
)
# Hashtags whose letters say the verdict; the short ones only as the whole tag.
_TAG_STEMS = (
    r"fail|suck|worst|neveragain|nothappy|notcool|notimpressed|notok|unhappy|disappoint|frustrat|"
    r"annoy|furious|ridiculous|unacceptable|shame|ripoff|boycott|stranded|nohelp|badservice|"
    r"poorservice|terribleservice|horribleservice|noservice|nocustomerservice|dobetter|"
    r"incompeten|useless|pathetic|neverflying|nevergoing|neverbuying|neverusing|neverordering|"
    r"wasteoftime|wastedtime|nothanks|nocommunication|lesscustomer|lostcustomer|ruined"
)
_TAG_WORDS = (
    r"smh|fml|wtf|ugh|sad|mad|angry|upset|rude|liars?|lies|lied|stuck|lost|delayed|delays?|late|"
    r"joke|typical|fail|epicfail|nothelpful|notgood|badcustomerservice"
)

CARE_RULES: tuple[Rule, ...] = (
    Rule(
        "request_help",
        REQUEST,
        -1.5,
        rf"\b{_PLEASE}\s+(?:\S+\s+){{0,2}}?(?:{_FIX}|call (?:me|us)|send (?:me|us)"
        rf" (?:a|my|our|the) (?:refund|voucher|compensation)|tell me why)\b"
        # "help me", but not "stayed to help me" (someone did) nor "help me choose a plan".
        rf"|(?<!to )\b(?:help|assist)\s+(?:me|us)\b{_NOT_CHOOSING}"
        rf"|\b(?:can|could|would|will|won{_A}t|can{_A}t)\s+{_YOU}\s+(?:{_PLEASE}\s+|just\s+|"
        rf"actually\s+|at least\s+)?{_FIX}\b{_NOT_CHOOSING}"
        rf"|\b(?:i|we)\s+(?:really\s+|urgently\s+|just\s+|still\s+)?(?:need|needs|needed|want|"
        rf"wanted|would like|{_A}d like)\s+(?:some\s+|your\s+|a little\s+|immediate\s+|urgent\s+|"
        rf"real\s+|actual\s+|more\s+|a full\s+|our\s+)?(?:help|assistance|a refund|my refund|"
        rf"refunds?|my money back|our money back|compensation|a callback|a call back|answers|an "
        rf"answer|an explanation|an apology|someone to|a human|a real person|a live person|to "
        rf"speak (?:to|with)|to talk (?:to|with))\b"
        rf"|\bany\s+(?:help|assistance)\b|\bhelp\s+{_PLEASE}\b|\bsos\b"
        # "Help?" or "Help!" said on its own.
        rf"|(?<![\w,;] )(?<![\w,;])\bhelp\s*[?!]"
        rf"|\b(?:i|we)\s+(?:really\s+|just\s+)?need\s+(?:you|u|someone|somebody)\s+to\s+{_FIX}\b"
        rf"|\bmake\s+(?:this|it|things)\s+right\b"
        rf"|\b(?:i|we)\s+(?:want|need|demand|expect)\s+(?:my|our)\s+(?:\S+\s+){{0,2}}?(?:back|"
        rf"refund|money)\b",
        asks=True,
    ),
    Rule(
        "service_question",
        COMPLAINT_QUESTION,
        -1.5,
        r"\bany\s+(?:update|news|word|info|information|status|eta|response|reply|answer|"
        r"progress)s?\s+(?:yet\s+)?(?:on|about|regarding|re|for|with|from)\s+(?:my|our|this|that|"
        r"the status)\b"
        r"|\bany\s+idea\s+(?:when|why|where|how long)\s+(?:my|our|i|we|it|this|they|you)\b"
        # "'s" follows its word with no space: "where's my", "what's the point".
        r"|\bwhere(?:\s+(?:is|are|r)|'s|’s)\s+(?:my|our)\b"
        r"|\bwhen\s+(?:will|can|do|should|am|are|is)\s+(?:i|we)\s+(?:ever\s+|finally\s+|actually\s+"
        r")?(?:get|receive|hear|see|going to (?:get|hear|see)|be (?:refunded|contacted|compensated"
        r"|reimbursed|called|rebooked))\b"
        r"|\bhow\s+(?:do|can|should|would|will)\s+(?:i|we)\s+(?:get|request|claim|file|submit|make|"
        r"obtain)\s+(?:a\s+|my\s+|our\s+|the\s+)?(?:refund|money back|compensation|reimbursement|"
        r"complaint|claim|voucher|credit|bags?|luggage)\b"
        r"|\bhow\s+(?:do|can|should|would|will)\s+(?:i|we|anyone|someone)\s+(?:ever\s+)?(?:reach|"
        r"contact|speak (?:to|with)|talk (?:to|with)|get (?:through|ahold|a hold|in touch|hold of)"
        r")\b"
        r"|\bis\s+there\s+(?:a|any)\s+(?:good\s+)?reason\b"
        r"|\bwhat(?:\s+(?:happened|is happening|is going on|happens)|'s happening|’s happening|"
        r"'s going on|’s going on)\s+(?:to|with)\s+(?:my|our)\b"
        r"|\bhow\s+(?:can|could|do|does)\s+(?:you|u|they|it)\s+not\b|\bhow\s+come\b"
        r"|\bnow\s+what\s*[?!]|\bremind\s+me\s+(?:again\s+)?why\b"
        # "why does it take six weeks", "why is this happening"; not "why is it called...".
        r"|\bwhy\s+(?:does|did|do|would|will|has|had|should)\s+(?:it|this)\b|\bwhy\s+is\s+(?:this|it)"
        r"\s+(?:happening|taking|still|not|always|so\s+(?:hard|difficult|slow|expensive|complicated))\b"
        r"|\bis\s+it\s+(?:so|that|really|really\s+that|too)\s+(?:hard|difficult)\s+to\b"
        r"|\bwhat\s+good\s+is\b"
        rf"|\bwhy\s+{_AUX}\s+{_SUBJECT}\b|\bwhy\s+(?:the (?:hell|heck|f)|on earth|oh why|not)\b"
        r"|\bwhat(?:\s+is|'s|’s)\s+the\s+(?:point|deal|holdup|hold up|problem|excuse)\b"
        r"|\bhow\s+about\s+(?:you|u|some|actually|fixing|giving|getting|answering|responding|"
        r"refunding|moving|letting|telling|having|sending|helping)\b"
        r"|\bhow\s+long\s+(?:are|will|do|must|is)\s+(?:you|they|it|this)\s+(?:\S+\s+){0,3}?(?:make|"
        r"keep|leave|take)\b"
        r"|\b(?:really|seriously)\s*\?|\bcome\s+on\s*[!.?]"
        r"|\bwhat\s+gives\b|\bwhat(?:'s|’s| is)\s+(?:up|going on|happening)\s+with\s+(?:my|our|"
        r"your|the|this|flight|order|booking)\b"
        r"|\bhow\s+(?:is|are|was|can|could|do|does|did)\s+(?:this|that|it|you|they)\s+(?:\S+\s+)"
        r"{0,3}?(?:acceptable|ok|okay|fair|legal|allowed|right|considered|customer service|good "
        r"service|make sense|makes sense)\b"
        r"|\b(?:amazing|incredible|unbelievable|sad|shocking|ridiculous)\s+how\s+(?:hard|difficult|"
        r"bad|badly|poor|poorly|slow|long|little|rude|useless|many times|often)\b",
        asks=True,
    ),
    Rule(
        "could_not",
        SERVICE_FAILURE,
        -1.5,
        # "can't wait", "can't believe", "couldn't be happier" are not failures: not in _DO.
        # ...but "couldn't find a better price" is praise.
        # ...and "didn't let us down" is praise.
        rf"\b{_CANT}\s+(?:even\s+|just\s+|seem to\s+|still\s+|ever\s+)?{_DO}\b(?!\s+(?:a\s+|"
        rf"any\s+)?(?:better|nicer|cheaper|faster|friendlier|happier|more)\b|\s+(?:me|us|you|"
        rf"anyone|anybody)\s+down\b)"
        rf"|\b(?:wasn{_A}t|weren{_A}t|isn{_A}t|aren{_A}t|haven{_A}t been|hasn{_A}t been|not|never|"
        rf"no one|nobody)\s+(?:been\s+|even\s+|once\s+|yet\s+)?(?:offered|given|told|informed|"
        rf"notified|allowed|provided|compensated|refunded|contacted|helped|served|updated|"
        rf"accommodated|rebooked|reimbursed|credited|processed|honou?red|answered)\b"
        rf"|\bnever\s+(?:got|received|heard|arrived|came|showed|happened|answered|replied|responded)\b"
        # What is still not done, and a customer who stopped trying: "you have yet to respond",
        # "after the fourth call I gave up", "giving up on you".
        rf"|\b(?:have|has|had|are|is)\s+yet\s+to\s+(?:\S+\s+)?(?:respond|reply|hear|receive|get|"
        rf"see|be|call|answer|arrive|show|refund|fix|contact)\b"
        rf"|\b(?:received|got|given|offered|heard)\s+(?:none|nothing)\b(?!\s+but\b)"
        rf"|\b(?:can|could)\s+no\s+longer\b"
        # ...but "never let me down" is praise.
        rf"|(?<!never )(?<!not )(?<!n't )(?<!nt )\b(?:let|lets|letting)\s+(?:me|us|(?:your\s+)?"
        rf"customers|people|everyone)\s+down\b"
        rf"|\b(?:i|we|finally|just|eventually)\s+gave\s+up\b|\bgiving\s+up\s+on\s+(?:you|u|your|"
        rf"getting|ever)\b"
        rf"|\b(?:make|made|making|keep|kept|keeping|leave|left|leaving)\s+(?:us|me|people|"
        rf"passengers|customers|everyone)\s+(?:wait|waiting|sit|sitting|stand|standing|stranded|"
        rf"hanging|in the dark)\b"
        rf"|\bwon{_A}t\s+let\s+(?:me|us)\b|\b(?:not|isn{_A}t|wasn{_A}t|won{_A}t|keeps?\s+not)\s+"
        rf"letting\s+(?:me|us)\b"
        rf"|\b(?:not|isn{_A}t|aren{_A}t|wasn{_A}t|weren{_A}t|won{_A}t|doesn{_A}t|don{_A}t|didn{_A}t|"
        rf"never|stopped)\s+(?:getting|receiving|loading|working|showing up|appearing|updating|"
        rf"syncing|sending|opening|responding|charging|connecting|arriving|(?:taking|answering|"
        rf"accepting|returning)\s+(?:calls|phone calls|the phones?|emails|bookings|reservations))\b"
        rf"|\b(?:turned|sent)\s+away\b|\b(?:kicked|thrown)\s+"
        rf"(?:me\s+|us\s+)?off\b|\b(?:refused|denied)\s+(?:me\s+|us\s+)?(?:entry|boarding|service)\b",
    ),
    Rule(
        "hold_and_hang_ups",
        SERVICE_FAILURE,
        -1.5,
        r"\b(?:been|was|were|kept|left|put|still|now|currently|sitting|waiting|stuck|back|hours?|"
        r"hrs?|minutes|mins)\s+on\s+hold\b|\bhold\s+times?\b|\b(?:hung|hang|hangs|hanging)\s+up\b|\bdisconnect(?:ed|s)\b|\b(?:dropped"
        r"|drops)\s+(?:my|the|our)\s+calls?\b|\bcalls?\s+(?:got\s+|was\s+|keeps?\s+(?:getting\s+)?)"
        r"?(?:dropped|disconnected|cut off)\b|\bautomated\s+(?:system|message|response|reply|voice|"
        r"recording|line|phone|answer)\b|\b(?:speak|talk|get through)\s+(?:to|with)\s+(?:a|an|any"
        r"|a real|an actual|a live)\s+(?:human|person|human being|agent|representative|rep|"
        r"supervisor|manager)\b|\bno\s+(?:human|real person|live person|actual person)\b|\bbusy "
        r"signal\b|\b(?:number|line|lines|phones?)\s+(?:is|are|was|were|keeps?\s+(?:being|coming\s+up)|"
        r"always|still)\s+(?:always\s+|constantly\s+|still\s+)?busy\b"
        r"|\b(?:long|endless|huge|massive|ridiculous)\s+(?:lines?|queues?)\b|\b(?:endless|"
        r"ridiculous|insane|crazy|long)\s+(?:holds?|hold times?|wait times?)\b",
    ),
    Rule(
        "time_waiting",
        SERVICE_FAILURE,
        -1.5,
        # Time spent waiting, wherever: "sitting at the counter for 40 min", "2 hrs on the phone".
        rf"\b(?:sitting|sat|stuck|waiting|standing|stood|on the phone|on the line|in line|in (?:a |"
        rf"the )?queue|on the plane|at the (?:counter|desk|gate|door|airport|station|store|"
        rf"restaurant|table))\s+(?:\S+\s+){{0,3}}?(?:for\s+)?(?:over\s+|more than\s+|almost\s+|"
        rf"nearly\s+|about\s+|another\s+|an extra\s+)?{_WAITED}\b"
        rf"|\b{NUM}\s*\+?\s*{_LONG_WAIT}\s+{_WAITING}\b"
        rf"|\b{_MANY}\s*\+?\s*(?:minutes?|mins?)\s+{_WAITING}\b",
        negatable=True,
    ),
    Rule(
        "time_lost",
        SERVICE_FAILURE,
        -1.0,
        # A customer counting hours or minutes at a company is counting what it cost them; "in 20
        # minutes" (a fast fix) and "only 10 minutes" are not this.
        rf"\b(?:over|more than|almost|nearly|another|an extra|going on|at least|for|after|"
        rf"since)\s+{NUM}\s*\+?\s*{ANY_SPAN}\b{_NOT_A_THING}"
        rf"|(?<!in )(?<!within )(?<!under )\b\d+(?:\.\d+)?\s?(?:hrs?|hours?|mins?)\b{_NOT_A_THING}",
        negatable=True,
        dampens=False,
    ),
    Rule(
        "should_have",
        SERVICE_FAILURE,
        -1.5,
        # What the company should have done is what it did not do.
        r"\b(?:it\s+)?would(?:\s+have)?(?:\s+been)?(?:\s+be)?\s+(?:so\s+|really\s+)?(?:nice|great|good|"
        r"helpful|lovely|better|appreciated|wonderful|awesome|super|fantastic)\s+if\b|\bwould\s+have"
        r"\s+been\s+(?:so\s+|really\s+)?(?:nice|great|good|helpful|lovely|better|appreciated|wonderful"
        r")\s+to\b"
        # A thing wished for, said of a thing that is missing: "a phone call when you cancel would
        # be lovely." ("that would be lovely" accepts an offer).
        r"|\b(?!(?:that|this|it|which|what|all|both|either|anything)\b)[a-z]+\s+would\s+be\s+"
        r"(?:so\s+|really\s+|very\s+|hugely\s+)?(?:nice|lovely|wonderful|helpful|appreciated)\s*"
        r"(?:[.!…]|$)|\b(?:a\s+good|a\s+great)\s+(?:start|first step)\s+"
        r"would\s+be\b|\b(?:you|u|they|someone|somebody|staff|agents?)\s+(?:should|could)(?:'ve|’ve|"
        r"\s+have)\s+(?:\S+\s+)?(?:told|let|called|informed|offered|given|warned|said|checked|helped|sent|"
        r"explained|notified|fixed|been)\b|\b(?:the\s+)?least\s+(?:you|u|they)\s+(?:could|can)\s+do\b|\bwish\s+(?:you|u|they|someone)\s+(?:would|had|could|"
        r"were|was|did)\b",
    ),
    Rule(
        "needs_better",
        SERVICE_FAILURE,
        -1.5,
        r"\b(?:need|needs|needed|should|must)\s+(?:to\s+)?(?:be\s+|have\s+|get\s+|do\s+|provide\s+"
        r"|offer\s+|hire\s+)?(?:much\s+|a lot\s+|way\s+|far\s+|some\s+)?better\b|\bcould\s+(?:have"
        r"\s+)?(?:be|been)\s+(?:a lot\s+|much\s+|way\s+|far\s+)?better\b|\b(?:we|i|customers|"
        r"passengers)\s+deserve\s+better\b|\b(?:biggest|total|complete|absolute|such\s+a)\s+joke\b"
        r"|\b(?:you|u|they|y'all|guys|staff|employees|agents|reps|crews?|drivers|workers|team)\s+"
        r"(?:really\s+|seriously\s+)?(?:need|needs)\s+(?:to\s+(?:work\s+"
        r"(?:on|harder)|fix|improve|train|retrain|hire)|(?:some\s+|more\s+)?(?:serious\s+|proper\s+|"
        r"better\s+)?training)\b"
        r"|\bjoke\s+of\s+an?\b|\bstep\s+(?:it|your\s+game)\s+up\b|\bstep\s+up\s+your\s+(?:game|"
        r"service)\b|\bget\s+(?:it|your\s+(?:act|stuff|shit|s\*+t))\s+together\b",
    ),
    Rule(
        "again_and_again",
        SERVICE_FAILURE,
        -1.5,
        r"\b(?:yet|once)\s+again\b|\b(?:late|delayed|cancell?ed|canceled|down|broken|lost|wrong|"
        r"stuck|missing|happened|failed|crashed|overbooked|short)\s+again\b|\b(?:way|far|all)\s+too"
        r"\s+often\b|\b\d+\s+times\s+(?:in|this|today|now|already)\b|\b(?:times|days|weeks|months|flights|calls|orders|emails|"
        r"nights)\s+in\s+a\s+row\b|\bhappened\s+(?:again|twice)\b|\b(?:second|third|fourth|"
        r"fifth|2nd|3rd|4th|5th)\s+time\s+(?:this|in|today|that)\b",
        dampens=False,
    ),
    Rule(
        "complaint_hashtag",
        HASHTAG,
        -2.0,
        rf"#\w*(?:{_TAG_STEMS})\w*|#(?:{_TAG_WORDS})\b",
    ),
    Rule(
        "sarcastic_thanks",
        SARCASM,
        -2.0,
        r"\bthank(?:s|s so much|s a lot|s again| you| you so much| u|x)?\s+(?:\w+\s+)?for\s+(?:\S+"
        r"\s+){0,5}?(?:no|nothing|none|zero|ruining|wasting|losing|stranding|ignoring|cancell?ing|"
        r"delaying|breaking|lying|forcing|leaving (?:me|us)|the (?:delay|wait|hassle|runaround|"
        r"headache|inconvenience|lack)|(?:the|your|a|an|another|this) (?:canned|automated|generic|"
        r"scripted|copy[- ]?(?:and[- ])?paste\w*|form|auto(?:mated)?[- ]?) ?(?:reply|replies|"
        r"response|responses|answer|message|letter|tweet|dm)s?)\b"
        r"|\b(?:love|loving|enjoy|enjoying|nothing like|gotta love|got to love|don't you love|"
        r"always love)\s+(?:\S+\s+){0,3}?(?:being on hold|on hold|waiting|stuck|getting bumped|"
        r"being ignored|standing in line|the delays?)\b"
        r"|\b(?:great|nice|awesome|amazing|excellent|stellar|fantastic|wonderful|good|brilliant|"
        r"fine|impressive|outstanding|superb)\s+(?:job|work|way|customer service|service|"
        r"communication|planning)\s+(?:\S+\s+){0,2}?(?:losing|cancell?ing|delaying|ignoring|"
        r"leaving (?:me|us|my|our|people|passengers|customers)|breaking|charging|stranding|"
        r"overbooking|lying)\b"
        r"|#not\b|#sarcasm\b|(?:\.\.\.|…)\s*not\b|\bstay\s+classy\b|\bif\s+(?:you|u)\s+(?:can|could)\s+call\s+(?:it|that|this|them)\b|\b(?:it's\s+|its\s+|it’s\s+)?funny\s+how\b",
    ),
    Rule(
        "thanks_for_deed",
        PRAISE,
        2.0,
        # "Thank you for fixing my five hour delay": thanks for a fix, and the problem named in
        # it is the one fixed (complaint rules inside the clause do not count). Only deeds that
        # fix things: "thanks for letting me know" and "thanks for responding" are as often
        # said through gritted teeth.
        # The same said of someone by name: "thanks to Priya at the Leeds desk for her help
        # rebooking our cancelled trip", "kudos to the gate agent for finding us a flight".
        r"\b(?:thank(?:s|s so much|s a lot|s again| you| you so much| u)?|thx|kudos|props|"
        r"shout ?out|compliments?|compliment (?:ur|your)|hats off)\s+(?:(?:to\s+)?(?:(?!(?:for|"
        r"no|not|nothing|never)\b)\S+\s+){1,6}?)?for\s+(?:(?:her|his|"
        r"their|your|all (?:the|your|her|his|their)|the) help(?: in| with)?\s+)?(?:fixing|"
        r"refunding|resolving|sorting|replacing|rebooking|re-booking|switching|compensating|"
        r"finding|reuniting|taking care of|looking after|helping|accommodating|upgrading|"
        r"getting (?:me|us|my|our))\b(?![^.!?,;]*(?:\b(?:no|not|nothing|never|none)\b|n't))"
        r"[^.!?,;]*",
        shields=True,
    ),
)

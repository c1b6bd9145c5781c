"""The issue categories douse ships per industry: what customers of each kind of business
complain about, as phrase patterns (regular expressions over lower-cased text).

A client names its industry in clients.toml (`industry = "airline"`) and may add phrases or
categories of its own (`[clients.categories]`). Categories shared by every industry (customer
service, refunds, billing, staff conduct, website and app, safety) are written once and listed
after the industry's own, which are more specific. Patterns describe the trade, never one
brand: they are read by douse for every client in that industry.
"""

from __future__ import annotations

from douse.core.incidents.categories import CategorySpec

# --- shared by every industry -----------------------------------------------------------------

_CANT = r"(?:can'?t|cannot|couldn'?t|unable to|trying to|tried to|impossible to|no way to)"

SERVICE = CategorySpec(
    "service",
    "Customer service",
    fallback=True,
    decisive=(
        r"\b(?:on|in) hold\b|\bhold (?:time|music)\b|\bholding (?:for )?(?:over |\d)|#on ?hold\w*",
        r"\b(?:anyone|anybody|someone|no ?one|nobody) (?:answering|picking up|manning) (?:the |"
        r"your )?(?:phones?|calls?|lines?)\b",
        r"\bhung up\b|\bhang(?:s|ing)? up on\b|\bdisconnect(?:ed|s|ing) (?:me|us|the call)\b",
        rf"\b{_CANT} (?:even )?(?:get (?:through|ahold|a hold|hold of|anyone|a person|someone|a "
        r"human|an agent|a rep|an answer)|reach (?:anyone|someone|a person|a human|you|your))\b",
        r"\bno ?one (?:answers|picks up|to talk to|responds|replied|responded|answered|"
        r"called back|got back)\b",
        r"\b(?:call|phone) (?:centre|center|queue)s?\b|\ball (?:agents|representatives|lines) "
        r"(?:are )?busy\b|\b(?:call|phone) volume\b",
        r"\bcanned (?:response|reply|answer)s?\b|\bautomated (?:system|message|msg|reply|"
        r"response|voice)s?\b",
        r"\bspeak (?:to|with) (?:a|an) (?:human|person|real person|actual person)\b|\b(?:a|an) "
        r"(?:real|actual|live) (?:person|human|agent|rep)\b",
        r"\b(?:haven'?t|have not|couldn'?t|can'?t|never|not) (?:gotten|got|get|getting) through\b",
        r"\bphone hold\b|\bcall ?back time\b|\bwait(?:ing)? time on the phone\b|\b(?:take|answer|"
        r"pick up) (?:my|our) calls?\b",
        r"\b(?:system|line|lines|call|calls|phone|phones) (?:is |are |was |were |keeps? )?"
        r"(?:overloaded|disconnect\w*|dropp\w*|cut(?:ting)? off)\b",
        r"\b(?:agents?|reps?|representatives?|lines?|phones?) (?:are |were |is )?(?:too |all )?"
        r"busy\b|\bphones? (?:are |were |is )?(?:down|dead)\b",
        r"\b(?:won'?t|doesn'?t|didn'?t|don'?t|never) (?:answer|pick up)(?: the| your| my)? "
        r"(?:phones?|calls?|line)\b|\bdisconnect(?:s|ed)? (?:you|me|us)\b",
        # Time lost on the phone is the phones, whatever else it delayed: "sitting on the phone
        # for hours", "an hour now waiting on the phone".
        r"\b(?:wait(?:ed|ing)?|sitting|sat|been|stuck|hours?|hrs?|an hour|minutes|mins)\b(?: "
        r"\w+){0,3} on the (?:phone|line)\b",
    ),
    strong=(
        r"\b(?:no|not (?:one|a single)|zero) (?:response|reply|answer|callback|call back)\b|"
        r"\bnever (?:heard|got) (?:anything )?back\b|\bstill (?:no (?:word|reply|response|answer)|"
        r"waiting (?:for|on) (?:a |the |your )?(?:reply|response|call))\b",
        r"\b(?:call|phone|contact) (?:line|lines|system|number)s?\b|\bcall ?backs?\b",
        r"\b(?:reservations?|booking|customer|support|help) (?:line|phone|number|desk|team)s?\b|"
        r"\bnumber to call\b|\bhold times?\b",
        r"\bcustomer (?:service|care|relations|support)\b|\bcust(?:omer)?\.? ?(?:serv(?:ice)?|"
        r"svc)\b|\bcustomer (?:non|no)[- ]?service\b",
        r"\bno help\b|\b(?:not|non|un)[- ]?helpful\b|\b(?:couldn'?t|could not|didn'?t|did not|"
        r"won'?t|wouldn'?t|refused? to|refuses to) (?:even )?help\b",
        r"\b(?:dm'?d|dms|dm me|direct messages?|messaged you|sent you a (?:dm|message))\b",
        r"\b(?:tried |keep |been )calling\b|\bon the phone (?:for|with)\b|\bwait(?:ing)? time\b",
        r"\b(?:trying|tried|try|keep trying) to (?:call|contact|reach|phone|get hold of|get ahold "
        r"of)\b",
        r"\b(?:doesn'?t|does not|don'?t|do not|isn'?t|is not|not) (?:even )?help(?:ing|s)?\b",
        r"\b(?:emailed|e-mailed)\b|\b(?:emails?|messages?|tweets?|complaints?) (?:ignored|"
        r"unanswered)\b",
        r"\b(?:respond|reply|answer|get back) to (?:me|my|us|our)\b|\btransferred (?:me|us|"
        r"again|\w+ times)\b|\brun ?around\b",
        r"\b(?:live chat|chat (?:agent|support))\b|\bsupervisor\b|\bhelp ?lines?\b",
        # The run of a contact that goes nowhere: "bounced around", "an hour on the phone",
        # "got disconnected", "auto-responses", "cutting and pasting apologies".
        r"\bbounced around\b|\b(?:hours?|hrs?|an hour|minutes|mins)\b[^.!?\n]{0,15}\bon the "
        r"phone\b|\b(?:got|get|getting|keep getting) (?:disconnected|cut off)\b",
        r"\bauto-?(?:respon\w*|repl\w*)|\b(?:cut(?:ting)?|copy(?:ing)?) and past(?:e|ing)\b",
        r"\b(?:speaking|spoken|spoke|talking|talked|talk) (?:to|with) (?:a|an) (?:human|person|"
        r"representative|agent|rep)\b|\brespond\w* to (?:social media|tweets?|dms?|messages?|"
        r"emails?|calls?)\b",
        # A hashtag says in one word what a sentence would: #badcustomerservice, #servicefail.
        r"#\w*(?:service|custserv|customercare)\w*",
        r"\b(?:speak|talk) (?:to|with) (?:someone|somebody|anyone|anybody|a person|a human|an "
        r"agent|a rep)\b",
        r"\b(?:generic|lame|pathetic|impersonal|robotic|useless|standard|scripted) (?:response|"
        r"reply|answer|assistance)s?\b|\bplatitudes\b",
        r"\b(?:your|the) (?:agents?|reps?|representatives?|operators?)\b",
        # How people are treated, said without the words "customer service": "terrible
        # service", "no one is helping", "offered nothing", "not talked to anyone".
        r"\b(?:terrible|horrible|horrid|awful|bad|worst|poor|pathetic|lousy|atrocious|"
        r"appalling|abysmal|shoddy|rude|zero|lack of|no) (?:customer )?(?:service|cs|support|"
        r"care|assistance)\b",
        r"\b(?:no ?one|nobody)\b[^.!?\n]{0,15}\b(?:help\w*|cares?|assist\w*|answer\w*|"
        r"respond\w*)\b|\b(?:offered|offer|gave|given|provided) (?:us |me |them )?(?:nothing|"
        r"no (?:help|assistance|compensation|explanation|information|info))\b",
        # ...or said the other way round: "your service is terrible", "service here sucks".
        r"\bservice\b[^.!?\n]{0,20}?\b(?:is|was|has been|are|were) (?:so |very |really |"
        r"absolutely |just |beyond |truly )?(?:terrible|horrible|horrid|awful|bad|poor|pathetic|"
        r"lousy|atrocious|appalling|abysmal|shocking|disgraceful|useless|ridiculous|the worst|a "
        r"joke|a disgrace|non-?existent)\b|\bservice (?:sucks|stinks)\b",
        # The phones and the people behind them: "answer the phones", "get through to a rep",
        # "lack of empathy".
        r"\b(?:answer|answering|pick up|picking up) (?:the |your |a |my )?(?:phones?|calls?)\b|"
        r"\bget (?:through|thru) to (?:a |an |the |your )?(?:anyone|anybody|someone|somebody|"
        r"customer|reservations|agents?|reps?|representatives?|support|human|person|operator)\b|"
        r"\black of (?:customer )?(?:empathy|compassion|courtesy)\b",
        r"\b(?:talked|spoken|spoke) to (?:anyone|anybody|no ?one|nobody)\b|\bcall (?:me|us) "
        r"back\b|\bphone (?:issues|problems|system)\b|\btreat(?:s|ed|ing)? (?:your |their )?"
        r"customers\b",
    ),
    weak=(
        r"\b(?:phone|call(?:ed|s)?|answer\w*|agents?|reps?|representatives?|help(?:ful|less)?|"
        r"service|support|emails?|respon\w*|repl(?:y|ies|ied)|customers?|complain\w*)\b",
    ),
)

REFUNDS = CategorySpec(
    "refunds",
    "Refunds and compensation",
    remedy=True,
    strong=(
        r"\brefund\w*",
        r"\breimburs\w*",
        r"\bcompensat\w*",
        r"\bvouchers?\b",
        r"\bmoney back\b|\bpay (?:me|us) back\b|\bchargeback\b|\bcredit note\b",
    ),
    weak=(r"\b(?:credit|owed|owe (?:me|us))\b",),
)

BILLING = CategorySpec(
    "billing",
    "Billing and charges",
    strong=(
        r"\b(?:charged|billed) (?:me |us |my \w+ )?(?:twice|double|again|two times|three times|with"
        r"out|"
        r"for something|after)\b",
        r"\bover[- ]?charg\w*|\bdouble[- ]?charg\w*",
        r"\bhidden (?:fees?|charges?|costs?)\b|\bsurcharges?\b",
        r"\b(?:bill|invoice|statement)s? (?:is|was|went|has|keeps?|shows?)\b",
        r"\bdirect debit\b|\bauto[- ]?renew\w*",
        r"\bprice (?:increase|hike|rise|went up|jump)s?\b",
        r"\b(?:raised|increased|hiked|doubled|tripled) (?:the |my |our |their )?(?:price|bill|fee|"
        r"rate|rent|premium)s?\b",
        r"\b(?:unauthori[sz]ed|surprise|unexpected|extra) charges?\b",
        r"\bprice[- ]?goug\w*|\bgoug(?:e|es|ed|ing)\b|\bprofiteering\b",
    ),
    weak=(r"\b(?:bill(?:ing|ed)?|fees?|charges?|prices?|payments?|invoices?|subscriptions?)\b",),
)

STAFF = CategorySpec(
    "staff",
    "Staff conduct",
    strong=(
        r"\brude\w*",
        r"\battitude\b",
        r"\bcondescending\b|\bpatroni[sz]ing\b|\bdismissive\b",
        r"\bunprofessional\b|\bdisrespect\w*",
        r"\b(?:yell|scream|shout|swore|swear|snapp)(?:ed|ing|s)? at (?:me|us|my|our|a|her|him)\b",
        r"\btreated (?:me|us|my \w+|customers) like\b|\blaughed at (?:me|us)\b",
        r"\b(?:manager|employee|staff|waiter|waitress|cashier|clerk|driver|receptionist|agent|"
        r"worker|member of staff)s? (?:was|were|is|are) (?:so |very |really |extremely )?"
        r"(?:rude|nasty|aggressive|unhelpful|useless|lazy|horrible|awful|clueless|arrogant)\b",
    ),
    weak=(r"\b(?:staff|employees?|manager|workers?|team members?|personnel)\b",),
)

DIGITAL = CategorySpec(
    "digital",
    "Website and app",
    # A login that fails is the app failing and the person locked out: one matter.
    brings=("account", "bugs"),
    strong=(
        r"\b(?:app|website|web ?site|site|online|portal|checkout|login|log ?in|sign ?in|account)"
        r"\b[^.!?\n]{0,30}\b(?:down|crash\w*|broken|not working|doesn'?t work|won'?t (?:load|work|"
        r"let me)|error|glitch\w*|bug\w*|keeps? \w+ing|fail\w*|useless|terrible|awful|horrible|"
        r"unusable|a mess|confusing|sucks|garbage|trash|a nightmare)\b",
        r"\berror (?:message|code)s?\b",
        rf"\b{_CANT} (?:log ?(?:in|into|on)|sign ?(?:in|into|on)|check ?out|access (?:my|the) "
        r"account)\b",
        r"\bpassword reset\b|\btwo[- ]factor\b|\b2fa\b",
    ),
    weak=(r"\b(?:app|website|site|online|login|password|account|link|page)\b",),
)

SAFETY = CategorySpec(
    "safety",
    "Safety and harm",
    strong=(
        r"\binjur(?:ed|y|ies|ing)\b|\bunsafe\b|\bdangerous\b|\bsafety (?:issue|hazard|concern|"
        r"risk)s?\b",
        r"\bassault\w*|\bharass\w*|\bgroped\b|\bracis[tm]\b|\bdiscriminat\w*",
        r"\b(?:ambulance|hospitali[sz]ed|emergency room|paramedics|a&e)\b",
        r"\b(?:caught fire|on fire|exploded|electrocut\w*|carbon monoxide|gas leak)\b",
    ),
)

COMMON = (SERVICE, REFUNDS, BILLING, STAFF, DIGITAL, SAFETY)


def _with(*specs: CategorySpec) -> tuple[CategorySpec, ...]:
    """An industry's categories, then the shared ones it does not redefine."""
    names = {s.name for s in specs}
    return (*specs, *(s for s in COMMON if s.name not in names))


# --- per industry ---------------------------------------------------------------------------

_BAG = r"(?:bags?|luggage|baggage|suitcases?|strollers?|pushchairs?|car ?seats?|skis|golf clubs)"

AIRLINE = _with(
    CategorySpec(
        "baggage",
        "Lost or damaged baggage",
        strong=(
            rf"\b(?:lost|missing|lose|losing|misplaced|where(?:'s| is| are)|find|found|locate|"
            rf"track\w*|deliver\w*|never arrived|didn'?t (?:arrive|make it|come))\b[^.!?\n]{{0,40}}"
            rf"\b{_BAG}\b",
            rf"\b{_BAG}\b[^.!?\n]{{0,40}}\b(?:lost|missing|never (?:arrived|came|showed)|didn'?t "
            rf"(?:arrive|make it|come)|still not|not (?:arrived|here)|deliver\w*|left (?:behind|"
            rf"in)|damaged|broken|ripped|torn|destroyed|smashed|cracked)\b",
            rf"\b(?:damaged|broke|broken|ripped|torn|destroyed|smashed|cracked)\b[^.!?\n]{{0,30}}"
            rf"\b{_BAG}\b",
            r"\bbaggage (?:claim|office|desk|services?)\b|\blost (?:and|&) found\b|\bfiled? a "
            r"(?:claim|report)\b|\bdelayed bags?\b",
            # Someone's own bags are what they complain about: "waiting on my bag for 45 mins",
            # "still don't have my luggage", "where our suitcases are".
            rf"\b(?:my|our|his|her|their|checked|wife'?s|husband'?s|son'?s|daughter'?s|kids'?)\s+"
            rf"(?:checked\s+)?{_BAG}\b",
            # Bags that are not there: "still no bags", "waiting on bags", "the bags aren't even
            # loaded", "my bag to show up", "#lostluggage".
            rf"\b(?:no|without|still no|waiting (?:on|for)|where are (?:the|my|our)) (?:\w+ )?"
            rf"{_BAG}\b",
            rf"\b{_BAG}\b[^.!?\n]{{0,30}}\b(?:show(?:ed|s)? up|(?:were|was|are|is|aren'?t|isn'?t|"
            rf"weren'?t|wasn'?t|never|not) (?:even )?(?:loaded|put on|on the plane|here|there)|"
            rf"made (?:it|the plane)|make (?:it|the plane))\b",
            r"#\w*(?:lost|missing|no|delayed|damaged|broken)(?:bags?|luggage|baggage)\w*",
            rf"\b{_BAG} (?:issues?|problems?|tags?|claims?|#)|\bbelongings\b",
        ),
        weak=(rf"\b{_BAG}\b", r"\bcarousel\b"),
    ),
    CategorySpec(
        "cancellations",
        "Cancellations",
        brings=("delays",),
        strong=(
            r"\bcancel\w*",
            r"\bcancell?ation\w*",
            # Put on another day's flight: the one booked is gone.
            r"\brebooked (?:me |us |him |her |them )?(?:for|on|to) (?:tomorrow|the next day|monday|"
            r"tuesday|wednesday|thursday|friday|saturday|sunday)\b",
        ),
        weak=(r"\b(?:re-?book\w*|stranded|strand)\b",),
    ),
    CategorySpec(
        "delays",
        "Delays",
        strong=(
            r"\bdelay\w*",
            r"\blate\b|\blater than\b",
            r"\b(?:missed|miss|misses|missing) (?:my |our |the |his |her |their )?(?:\d+ |two |"
            r"both )?(?:connect\w*|flight|onward)\b",
            r"\btarmac\b|\bon time\b|\bontime\b|\bde-?ic(?:e|ing|er)\b|\bmechanical\b|"
            r"\bmaintenance\b|\bdiverted\b",
            r"\bstill (?:on the (?:plane|ground|tarmac|runway)|at the gate|sitting|waiting to|"
            r"here)\b",
            r"\bsupposed to (?:depart|leave|take off|arrive|land|board)\b",
            r"\b(?:haven'?t|have not|still not|not yet|never) (?:left|boarded|taken off|departed|"
            r"pushed back)\b",
            r"\b(?:get|need|needs|waiting for|find|no) (?:us |a |an )?(?:gate|crew|pilot)\b",
            r"\blet us (?:off|out|deplane)\b|\bpushed? (?:it |us )?back\b",
            r"\b(?:sit|sitting|sat) (?:here )?(?:on|at|in) (?:the |this |our |a )?(?:plane|gate|"
            r"runway|tarmac)\b",
            r"\b(?:\d+(?:\.\d+)?|an?|one|two|three|four|five|six|seven|eight|nine|ten|several|"
            r"many) (?:hours?|hrs?) later\b|#\w*delay\w*|#\w*ontime\b",
            r"\bwhen (?:will |is |does )?(?:the |my |our |this )?(?:flight|plane)s? (?:will |is "
            r"going to )?(?:leave|depart|take off|be moving|board|get here|arrive)\b",
            r"\b(?:hours?|hrs?|minutes?|mins?) (?:late|behind|delay)\b|\bdeparture time\b",
            r"\bstuck (?:on|at|in)\b|\bhold ?up\b|\bon the ground\b|\bestimated (?:time|"
            r"departure|arrival)\b|\bsat (?:on|in) (?:the |our )?(?:plane|tarmac|runway)\b",
            # Time lost somewhere on the way: "4 hours on a plane", "waiting for hours at the
            # gate", "sitting on this plane for an hour", "back to the gate", "deplaned".
            r"\b(?:hours?|hrs?|an hour|all day|all night|overnight)\b[^.!?\n]{0,20}\b(?:on (?:the |"
            r"this |a |our )?(?:plane|aircraft|tarmac|runway)|at (?:the )?(?:gate|airport))\b",
            r"\b(?:sitting|sat|waiting|waited|stuck|stranded)\b[^.!?\n]{0,30}\b(?:for (?:hours|"
            r"(?:over |almost |nearly )?(?:an|\d+(?:\.\d+)?\+?) ?(?:hours?|hrs?))|all "
            r"(?:day|night))\b",
            r"\b(?:back|return(?:ed|ing)?) to the gate\b|\bdeplan\w*|\bde-plan\w*|\bstranded\b",
            r"\bon-time\b|\b(?:behind|after|off) schedule\b|\blateness\b|\bengine (?:problem|issue|"
            r"trouble|failure)s?\b|\bfuel leak\b|\b(?:issue|problem)s? with the (?:plane|"
            r"aircraft)\b",
        ),
        weak=(r"\b(?:gate|departure|depart\w*|arriv\w*|connection|connecting|boarding|runway)\b",),
    ),
    CategorySpec(
        "booking",
        "Booking, seats and check-in",
        strong=(
            r"\bbook(?:ed|ing)? (?:a |my |the |our |another |new )?(?:flight|ticket|trip|seat|"
            r"return)s?\b",
            r"\bchange fees?\b",
            r"\bseats? (?:assignment|selection|assigned|together|moved|changed|taken)\b|\b(?:moved|"
            r"changed|gave away) (?:my|our) seats?\b",
            r"\bupgrade\w*|\bstandby\b|\bwait ?list\w*|\boverbook\w*|\boversold\b|\bbumped\b",
            # A loyalty scheme's miles or points that expired or never arrived.
            r"\b(?:miles|points|mileage)\b[^.!?\n]{0,30}\b(?:expir\w*|credited|posted|missing|"
            r"never (?:arrived|showed|posted|received))\b|\b(?:didn'?t|did not|never|not|still "
            r"(?:haven'?t|have not|not)) (?:get|got|gotten|receive\w*) (?:my |our |the |any )?"
            r"(?:\w+ )?(?:miles|points)\b",
            # Booking or checking in that the channel refuses: "can't book on the site".
            rf"\b(?:{_CANT}|unable to|won'?t let (?:me|us)) (?:even )?(?:book|rebook|reserve|"
            r"check[- ]?in|select (?:a |my |our )?seats?)\b|\bwhen i try to (?:book|"
            r"check[- ]?in)\b",
        ),
        # A reservation, a check-in or miles named in passing set the scene ("called
        # reservations, nobody answered" is about the phones); with other booking words they
        # still make the category.
        weak=(
            r"\b(?:fares?|tickets?|ticketing|points|status|seats?|name change)\b",
            r"\breservations?\b|\bitinerary\b",
            r"\bcheck(?:ed|ing)?[- ]?in\b|\bboarding pass(?:es)?\b|\bconfirmation (?:number|code|"
            r"email)\b",
            r"\b(?:frequent flyer|miles|mileage|award (?:travel|ticket|seat))\b",
        ),
    ),
    CategorySpec(
        "crew",
        "Cabin crew",
        # "The crew were rude" is the crew's conduct: one matter, not two.
        brings=("staff",),
        strong=(
            r"\bflight attendants?\b|\bf/as?\b|\bstewardess\w*|\bstewards?\b|\bcabin crew\b|"
            r"\bcrew members?\b|\bpilots?\b|\bcaptain\b|\bthe crew\b",
        ),
        weak=(r"\b(?:crew|attendants?|purser)\b",),
    ),
    CategorySpec(
        "queues",
        "Queues at the airport",
        strong=(
            r"\blong (?:lines?|queues?|waits?)\b|\blines? (?:at|for)\b|\bin (?:the )?line\b|"
            r"\bqueu\w*|\bsecurity (?:line|check)s?\b|\btsa\b",
            # "massive lines", "the line is out the door", "2 people working the counter".
            r"\b(?:massive|huge|endless|ridiculous|insane|crazy|enormous) (?:lines?|queues?)\b|"
            r"\blines? (?:is |are )?(?:out the door|\d+ (?:people|ppl) deep)\b|\b(?:\d|one|two|"
            r"three) (?:person|people|agents?|counter people) (?:working|manning)\b",
        ),
    ),
    CategorySpec(
        "onboard",
        "On board",
        strong=(
            r"\bwi-?fi\b|\bin-?flight (?:entertainment|wifi|internet|service)\b|\bentertainment\b",
            r"\b(?:food|meals?|snacks?|drinks?|beverages?|coffee)\b",
            r"\blegroom\b|\bleg room\b|\bcramped\b|\buncomfortable\b",
            r"\bdirty\b|\bfilthy\b|\bsmell\w*|\bstink\w*|\bbathrooms?\b|\blavator\w*|\btoilets?\b",
            r"\btemperature\b|\bfreezing\b|\b(?:hot|cold|warm) (?:plane|cabin|aircraft)\b|\bair "
            r"condition\w*",
            r"\boverhead (?:bins?|space|storage)\b|\bseats? (?:broken|reclin\w*|uncomfortable)\b|"
            r"\bturbulence\b|\b(?:power )?outlets?\b|\bheadphones\b",
            # The cabin itself: "the plane is 100 degrees", "mold", "armrests", "narrow seats",
            # "the TV", "serving a drunk".
            r"\b\d+ degrees\b|\bthe a/?c\b|\bmou?ld\b|\barm ?rests?\b|\bnarrow(?:er)? seats?\b|"
            r"\bseats? (?:are |were |is )?(?:so |too )?(?:narrow|small|tiny)\b|\b(?:tv|movies?|"
            r"seat ?back screens?)\b|\bdrunk\w*",
        ),
        weak=(r"\b(?:plane|aircraft|cabin|seat)\b",),
    ),
)

_DELIVERY = CategorySpec(
    "delivery",
    "Delivery",
    strong=(
        r"\b(?:order|parcel|package|delivery|shipment|item|food)s? (?:still |has |hasn'?t |"
        r"never |didn'?t |not )?(?:arrived|arrive|came|come|shown up|turned up|been delivered|"
        r"delivered|dispatched|shipped)\b",
        r"\b(?:late|missed|failed|cancelled|delayed|no) deliver(?:y|ies)\b|\bdeliver(?:y|ies) "
        r"(?:was |is )?(?:late|delayed|missed|failed)\b",
        r"\bwhere(?:'s| is) (?:my|our) (?:order|parcel|package|delivery|food)\b",
        r"\btracking\b|\bcourier\b|\bdriver\b|\bleft (?:it |my \w+ )?(?:outside|at|on|in|with|"
        r"behind)\b|\bwrong address\b|\bout for delivery\b",
        r"\bmissing (?:items?|parts?|pieces?|from my order)\b|\bwrong (?:order|item|size|"
        r"colou?r)\b",
        # "never received my textbook", "things not arriving", "the delivery person left them
        # in the rain".
        r"\b(?:never|still (?:haven'?t|have not|not)|haven'?t|have not) (?:received|got(?:ten)? "
        r"(?:my|our|the))\b|\b(?:not|never) arriv(?:ed|ing)\b|\bdelivery (?:person|people|guy|"
        r"man|woman|drivers?)\b|\bleaving (?:it|them|my \w+|the \w+) (?:outside|in the rain|at)\b",
    ),
    weak=(r"\b(?:deliver\w*|shipping|shipped|dispatch\w*|parcel|package|order)\b",),
)

RESTAURANT = _with(
    CategorySpec(
        "food_safety",
        "Food safety",
        strong=(
            r"\bfood poisoning\b|\bsalmonella\b|\be\.? ?coli\b|\blisteria\b|\bnorovirus\b",
            r"\b(?:got|get|gets|made (?:me|us|my \w+)|was|were|been|fell) (?:so |really |violently "
            r")?(?:sick|ill)\b|\bthrew up\b|\bvomit\w*|\bdiarrh\w*",
            r"\ballergic reaction\b|\banaphyla\w*|\ballergens?\b",
            r"\b(?:hair|glass|plastic|metal|bug|insect|fly|flies|worm|maggot)s? in "
            r"(?:my|the|our)\b",
            r"\bundercooked\b|\braw (?:chicken|meat|pork|inside|in the middle)\b|\bpink chicken\b|"
            r"\bmou?ld\w*|\bexpired\b|\boff (?:meat|milk|chicken)\b|\bgone off\b",
        ),
    ),
    CategorySpec(
        "hygiene",
        "Hygiene and cleanliness",
        strong=(
            r"\bcockroach\w*|\broach(?:es)?\b|\brats?\b|\bmice\b|\bmouse\b|\brodents?\b|\bpests?\b",
            r"\b(?:dirty|filthy|sticky|disgusting|grimy|greasy) (?:tables?|floors?|toilets?|"
            r"bathrooms?|kitchen|plates?|cups?|cutlery|glasses|place|restaurant|cafe|store)\b",
            r"\bhealth (?:inspector|department|code|violation)s?\b|\bhygiene\b",
        ),
        weak=(r"\b(?:dirty|filthy|smell\w*|stink\w*|toilets?)\b",),
    ),
    CategorySpec(
        "food_quality",
        "Food and drink quality",
        strong=(
            r"\b(?:cold|lukewarm|stale|soggy|bland|tasteless|burnt|overcooked|dry|greasy|rubbery|"
            r"watery|salty|inedible|wilted|rock hard)\b[^.!?\n]{0,20}\b(?:food|coffee|tea|pizza|"
            r"burger|fries|chips|meal|chicken|steak|pasta|bread|sandwich|salad|soup|drink|latte|"
            r"cake|pastry|croissant|rice|noodles)\b",
            r"\b(?:food|coffee|tea|pizza|burger|fries|chips|meal|chicken|steak|pasta|bread|"
            r"sandwich|salad|soup|drink|latte|cake)s? (?:was|were|is|are|tasted|arrived|came)"
            r" (?:\w+ )?(?:cold|lukewarm|stale|soggy|bland|tasteless|burnt|overcooked|dry|greasy|"
            r"awful|horrible|disgusting|inedible|terrible)\b",
            r"\b(?:tiny|small|smaller|stingy|pathetic) portions?\b|\bportions? (?:are|were|have) "
            r"(?:got )?(?:tiny|small|smaller)\b",
        ),
        weak=(r"\b(?:food|taste[ds]?|flavou?r|portions?|menu|dish|meal|coffee)\b",),
    ),
    CategorySpec(
        "waiting",
        "Slow service and waiting",
        strong=(
            r"\bslow service\b|\bwaited (?:over |more than |almost |nearly )?(?:\d+|an?|one|two|"
            r"three|forty|forty-five|twenty|thirty) (?:min\w*|hours?|hrs?)\b",
            r"\bnever (?:came back|brought|took our order)\b|\bignored (?:us|me)\b|\b(?:forgot|"
            r"forgotten) (?:our|my) (?:order|food|drinks?)\b",
            r"\b(?:long |huge )?(?:queue|wait|line)s? (?:for|to be seated|at the counter)\b",
        ),
    ),
    _DELIVERY,
    CategorySpec(
        "prices",
        "Prices",
        strong=(
            r"\boverpriced\b|\brip[- ]?off\b|\bdaylight robbery\b|\b(?:too|so|really|very|"
            r"ridiculously) expensive\b",
            r"\bprices? (?:have |has )?(?:gone up|went up|increased|doubled|risen)\b",
        ),
        weak=(r"\b(?:prices?|expensive|cost|paid)\b",),
    ),
    CategorySpec(
        "reservations",
        "Reservations and tables",
        strong=(
            r"\breservations?\b|\bbook(?:ed|ing) (?:a |our )?table\b|\btable (?:booking|for)\b|"
            r"\b(?:lost|cancelled|gave away) (?:our|my) (?:booking|table|reservation)\b",
        ),
    ),
)

RETAIL = _with(
    _DELIVERY,
    CategorySpec(
        "quality",
        "Product quality",
        strong=(
            r"\b(?:broke|broken|faulty|defective|ripped|torn|fell apart|falling apart|cracked|"
            r"shrunk|faded|peeling|came apart|stopped working|doesn'?t work|poor quality|cheap "
            r"(?:material|quality|fabric)|stitching|bobbl\w*|holes? in)\b",
        ),
        weak=(r"\b(?:quality|material|fabric|product|item)\b",),
    ),
    CategorySpec(
        "orders",
        "Orders and stock",
        strong=(
            r"\b(?:cancelled|canceled) (?:my|our) orders?\b|\bout of stock\b|\border (?:was |got )?"
            r"(?:cancelled|canceled|lost|stuck)\b|\bnever (?:got|received) (?:my|our) order\b|"
            r"\bwrong (?:size|colou?r|item|product)\b|\bmissing (?:items?|parts?|pieces?)\b",
        ),
    ),
    CategorySpec(
        "returns",
        "Returns and exchanges",
        strong=(r"\breturn(?:s|ed|ing)?\b|\bexchange\w*|\brestocking fee\b|\breturns? policy\b",),
    ),
    CategorySpec(
        "store",
        "In store",
        strong=(
            r"\b(?:in|at) (?:the |your )?(?:store|shop|branch)\b|\bfitting rooms?\b|\btills?\b|"
            r"\bcheckout queue\b|\bself[- ]checkouts?\b|\bsecurity guard\b",
        ),
    ),
)

_OUTAGE_WORDS = (
    r"\b(?:outage|blackout|power cut|no power|no signal|no service|no internet|no broadband|"
    r"service loss|loss of service|lost (?:all )?service|"
    r"no wi-?fi|no water|no gas|no heating|no dial tone|no data|no calls|no reception|no "
    r"coverage|no mobile (?:data|signal|service))\b",
    # "down?", "both dead": how people ask whether it is them or everyone.
    r"\bdown\s*\?|\b(?:still|all|completely|totally) (?:down|dead)\b|\b(?:mobile|phones?|"
    r"broadband|internet)(?: and (?:mobile|phones?|broadband|internet))? (?:both )?(?:dead|"
    r"down)\b",
    r"\b(?:internet|broadband|wi-?fi|network|service|signal|power|electricity|water|line|tv|"
    r"landline|4g|5g|data|website|web ?site|site|app|servers?|system)s? (?:is |are |has been |"
    r"went |keeps? going |is still |been )?(?:down|out|off|dead|dropping|cutting out|not working|"
    r"disconnected|offline)\b",
)

# What an outage brings with it: "login broken, the status page says all green" is one matter.
_OUTAGE_BRINGS = ("digital", "account", "bugs", "performance", "speed")

TELECOM = _with(
    CategorySpec("outage", "Outage and no service", brings=_OUTAGE_BRINGS, strong=_OUTAGE_WORDS),
    CategorySpec(
        "speed",
        "Speed and connection quality",
        strong=(
            r"\b(?:slow|terrible|awful|patchy|unstable|intermittent) (?:internet|broadband|wi-?fi|"
            r"speeds?|connection|signal|data|network)\b|\bbuffering\b|\bdrop(?:s|ping|ped) "
            r"(?:out|calls?|connection)\b|\bspeeds?\b|\b(?:get|getting|no|weak|bad|poor|lost|"
            r"losing) (?:a |any |the )?signal\b",
        ),
    ),
    CategorySpec(
        "engineers",
        "Installation and engineers",
        strong=(
            r"\bengineers?\b|\btechnicians?\b|\binstall\w*|\brouter\b|\bmodem\b|\bsmart meter\b|"
            r"\bmeter\b|\bappointment\b|\bno[- ]show\b|\bdidn'?t (?:show|turn) up\b",
        ),
    ),
    CategorySpec(
        "contracts",
        "Contracts and switching",
        strong=(
            r"\bcontracts?\b|\bexit fees?\b|\bearly termination\b|\bcancel (?:my |the )?"
            r"(?:contract|account|service|plan)\b|\bswitch(?:ing)? (?:to|provider|supplier)\b|"
            r"\bporting\b|\bpac code\b|\btariff\b",
        ),
    ),
)

UTILITY = TELECOM

BANK = _with(
    CategorySpec(
        "fraud",
        "Fraud and security",
        strong=(
            r"\bfraud\w*|\bscam\w*|\bunauthori[sz]ed\b|\bhacked\b|\bstolen\b|\bphishing\b|"
            r"\bsuspicious (?:transaction|payment|activity|login)s?\b|\bidentity theft\b",
        ),
    ),
    CategorySpec(
        "payments",
        "Cards and payments",
        strong=(
            r"\bcard (?:was |got |is |keeps? (?:getting )?)?(?:declined|blocked|stopped|frozen|"
            r"cancelled|not working|rejected|eaten|swallowed)\b",
            r"\b(?:payment|transfer|deposit|transaction|direct debit|standing order)s? (?:has |was "
            r"|is )?(?:failed|declined|pending|missing|bounced|rejected|not (?:gone|arrived|shown)|"
            r"never arrived|disappeared)\b",
            r"\bcontactless\b|\b(?:atm|cash ?machine)\b|\bapple pay\b|\bgoogle pay\b",
        ),
        weak=(r"\b(?:card|payment|transfer|transaction|deposit|withdraw\w*)s?\b",),
    ),
    CategorySpec(
        "access",
        "Account access",
        strong=(
            r"\blocked (?:out|me out)\b|\baccount (?:has been |was |is )?(?:closed|frozen|blocked|"
            r"suspended|locked|restricted)\b|\b(?:froze|frozen|closed|blocked) (?:my|our) "
            r"account\b|\bverification\b|\b(?:id|identity) (?:check|verification)\b",
            rf"\b{_CANT} (?:log ?(?:in|into|on)|sign ?(?:in|into|on)|access (?:my|our) "
            r"(?:account|money|funds))\b",
        ),
    ),
    CategorySpec(
        "claims",
        "Loans, mortgages and claims",
        strong=(
            r"\bclaims? (?:was |has been |were )?(?:denied|rejected|refused|declined|pending|"
            r"ignored|delayed)\b|\b(?:insurance|my) claim\b|\bpay ?out\b|\bpremiums?\b|"
            r"\bmortgage\b|\bloan\b|\bsettlement\b|\bpolicy (?:was )?cancelled\b",
        ),
    ),
)

SOFTWARE = _with(
    CategorySpec(
        "outage",
        "Outage",
        brings=_OUTAGE_BRINGS,
        strong=(
            r"\b(?:servers?|site|service|app|game|platform|api|login|store|network)s? (?:is |are |"
            r"has been |have been |went |keeps? going )?(?:down|offline|out)\b",
            r"\boutage\b|\bnot loading\b|\bwon'?t (?:load|connect|open|start)\b|\b(?:can'?t|"
            r"cannot|unable to) (?:connect|get online|go online)\b|\bconnection (?:issues?|errors?|"
            r"lost|problems?)\b|\bstatus page\b|\b50[0-4] errors?\b|\b(?:server )?disconnect"
            r"(?:s|ed|ions?)\b",
            # "services are currently unavailable", "can't join any servers", "what is going on
            # with your servers?"
            r"\b(?:servers?|services?) (?:is |are )?(?:currently |temporarily )?(?:unavailable|"
            r"unreachable)\b|\b(?:can'?t|cannot|unable to|not able to) (?:i |we )?(?:join|reach|"
            r"access|connect to) (?:any |the |your )?servers?\b|\bwhat(?:'s| is) (?:going on|"
            r"wrong|up|happening) with (?:the |your |these )?servers?\b|\b(?:issues?|problems?|"
            r"trouble) (?:connecting|joining)\b",
        ),
    ),
    CategorySpec(
        "bugs",
        "Bugs and crashes",
        strong=(
            r"\bbug(?:s|gy|ged)?\b|\bglitch\w*|\bcrash\w*|\bfroze\b|\bfreez\w*|\berrors?\b|"
            r"\bbroken (?:update|patch|feature|build)\b|\bsince the (?:latest |last |new )?"
            r"(?:update|patch)\b",
            # Software that refuses to do its job, in the words people use for it: "won't let me
            # install", "it does not allow me to change", "stopped working", "stuck in a loading
            # screen", "BSOD on every boot".
            # (Not "won't let me in" or "log in": that is the account's.)
            r"\b(?:won'?t|will not|doesn'?t|does not|didn'?t|isn'?t|is not|not) (?:let(?:ting)? "
            r"me|allow(?:ing)? me)\b(?! (?:in\b|into\b|log|sign|access))|\b(?:stopped|not|isn'?t|"
            r"doesn'?t|does not|never) work(?:ing|s)?\b|\bloading screen\b|\b(?:black|blue|white) "
            r"screen\b|\bbsod\b|\bkeeps? "
            r"(?:closing|quitting|restarting|disconnecting|logging me out|kicking me)\b",
            # Syncing, installing and playing that fail: "nothing syncs anymore", "uninstall
            # says it failed", "audio problem in videos", "getting this message when I run it".
            r"\b(?:won'?t|doesn'?t|does not|not|isn'?t|stopped|can'?t|cannot|nothing) sync(?:s|"
            r"ing)?\b|\bsync(?:ing)? (?:issues?|problems?|errors?)\b|\b(?:says|said) it failed\b|"
            r"\bkeeps? failing\b|\bno longer works?\b|\ban? error (?:has )?occurr?ed\b|"
            r"\b(?:aren'?t|are not|hasn'?t been|haven'?t been|has not been|have not been|wasn'?t|"
            r"weren'?t) working\b|\bfail(?:s|ed)? to (?:install|update|load|open|start|launch|sync|"
            r"upload|download|save|export|play)\b|\b(?:audio|sound|playback) (?:issues?|problems?|"
            r"glitch\w*|not working|cuts? out)\b|\bgetting (?:this|the|that|an?) (?:message|error|"
            r"screen)\b|\brefuses? to (?:read|load|start|open|install|work|play|launch|connect|"
            r"sync|update)\b",
            # Work the software stopped doing: "suddenly stops exporting", "unable to convert".
            r"\bstop(?:s|ped)? (?:exporting|importing|saving|loading|syncing|responding|opening|"
            r"launching|playing|printing|uploading|downloading|rendering|updating)\b|\bunable to "
            r"(?:convert|export|import|save|open|detect|render|upload|download|print|install|"
            r"update|launch)\b",
        ),
    ),
    CategorySpec(
        "account",
        "Accounts, bans and access",
        strong=(
            r"\b(?:banned|suspended|terminated|disabled|deactivated|locked|hacked|compromised)\b",
            r"\b(?:recover\w*|restor\w*|unlock\w*|get back into) (?:my|our) (?:own |old )?(?:\w+ )?"
            r"(?:account|channel|profile)\b|\b(?:got|get|keeps? getting) (?:randomly )?logged "
            r"out\b|\blet me (?:get |log )?in(?:to)? my (?:own )?(?:\w+ )?(?:account|email|mail)\b",
            rf"\b{_CANT} (?:log ?(?:in|into|on)|sign ?(?:in|into|on))\b|\bpasswords?\b|\b2fa\b|"
            r"\b(?:two|2)[- ]?(?:factor|step)\b|"
            r"\bverification (?:code|email|device)\b",
            # "locked me out", "help getting into my old account"
            r"\block(?:s|ed|ing)? (?:me |us |them |users |a user |a genuine user )?out\b|\b(?:get|"
            r"getting|got) (?:back )?into (?:my|our) (?:\w+ ){0,2}account\b|\b(?:get|getting|got) "
            r"(?:my|our) (?:\w+ )?account back\b",
            # Someone else in the account: "why is someone from russia logging into my spotify"
            r"\bsomeone (?:\w+ ){0,4}(?:logg(?:ing|ed) (?:in|into|on)|log(?:s|ged)? in(?:to)?|got "
            r"into|getting into|signed (?:in|into)|accessed|hacked)\b",
        ),
    ),
    CategorySpec(
        "data_loss",
        "Lost data or progress",
        strong=(
            r"\b(?:lost|deleted|wiped|erased|reset|disappeared|corrupted?|missing)\b[^.!?\n]{0,25}"
            r"\b(?:my |all (?:my )?|our )?(?:progress|data|files?|saves?|save file|work|photos|"
            r"world|items?|library|playlist|history|emails?|documents?|inventory|character|"
            r"unlocks|rewards|achievements|coins|credits|pictures|pics|albums|videos|music|songs|"
            r"podcasts|contacts|messages|notes|bookmarks)\b",
            r"\b(?:get|getting|recover|restore) (?:back )?(?:all )?(?:of )?(?:my|our) (?:pictures|"
            r"photos|files|data|albums|videos|messages|contacts|emails|documents|music|songs)\b",
            r"\b(?:progress|data|files?|saves?|save file|work|photos|world|library|inventory|"
            r"character)\b[^.!?\n]{0,20}\b(?:gone|lost|deleted|wiped|reset|disappeared|corrupt\w*)"
            r"\b",
        ),
    ),
    CategorySpec(
        "performance",
        "Performance",
        strong=(
            r"\blag\w*|\bslow(?:ness|er)?\b|\bfps\b|\blatency\b|\bping\b|\bstutter\w*|(?<!no )"
            r"(?<!without )\bbuffer(?:ing|s)\b|\binterruptions?\b|\b(?:cpu|memory|ram) (?:usage|"
            r"use|spikes?)\b|\busing (?:all|100%) of (?:my |the )?(?:cpu|memory|ram)",
        ),
    ),
    CategorySpec(
        "subscriptions",
        "Subscriptions and purchases",
        strong=(
            r"\bsubscriptions?\b|\bauto[- ]?renew\w*|\bfree trial\b|\bpaid for\b|\bin-?app "
            r"purchases?\b|\bpurchases? (?:not|never|didn'?t)\b|\bcharged\b",
            # Paid and not received: "bought the pack and didn't get the money", "purchased it
            # but apparently I don't own it".
            # A price's decimal point ("for 3.7 million") does not end the sentence; what was
            # won or ordered and never arrived is the same matter.
            r"\b(?:bought|purchased|paid|ordered|redeemed|won)\b(?:[^.!?\n]|(?<=\d)\.(?=\d))"
            r"{0,60}\b(?:didn'?t|did not|never|still (?:haven'?t|have not|didn'?t|not)|haven'?t|"
            r"have not|don'?t|do not|can'?t|cannot|not) (?:get|got|receive\w*|own|have|show\w*|"
            r"appear\w*|work\w*)\b(?! (?:my |our |a |the )?(?:money|refund))",
            r"\b(?:have|has|still) yet to (?:receive|get|see)\b|\b(?:can'?t|cannot|unable to|not "
            r"able to) redeem\b",
        ),
    ),
    CategorySpec(
        "policy",
        "Content and moderation",
        strong=(
            r"\bcopyright\b|\bdemoneti[sz]\w*|\bstrikes?\b|\bmoderat\w*|\bcommunity guidelines\b|"
            r"\b(?:video|post|review|comment|channel)s? (?:was |got |has been )?(?:removed|taken "
            r"down|deleted|flagged|restricted|blocked)\b",
        ),
    ),
)

HOTEL = _with(
    CategorySpec(
        "room",
        "Rooms",
        strong=(
            r"\bbed ?bugs?\b|\b(?:noisy|tiny|dirty|cold|freezing|hot|smelly|damp) rooms?\b|"
            r"\brooms? (?:was|were|is) (?:\w+ )?(?:dirty|tiny|small|noisy|cold|freezing|hot|smelly"
            r"|damp|not ready|filthy)\b",
            r"\bbroken (?:ac|air con\w*|heating|heater|shower|tv|lock|window|toilet)\b|\bno hot "
            r"water\b|\bmou?ld\w*|\bstain(?:s|ed)\b",
        ),
        weak=(r"\b(?:room|bed|shower|towels?|sheets|pillows?|noise|noisy)\b",),
    ),
    CategorySpec(
        "reservations",
        "Reservations and check-in",
        strong=(
            r"\breservations?\b|\bbook(?:ed|ing)s?\b|\boverbook\w*|\bcheck[- ]?(?:in|out)\b|"
            r"\bgave (?:away )?(?:our|my) room\b|\bdowngrad\w*|\bupgrade\w*",
        ),
    ),
    CategorySpec(
        "amenities",
        "Amenities",
        strong=(
            r"\bwi-?fi\b|\bpool\b|\bbreakfast\b|\bgym\b|\bspa\b|\bparking\b|\blift\b|\belevator\b|"
            r"\brestaurant\b|\bbar\b|\broom service\b",
        ),
    ),
)

GYM = _with(
    CategorySpec(
        "membership",
        "Membership and cancellation",
        strong=(
            r"\bmembership\w*|\bcancel (?:my |the )?(?:membership|contract|subscription)\b|"
            r"\bjoining fee\b|\bfreeze (?:my )?membership\b|\bcontract\b",
        ),
    ),
    CategorySpec(
        "equipment",
        "Equipment",
        strong=(
            r"\b(?:machines?|equipment|treadmills?|bikes?|weights|racks?|lockers?)\b[^.!?\n]{0,25}"
            r"\b(?:broken|out of order|not working|missing|dirty)\b|\bout of order\b",
        ),
        weak=(r"\b(?:machines?|equipment|treadmills?|weights)\b",),
    ),
    CategorySpec(
        "crowding",
        "Crowding and classes",
        strong=(
            r"\b(?:crowded|packed|overcrowded|rammed)\b|\bclass(?:es)? (?:was |were |got )?"
            r"(?:cancelled|full|overbooked)\b|\bqueue for\b",
        ),
    ),
    CategorySpec(
        "cleanliness",
        "Cleanliness",
        strong=(
            r"\b(?:dirty|filthy|disgusting|smelly|grimy)\b|\b(?:showers?|changing rooms?|toilets?|"
            r"locker rooms?)\b",
        ),
    ),
)

HEALTH = _with(
    CategorySpec(
        "appointments",
        "Appointments",
        strong=(
            r"\bappointments?\b|\bwaiting (?:room|list)\b|\b(?:cancelled|rescheduled|moved) (?:my|"
            r"our) (?:appointment|visit|surgery|treatment)\b|\bwaited (?:over |more than )?"
            r"(?:\d+|an?|two|three) (?:min\w*|hours?)\b",
        ),
    ),
    CategorySpec(
        "treatment",
        "Treatment",
        strong=(
            r"\b(?:pain|painful|botched|infection|infected|swollen|bleeding|misdiagnos\w*|wrong "
            r"(?:tooth|medication|dose|diagnosis))\b|\b(?:filling|crown|implant|extraction|"
            r"surgery|procedure|braces|treatment)s? (?:went wrong|failed|fell out|hurt|broke)\b",
        ),
    ),
)

AUTOMOTIVE = _with(
    CategorySpec(
        "repairs",
        "Repairs and servicing",
        strong=(
            r"\brepair\w*|\bwarranty\b|\bmechanics?\b|\bworkshop\b|\bservic(?:e|ing) (?:centre|"
            r"center|department|appointment)\b|\b(?:mot|recall)\b|\bparts? (?:on order|not "
            r"available|back ?order\w*)\b|\bstill (?:broken|not fixed)\b",
        ),
    ),
    CategorySpec(
        "sales",
        "Sales practices",
        strong=(
            r"\bpushy\b|\bbait\b|\bhidden fees?\b|\bfinance (?:deal|agreement|paperwork)\b|\btrade"
            r"[- ]?in\b|\bdeposit\b|\bsalesm[ae]n\b|\bsales (?:person|guy|team|rep)\b|"
            r"\bmis-?sold\b",
        ),
    ),
    CategorySpec(
        "handover",
        "Vehicle delivery and handover",
        strong=(
            r"\b(?:car|vehicle)\b[^.!?\n]{0,25}\b(?:not ready|late|delayed|still not|damaged|"
            r"dirty)\b|\bhandover\b|\bcollection\b|\bdelivery date\b",
        ),
    ),
)

COURIER = _with(
    CategorySpec(
        "lost_parcels",
        "Lost parcels",
        strong=(
            r"\b(?:lost|missing|stolen|never (?:arrived|received|got))\b[^.!?\n]{0,25}\b(?:parcels?"
            r"|"
            r"packages?|items?|deliver(?:y|ies)|orders?)\b|\b(?:parcels?|packages?) (?:has |have |"
            r"was |were )?(?:lost|gone missing|missing|stolen|disappeared)\b",
        ),
    ),
    CategorySpec(
        "damaged_parcels",
        "Damaged parcels",
        strong=(
            r"\b(?:damaged|crushed|smashed|broken|opened|soaked|wet|torn)\b[^.!?\n]{0,20}\b(?:parce"
            r"ls"
            r"?|packages?|box|boxes|items?|contents)\b|\bthrown (?:over|at|on)\b|\bthrew (?:it|my)"
            r"\b",
        ),
    ),
    CategorySpec(
        "missed_delivery",
        "Missed deliveries",
        strong=(
            r"\b(?:missed|failed|attempted|fake) deliver(?:y|ies)\b|\b(?:card|note) through (?:the|"
            r"my|our) (?:door|letterbox)\b|\bsaid (?:i|we) (?:was|were|wasn'?t|weren'?t) (?:not )?"
            r"(?:in|home)\b|\bwrong address\b|\bleft (?:it |my \w+ )?(?:outside|at|on|in|with|"
            r"behind)\b|\bneighbou?r\b|\bdidn'?t (?:even )?(?:knock|ring)\b",
        ),
    ),
    CategorySpec(
        "late",
        "Late deliveries",
        strong=(
            r"\blate\b|\bdelay\w*|\bstill (?:not|hasn'?t|haven'?t) (?:arrived|delivered|come)\b|"
            r"\bwhere(?:'s| is) (?:my|our) (?:parcel|package|delivery|order)\b|\bdays? (?:late|"
            r"overdue)\b|\bstuck (?:in|at)\b",
        ),
    ),
    CategorySpec(
        "tracking",
        "Tracking",
        strong=(r"\btracking\b|\btracker\b|\bstatus (?:says|shows|hasn'?t|not)\b",),
    ),
    CategorySpec(
        "staff",
        "Drivers and staff",
        strong=(r"\bdrivers?\b|\bcouriers?\b", *STAFF.strong),
        weak=STAFF.weak,
    ),
)

PROPERTY = _with(
    CategorySpec(
        "repairs",
        "Repairs and maintenance",
        strong=(
            r"\brepair\w*|\bleak\w*|\bmou?ld\w*|\bdamp\b|\bheating\b|\bboiler\b|\bno hot water\b|"
            r"\bmaintenance\b|\bpests?\b|\binfestation\b|\bbroken (?:window|door|lock|heating|"
            r"boiler|toilet)\b",
        ),
    ),
    CategorySpec(
        "deposits",
        "Deposits and fees",
        strong=(r"\bdeposits?\b|\bholding fee\b|\badmin fees?\b|\brent (?:increase|rise|hike)\b",),
    ),
    CategorySpec(
        "neighbours",
        "Neighbours and noise",
        strong=(r"\bneighbou?rs?\b|\bnoise\b|\bnoisy\b|\banti-?social\b",),
    ),
)

GENERAL = _with(
    _DELIVERY,
    CategorySpec(
        "quality",
        "Product quality",
        strong=(
            r"\b(?:broke|broken|faulty|defective|ripped|fell apart|stopped working|doesn'?t work|"
            r"poor quality|cracked)\b",
        ),
    ),
    CategorySpec("outage", "Outage", brings=_OUTAGE_BRINGS, strong=_OUTAGE_WORDS),
    CategorySpec(
        "waiting",
        "Queues and waiting",
        strong=(r"\b(?:long |huge )?(?:queues?|lines?|waits?) (?:for|at|to)\b|\bqueu\w*",),
    ),
)

INDUSTRIES: dict[str, tuple[CategorySpec, ...]] = {
    "general": GENERAL,
    "airline": AIRLINE,
    "restaurant": RESTAURANT,
    "retail": RETAIL,
    "telecom": TELECOM,
    "utility": UTILITY,
    "bank": BANK,
    "software": SOFTWARE,
    "hotel": HOTEL,
    "gym": GYM,
    "health": HEALTH,
    "automotive": AUTOMOTIVE,
    "courier": COURIER,
    "property": PROPERTY,
}
# What people call the same trade.
ALIASES = {
    "airlines": "airline",
    "aviation": "airline",
    "cafe": "restaurant",
    "food": "restaurant",
    "bakery": "restaurant",
    "food_delivery": "restaurant",
    "hospitality": "hotel",
    "travel": "hotel",
    "ecommerce": "retail",
    "e-commerce": "retail",
    "fashion": "retail",
    "shop": "retail",
    "isp": "telecom",
    "mobile": "telecom",
    "telecoms": "telecom",
    "energy": "utility",
    "water": "utility",
    "finance": "bank",
    "fintech": "bank",
    "insurance": "bank",
    "saas": "software",
    "app": "software",
    "games": "software",
    "gaming": "software",
    "fitness": "gym",
    "dental": "health",
    "healthcare": "health",
    "clinic": "health",
    "car_dealer": "automotive",
    "cars": "automotive",
    "delivery": "courier",
    "logistics": "courier",
    "real_estate": "property",
    "landlord": "property",
    "lettings": "property",
}
# A restaurant that delivers has drivers and late orders; a cafe mostly not, but the shared
# delivery category covers both.


def known_industries() -> list[str]:
    return sorted({*INDUSTRIES, *ALIASES})


def canonical_industry(industry: str | None) -> str | None:
    """The industry key douse ships categories for, or None when it is not one."""
    key = (industry or "general").strip().lower().replace(" ", "_")
    key = ALIASES.get(key, key)
    return key if key in INDUSTRIES else None


def industry_categories(industry: str | None) -> tuple[CategorySpec, ...]:
    key = canonical_industry(industry)
    return INDUSTRIES[key] if key is not None else GENERAL

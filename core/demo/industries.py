"""What people say about each kind of business: the vocabulary the demo's mention texts are made of.

An issue or praise is a clause that follows the brand ("Northwind Air" + "lost my bag at {place}");
questions and news are whole sentences. Slots in braces are filled per mention, so one clause
reads differently for every branch, product and wait. Every `cluster` line describes the same
single problem, for the demo's cluster of complaints.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Offer:
    """What an agency typically offers to put things right, for the demo's outreach stories."""

    what: str  # "a refund", "a voucher"
    low: int
    high: int


@dataclass(frozen=True)
class Industry:
    key: str
    suffixes: tuple[str, ...]  # brand name endings for generated clients ("Air", "Airways")
    hours: dict[str, str | list[str]] | None  # business hours as clients.toml writes them
    volume: float  # relative mention volume: airlines are talked about more than dentists
    products: tuple[str, ...]
    issues: tuple[str, ...]
    praise: tuple[str, ...]
    questions: tuple[str, ...]
    news: tuple[str, ...]
    critical: tuple[str, ...]
    critical_terms: tuple[str, ...]
    cluster_problem: str
    cluster: tuple[str, ...]
    review_platforms: tuple[str, ...]
    subreddits: tuple[str, ...]
    offer: Offer


AIRLINE = Industry(
    key="airline",
    suffixes=("Air", "Airways", "Airlines", "Jet"),
    hours=None,
    volume=1.6,
    products=("flight", "booking", "checked bag", "seat upgrade", "app", "lounge pass"),
    issues=(
        "cancelled my flight to {place} with two hours' notice",
        "lost my suitcase on the way back from {place}",
        "kept us on the tarmac at {place} for {wait} with no water",
        "charged me twice for the same {product}",
        "still hasn't refunded my cancelled {product} after six weeks",
        "moved my seat away from my kids without telling me",
        "left the whole flight waiting {wait} at the {place} gate",
        "won't let me change the name on my {product}",
        "broke the handle off my checked bag and won't pay for it",
        "sold me a seat that the app now says doesn't exist",
    ),
    praise=(
        "rebooked me in ten minutes after the {place} delay",
        "had the friendliest cabin crew I've met in years",
        "found my lost bag and drove it to my door",
        "landed early into {place}, smooth flight",
        "upgraded us for our honeymoon",
        "sorted my refund the same day",
    ),
    questions=(
        "Does anyone know if {brand} lets you bring a folding bike as a checked bag?",
        "Is the {brand} lounge at {place} open before 6am?",
        "How early do you need to be at {place} for a {brand} flight these days?",
        "Has anyone used the {brand} app to change a {product}? Worth it or just call?",
        "Is {brand} still flying to {place} over the winter?",
    ),
    news=(
        "{brand} adds three new routes from {place} next spring",
        "{brand} reports record passenger numbers for the summer",
        "{brand} to change cabin bag rules from January",
    ),
    critical=(
        "made an emergency landing at {place} and nobody has told us anything",
        "left us stranded overnight in {place} with no hotel",
    ),
    critical_terms=("emergency landing", "stranded overnight", "injured"),
    cluster_problem="check-in app crashing",
    cluster=(
        "The {brand} app crashes every time I try to check in. Queue at {place} is huge now.",
        "Anyone else unable to check in on the {brand} app? It just closes itself.",
        "{brand} check-in app has been broken all morning, had to queue at the desk.",
        "Online check-in with {brand} fails at the passport step, every single time.",
        "Third try checking in on the {brand} app, third crash. Fix it please.",
        "{brand} your check-in app is down and the airport queue at {place} is out the door.",
    ),
    review_platforms=("tripadvisor", "trustpilot"),
    subreddits=("travel", "flights", "unitedkingdom"),
    offer=Offer("a travel voucher", 50, 250),
)

CAFE = Industry(
    key="cafe",
    suffixes=("Cafés", "Coffee", "Bakehouse", "Kitchen"),
    hours={"weekdays": "07:00-19:00", "weekends": "08:00-17:00"},
    volume=0.9,
    products=("flat white", "chicken wrap", "almond croissant", "oat latte", "breakfast bap"),
    issues=(
        "served me a cold {product} and shrugged when I mentioned it",
        "got my order wrong twice at the {place} branch",
        "kept me waiting {wait} for one {product}",
        "charged £4.20 for a {product} that was half foam",
        "had tables at {place} that hadn't been wiped all day",
        "ignored my allergy note on the {product}",
        "closed the {place} branch early with no sign on the door",
        "had a barista at {place} who was rude to my elderly mum",
    ),
    praise=(
        "makes the best {product} in {place}, no contest",
        "remembered my order after two visits",
        "had lovely staff at the {place} branch today",
        "gave my dog a biscuit and me a free refill",
        "is my favourite place to work from in {place}",
    ),
    questions=(
        "Does {brand} in {place} do oat milk at no extra charge?",
        "Is {brand} {place} dog friendly?",
        "What time does {brand} in {place} close on Sundays?",
        "Does {brand} take bookings for groups of eight?",
    ),
    news=(
        "{brand} opens its twelfth branch, in {place}",
        "{brand} switches to fully compostable cups",
    ),
    critical=(
        "gave me food poisoning, the {product} from {place} had me ill for two days",
        "had a rat running under the tables at {place}, I have a video",
    ),
    critical_terms=("food poisoning", "mould", "allergic reaction", "rat"),
    cluster_problem="card machines down",
    cluster=(
        "Card machine at {brand} {place} not working again, cash only, who carries cash?",
        "{brand} card readers down across {place}, had to leave my coffee.",
        "Is it just me or are {brand} card payments failing everywhere today?",
        "{brand} {place}: 'card machine's broken' for the third day running.",
        "Queue out the door at {brand} because nobody can pay by card.",
        "Couldn't pay by card at {brand} {place} this morning either. Sort it out.",
    ),
    review_platforms=("google", "tripadvisor"),
    subreddits=("london", "coffee", "CasualUK"),
    offer=Offer("a voucher", 5, 25),
)

SAAS = Industry(
    key="saas",
    suffixes=("HQ", "Cloud", "Books", "Ledger"),
    hours={"weekdays": ["08:00-12:30", "13:30-19:00"]},
    volume=0.8,
    products=("invoicing", "bank feed", "payroll module", "API", "mobile app", "VAT return"),
    issues=(
        "double charged my card for the annual plan",
        "logged me out in the middle of a {product} run and lost my work",
        "changed the pricing with a week's notice",
        "has had the {product} broken for {wait}",
        "took {wait} to answer a support ticket",
        "silently dropped a feature I pay for",
        "made the {product} so slow it's unusable",
        "exported my data as a broken CSV",
    ),
    praise=(
        "support fixed my {product} issue in fifteen minutes",
        "made quarter-end painless this year",
        "shipped exactly the {product} feature we asked for",
        "has the cleanest {product} I've used",
        "is worth every penny for a small team",
    ),
    questions=(
        "Has anyone migrated from spreadsheets to {brand}? How long did it take?",
        "Does the {brand} {product} work with multiple currencies?",
        "Is there a way to bulk import contacts into {brand}?",
        "Anyone using the {brand} API for {product}? Rate limits OK?",
    ),
    news=(
        "{brand} raises a Series B to expand into Europe",
        "{brand} launches an open API for its {product}",
        "Show HN: a CLI for the {brand} API",
    ),
    critical=(
        "leaked another customer's invoices into my account, this is a data breach",
        "lost my data after the update, three years of records gone",
    ),
    critical_terms=("data breach", "leaked", "outage", "lost my data", "double charged"),
    cluster_problem="app login broken",
    # Every line shares "login", "broken" and "page", as people repeating one problem do.
    cluster=(
        "{brand} login broken since this morning, the login page just spins.",
        "{brand} login broken? 2FA code accepted, then straight back to the login page.",
        "Is {brand} login broken for everyone? Nobody on our team gets past the login page.",
        "{brand} login still broken and their status page says all green.",
        "Locked out of {brand} on payroll day. Login broken, the login page loops forever.",
        "{brand} login broken: 'session expired' right after the login page.",
        "Still can't get past the {brand} login page. Broken for hours now.",
        "Third browser, cleared cookies, {brand} login page still broken.",
    ),
    review_platforms=("trustpilot",),
    subreddits=("smallbusiness", "Accounting", "SaaS"),
    offer=Offer("a credit on the account", 20, 200),
)

TELECOM = Industry(
    key="telecom",
    suffixes=("Mobile", "Telecom", "Connect", "Fibre"),
    hours={"weekdays": "08:00-22:00", "weekends": "09:00-18:00"},
    volume=1.5,
    products=("broadband", "SIM", "contract", "router", "roaming pack", "5G plan"),
    issues=(
        "has had my {product} down for {wait}",
        "charged me roaming fees in a country that was included",
        "put my bill up again mid-contract",
        "kept me on hold {wait} and then cut me off",
        "sent an engineer who never turned up in {place}",
        "won't release my PAC code",
        "sold me a {product} with speeds nowhere near what was promised",
        "switched my number to someone else by mistake",
    ),
    praise=(
        "sorted my {product} over chat in five minutes",
        "engineer in {place} was brilliant and explained everything",
        "actually lowered my bill when I asked",
        "has rock solid signal even out in {place}",
        "gave me a free {product} upgrade for being a long-time customer",
    ),
    questions=(
        "Is {brand} coverage any good in {place}?",
        "Can you keep your number when moving to {brand}?",
        "Does the {brand} {product} include EU roaming?",
        "Anyone on {brand} {product}? What speeds do you actually get?",
    ),
    news=(
        "{brand} switches on 5G across {place}",
        "{brand} announces price rises from April",
    ),
    critical=(
        "gave my SIM to a scammer who emptied my bank account, this is fraud",
        "cut off my elderly dad's landline with no warning, he relies on his alarm",
    ),
    critical_terms=("fraud", "sim swap", "vulnerable customer"),
    cluster_problem="network outage",
    cluster=(
        "No signal at all on {brand} in {place} since lunchtime.",
        "{brand} down? No data, no calls, nothing in {place}.",
        "Whole street in {place} has no {brand} signal. Working from home is impossible.",
        "{brand} outage again. Can't even call the helpline because there's no signal.",
        "Is there a {brand} outage in {place}? Phone says SOS only.",
        "{brand} broadband and mobile both dead in {place}. Great combo.",
    ),
    review_platforms=("trustpilot",),
    subreddits=("unitedkingdom", "ireland", "HomeNetworking"),
    offer=Offer("a bill credit", 10, 60),
)

HOTEL = Industry(
    key="hotel",
    suffixes=("Hotels", "Hotel Group", "Resorts", "Suites"),
    hours=None,
    volume=0.8,
    products=("room", "spa day", "breakfast", "suite", "wedding package", "late checkout"),
    issues=(
        "gave away our {product} in {place} even though we'd prepaid",
        "had a {product} in {place} with stained sheets and a broken shower",
        "charged a 'resort fee' nobody mentioned when I booked",
        "left us waiting {wait} at check-in in {place}",
        "kept our deposit for a month after checkout",
        "had noisy building work outside our {product} all weekend",
        "lost our luggage at the {place} concierge",
    ),
    praise=(
        "upgraded us to a {product} for our anniversary",
        "in {place} has the best breakfast I've had in a hotel",
        "staff in {place} went out of their way for my mum",
        "had the comfiest beds, slept like a baby",
        "arranged a late checkout without any fuss",
    ),
    questions=(
        "Is parking included at {brand} {place}?",
        "Does {brand} {place} have a pool for kids?",
        "How far is {brand} {place} from the station?",
        "Has anyone had a wedding at {brand}? How was it?",
    ),
    news=(
        "{brand} opens a boutique hotel in {place}",
        "{brand} named among the best family hotels this year",
    ),
    critical=(
        "had bed bugs in our {product} in {place}, we're covered in bites",
        "had a guest injured by a collapsed balcony rail in {place}",
    ),
    critical_terms=("bed bugs", "injured", "carbon monoxide"),
    cluster_problem="overbooking",
    cluster=(
        "{brand} {place} overbooked and sent us to another hotel at midnight.",
        "Arrived at {brand} {place} with a confirmed booking: 'no rooms left'.",
        "{brand} overbooked again, third family turned away while we queued.",
        "Prepaid {brand} room in {place} given away, we were 'walked' to a motel.",
        "Overbooked at {brand} {place} on a conference weekend. Zero apology.",
        "{brand} told us our room 'wasn't guaranteed'. It was prepaid.",
    ),
    review_platforms=("tripadvisor", "google"),
    subreddits=("travel", "hotels"),
    offer=Offer("a refund of one night", 90, 240),
)

BANK = Industry(
    key="bank",
    suffixes=("Bank", "Building Society", "Savings", "Money"),
    hours={"weekdays": "08:00-20:00", "sat": "09:00-14:00"},
    volume=1.0,
    products=("current account", "mortgage", "credit card", "savings account", "app", "card"),
    issues=(
        "froze my {product} with no explanation",
        "has kept my mortgage application in limbo for two months",
        "closed the {place} branch and the nearest is an hour away",
        "charged me an overdraft fee for a payment that cleared",
        "blocked my {product} abroad even though I told them I'd travel",
        "took three weeks to send a replacement {product}",
        "kept me on hold {wait} to report a lost {product}",
    ),
    praise=(
        "spotted a fraudulent payment before I did",
        "mortgage adviser in {place} was patient and clear",
        "has the easiest {product} I've ever used",
        "sorted a disputed payment in a day",
        "staff in {place} helped my gran set up online banking",
    ),
    questions=(
        "How long does a {brand} mortgage offer usually take?",
        "Does {brand} charge for using the {product} abroad?",
        "Is the {brand} branch in {place} still open on Saturdays?",
        "Anyone switched their {product} to {brand}? Was it painless?",
    ),
    news=(
        "{brand} raises rates on its {product}",
        "{brand} to close six branches including {place}",
    ),
    critical=(
        "let someone take out a loan in my name, this is identity fraud",
        "showed me another customer's account details in the app, that's a data breach",
    ),
    critical_terms=("fraud", "data breach", "identity theft"),
    cluster_problem="card payments declined",
    cluster=(
        "{brand} cards declined everywhere today, embarrassing at the till.",
        "Anyone else's {brand} card being declined? Plenty of money in the account.",
        "{brand} card payments failing, app says nothing is wrong.",
        "Card declined three times in {place}. Thanks {brand}.",
        "Is {brand} having problems? Every card payment declined since 9am.",
        "{brand} please confirm there's an issue with card payments, can't buy food.",
    ),
    review_platforms=("trustpilot", "google"),
    subreddits=("UKPersonalFinance", "personalfinance"),
    offer=Offer("a goodwill payment", 25, 150),
)

FASHION = Industry(
    key="fashion",
    suffixes=("Maison", "Apparel", "Studio", "& Co"),
    hours={"weekdays": "09:00-18:00"},
    volume=1.0,
    products=("wool coat", "trainers", "linen shirt", "order", "return", "jeans"),
    issues=(
        "still hasn't refunded my {product} return after five weeks",
        "sent me the wrong size {product} twice",
        "sold me a {product} that fell apart after two washes",
        "charged me for return postage they said was free",
        "cancelled my {product} order without telling me",
        "had a rude assistant at the {place} store",
        "lost my {product} parcel and blames the courier",
    ),
    praise=(
        "makes the best {product} I own, three winters and still perfect",
        "exchanged my {product} in {place} with no receipt",
        "delivered my {product} next day, beautifully packed",
        "staff in {place} styled my whole outfit for a wedding",
        "has lovely sustainable fabrics",
    ),
    questions=(
        "How does {brand} sizing run? Between sizes on the {product}.",
        "Does {brand} ship to Ireland?",
        "Is the {brand} sale online or only in the {place} store?",
        "Anyone know when {brand} restocks the {product}?",
    ),
    news=(
        "{brand} launches a repair service for its {product}",
        "{brand} opens a flagship store in {place}",
    ),
    critical=(
        "uses child labour according to this report, I'm done with them",
        "had a security guard in {place} racially profile my son, this is discrimination",
    ),
    critical_terms=("discrimination", "child labour", "counterfeit"),
    cluster_problem="refunds not arriving",
    cluster=(
        "Returned my order to {brand} a month ago. Still no refund.",
        "{brand} refunds seem to be stuck for everyone, mine is 5 weeks now.",
        "Where is my refund {brand}? Tracking shows you got the parcel.",
        "Any {brand} customers actually received a refund lately?",
        "{brand} refund 'processing' for 30 days. That's my money.",
        "Chasing {brand} for a refund for the fourth time.",
    ),
    review_platforms=("trustpilot",),
    subreddits=("femalefashionadvice", "malefashionadvice"),
    offer=Offer("a discount code", 10, 40),
)

GYM = Industry(
    key="gym",
    suffixes=("Fitness", "Gyms", "Athletic", "Fit"),
    hours={"weekdays": "06:00-21:00", "weekends": "07:00-17:00"},
    volume=0.6,
    products=("membership", "spin class", "personal training", "sauna", "app", "locker"),
    issues=(
        "kept charging my {product} after I cancelled",
        "has had half the treadmills in {place} broken for a month",
        "cancelled my {product} five minutes before it started",
        "froze my membership without asking",
        "let the changing rooms in {place} get filthy",
        "is so overcrowded in {place} you wait {wait} for a rack",
    ),
    praise=(
        "has the best {product} instructors in {place}",
        "trainer got me through my first 10k",
        "in {place} is spotless and never crowded at 6am",
        "let me pause my {product} while I was injured, no fuss",
    ),
    questions=(
        "Is {brand} {place} busy in the evenings?",
        "Does {brand} do a student rate on the {product}?",
        "Can you bring a guest to {brand}?",
    ),
    news=(
        "{brand} opens a 24-hour site in {place}",
        "{brand} adds reformer pilates to its {product} timetable",
    ),
    critical=(
        "had a weight machine in {place} collapse and I was injured",
        "had a member collapse in {place} and nobody knew where the defibrillator was",
    ),
    critical_terms=("injured", "unsafe", "harassment"),
    cluster_problem="booking app double-booking classes",
    cluster=(
        "{brand} app booked me into a class that was already full.",
        "Turned up for spin at {brand} {place}, app double-booked my bike.",
        "{brand} booking app is a mess, three of us had the same spot.",
        "Anyone else getting 'class full' after {brand} confirmed the booking?",
        "{brand} please fix the class booking, it's double-booking everyone.",
        "Second time this week the {brand} app double-booked me.",
    ),
    review_platforms=("google",),
    subreddits=("fitness", "sydney"),
    offer=Offer("a free month", 30, 80),
)

FOOD_DELIVERY = Industry(
    key="food_delivery",
    suffixes=("Eats", "Bite", "Dash", "Deliver"),
    hours=None,
    volume=1.4,
    products=("order", "burrito bowl", "pizza", "subscription", "promo code", "sushi"),
    issues=(
        "delivered my {product} {wait} late and stone cold",
        "marked my {product} delivered when it never arrived",
        "refused a refund for a {product} with half the items missing",
        "charged a surge fee of $9 in {place} on a Tuesday night",
        "sent a courier who ate my fries, I watched him do it",
        "cancelled my {product} after I'd waited {wait}",
        "renewed my {product} without any reminder",
    ),
    praise=(
        "got my {product} here in eighteen minutes, still hot",
        "refunded a missing item instantly",
        "courier in {place} waited while I found my keys, legend",
        "has the best restaurant choice in {place}",
    ),
    questions=(
        "Does {brand} deliver to {place} after midnight?",
        "Is the {brand} {product} worth it if you order twice a week?",
        "How do you tip a {brand} courier after the order?",
    ),
    news=(
        "{brand} expands grocery delivery to {place}",
        "{brand} couriers in {place} vote on pay",
    ),
    critical=(
        "gave my kid a peanut dish marked nut free, allergic reaction, we're in A&E",
        "got food poisoning from a {product}, whole family sick",
    ),
    critical_terms=("allergic reaction", "food poisoning", "assault"),
    cluster_problem="orders stuck at 'preparing'",
    cluster=(
        "{brand} order stuck on 'preparing' for an hour.",
        "Anyone's {brand} order actually moving? Mine's been 'preparing' forever.",
        "{brand} app says preparing, restaurant says they never got it.",
        "{brand} is broken tonight, orders stuck and support won't answer.",
        "Hungry and stuck on 'preparing'. Thanks {brand}.",
        "Every {brand} order in {place} seems stuck tonight.",
    ),
    review_platforms=("trustpilot",),
    subreddits=("chicago", "doordash_drivers", "food"),
    offer=Offer("a refund and credit", 10, 40),
)

CAR_DEALER = Industry(
    key="car_dealer",
    suffixes=("Motors", "Auto", "Cars", "Autohaus"),
    hours={"weekdays": "09:00-18:00", "sat": "10:00-16:00"},
    volume=0.4,
    products=("service", "used SUV", "trade-in", "test drive", "warranty", "lease"),
    issues=(
        "quoted one price and added $1,200 in fees at signing",
        "kept my car for a {product} for two weeks",
        "sold me a {product} with a warning light that came on the next day",
        "lowballed my {product} and then resold it for double",
        "never called back about the {product}",
        "scratched my car during a {product} and denied it",
    ),
    praise=(
        "made buying a {product} completely painless",
        "salesperson in {place} didn't pressure us at all",
        "fixed my {product} issue under warranty without a fight",
        "gave me a fair price on my {product}",
    ),
    questions=(
        "Does {brand} {place} do {product} on weekends?",
        "Anyone financed through {brand}? What APR did you get?",
        "Is {brand} good for a {product}?",
    ),
    news=(
        "{brand} opens an EV showroom in {place}",
        "{brand} recalls some {product} sales paperwork",
    ),
    critical=(
        "sold me a car with the airbags recalled and never fixed, this is unsafe",
        "sold me a car with a rolled-back odometer, that's fraud",
    ),
    critical_terms=("unsafe", "fraud", "recall"),
    cluster_problem="service bookings lost",
    cluster=(
        "Turned up for my {brand} service booking, they had no record of it.",
        "{brand} lost my service booking again. Took a day off for this.",
        "Anyone else had their {brand} service appointment vanish?",
        "{brand} booking system ate my appointment, second time.",
        "Service booked online with {brand}, never made it to the workshop.",
        "{brand} please fix your booking system, no record of my appointment.",
    ),
    review_platforms=("google", "yelp"),
    subreddits=("cars", "askcarsales", "LosAngeles"),
    offer=Offer("a free service", 80, 300),
)

UTILITY = Industry(
    key="utility",
    suffixes=("Energy", "Power", "Water", "Utilities"),
    hours={"weekdays": "08:00-18:00"},
    volume=0.9,
    products=("bill", "smart meter", "direct debit", "tariff", "meter reading"),
    issues=(
        "doubled my direct debit without explanation",
        "sent me a {product} for a flat I moved out of a year ago",
        "has had an engineer 'coming' to fix my {product} for three weeks",
        "cut off the power in {place} for {wait} with no warning",
        "estimated my {product} at three times my actual use",
        "kept me on hold {wait} about a wrong {product}",
    ),
    praise=(
        "fitted my {product} quickly and tidied up after",
        "put me on a cheaper {product} when I asked",
        "had the power back in {place} faster than promised",
        "helped when I was struggling with my {product}",
    ),
    questions=(
        "Is there an outage in {place} or is it just my street? {brand} map shows nothing.",
        "Does {brand} have a green {product}?",
        "How do I submit a {product} to {brand} without the app?",
    ),
    news=(
        "{brand} lowers its standard {product} from next quarter",
        "{brand} to replace old meters across {place}",
    ),
    critical=(
        "cut off my disabled neighbour's heating in a freeze, she's vulnerable",
        "left a gas leak smell in {place} for hours, this is unsafe",
    ),
    critical_terms=("gas leak", "vulnerable", "unsafe"),
    cluster_problem="wrong bills after the system change",
    cluster=(
        "Just got a {brand} bill for €900. Last one was €90.",
        "{brand} new billing system has charged me for three months twice.",
        "Anyone else got a crazy {brand} bill this week?",
        "{brand} bill shows a meter reading from 2019. What is going on?",
        "Wrong {brand} bill again, whole street in {place} got the same.",
        "{brand} please explain these bills, everyone I know got a wrong one.",
    ),
    review_platforms=("trustpilot",),
    subreddits=("germany", "energy"),
    offer=Offer("a bill correction and credit", 20, 120),
)

GAMES = Industry(
    key="games",
    suffixes=("Games", "Studios", "Interactive", "Play"),
    hours={"weekdays": "10:00-18:00"},
    volume=1.2,
    products=("patch", "season pass", "servers", "battle pass", "PC port", "DLC"),
    issues=(
        "broke my save file with the latest {product}",
        "sold a {product} with half the content missing",
        "has had the {product} down for {wait}",
        "banned my account for no reason and won't say why",
        "shipped a {product} that crashes every ten minutes",
        "ignored cheaters in ranked for months",
    ),
    praise=(
        "listened to the community and fixed the {product}",
        "makes the best co-op game I've played this year",
        "has an amazing soundtrack, the {product} is worth it",
        "gave everyone a free {product} after the outage",
    ),
    questions=(
        "Does the {brand} {product} include the older maps?",
        "Is there a {brand} server in {place}?",
        "When does the next {brand} {product} drop?",
    ),
    news=(
        "{brand} announces a sequel at the showcase",
        "{brand} patch notes: ranked changes and a new map",
    ),
    critical=(
        "leaked our account emails, there's a data breach and nobody is talking",
        "has a staff member harassing players on Discord, this is harassment",
    ),
    critical_terms=("data breach", "harassment", "refund fraud"),
    cluster_problem="servers down after the patch",
    cluster=(
        "{brand} servers down again after the patch, can't even log in.",
        "Error 503 on every {brand} match since the update.",
        "{brand} patch broke matchmaking, queue never pops.",
        "Anyone else disconnecting from {brand} every game since the patch?",
        "{brand} servers are cooked. Fix your patch.",
        "Paid for the {product} and the {brand} servers are down. Classic.",
    ),
    review_platforms=("trustpilot",),
    subreddits=("gaming", "pcgaming", "Games"),
    offer=Offer("in-game currency", 5, 20),
)

DENTAL = Industry(
    key="dental",
    suffixes=("Dental", "Dentistry", "Smile Clinic", "Orthodontics"),
    hours={"weekdays": "08:00-17:00"},
    volume=0.3,
    products=("check-up", "filling", "whitening", "braces", "crown", "hygienist visit"),
    issues=(
        "cancelled my {product} the morning of, third time",
        "charged me for a {product} that insurance was supposed to cover",
        "kept me in the waiting room {wait} past my appointment",
        "did a {product} that fell out a week later",
        "won't send my records to my new dentist",
    ),
    praise=(
        "made my nervous son feel completely at ease",
        "did a painless {product}, honestly didn't feel a thing",
        "hygienist in {place} is so gentle",
        "fitted me in for an emergency the same day",
    ),
    questions=(
        "Does {brand} in {place} take new patients?",
        "How much is {product} at {brand}?",
        "Is {brand} open on Saturdays?",
    ),
    news=("{brand} opens a children's clinic in {place}",),
    critical=(
        "left me with nerve damage after a {product}, I'm talking to a lawyer",
        "reused equipment without sterilising it, I saw it, this is unsafe",
    ),
    critical_terms=("nerve damage", "infection", "unsafe"),
    cluster_problem="billing errors",
    cluster=(
        "Got a {brand} bill for a {product} I never had.",
        "{brand} billed my insurance twice for one visit.",
        "Anyone else getting wrong bills from {brand} this month?",
        "{brand} sent my account to collections by mistake.",
        "Third call to {brand} about a bill that isn't mine.",
        "{brand} billing is a disaster, wrong charges again.",
    ),
    review_platforms=("google", "yelp"),
    subreddits=("Denver", "Dentistry"),
    offer=Offer("a refund of the charge", 40, 180),
)

COURIER = Industry(
    key="courier",
    suffixes=("Parcels", "Express", "Post", "Logistics"),
    hours={"weekdays": "08:00-20:00", "sat": "09:00-13:00"},
    volume=1.2,
    products=("parcel", "return", "delivery slot", "tracking", "locker", "next-day service"),
    issues=(
        "threw my {product} over the fence in the rain",
        "marked my {product} as delivered when I was home all day",
        "left a 'sorry we missed you' card without knocking",
        "has had my {product} stuck in the {place} depot for nine days",
        "lost a {product} with my passport inside",
        "missed the {product} I paid extra for",
    ),
    praise=(
        "driver in {place} is always cheerful and careful",
        "delivered my {product} a day early",
        "found my lost {product} and sent it the same day",
        "has the best {product} updates, down to the minute",
    ),
    questions=(
        "Does {brand} deliver on Sundays in {place}?",
        "How long does {brand} keep a {product} at the depot?",
        "Can you redirect a {brand} {product} after dispatch?",
    ),
    news=(
        "{brand} opens an automated hub in {place}",
        "{brand} adds parcel lockers across {place}",
    ),
    critical=(
        "had a driver hit my parked car and drive off, I have it on camera",
        "had a driver threaten me on my own doorstep",
    ),
    critical_terms=("threaten", "assault", "stolen"),
    cluster_problem="parcels stuck at the hub",
    cluster=(
        "My {brand} parcel has been 'at the hub' for six days.",
        "{brand} tracking stuck at the {place} hub, anyone else?",
        "Is the {brand} hub on fire or something? Nothing is moving.",
        "{brand} parcel stuck at the hub since last week, no answers.",
        "Third day 'in transit at hub' with {brand}.",
        "Everyone I know has a {brand} parcel stuck at the hub.",
    ),
    review_platforms=("trustpilot", "google"),
    subreddits=("singapore", "CasualUK"),
    offer=Offer("a refund of the delivery fee", 5, 30),
)

INDUSTRIES: dict[str, Industry] = {
    industry.key: industry
    for industry in (
        AIRLINE,
        CAFE,
        SAAS,
        TELECOM,
        HOTEL,
        BANK,
        FASHION,
        GYM,
        FOOD_DELIVERY,
        CAR_DEALER,
        UTILITY,
        GAMES,
        DENTAL,
        COURIER,
    )
}

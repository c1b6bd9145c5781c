"""Where the demo's clients trade: time zone, towns their customers name, currency, holidays and the
language some of their customers write in."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Region:
    key: str
    timezone: str
    places: tuple[str, ...]
    currency: str
    country: str  # for the holiday calendar
    language: str | None  # a non-English language some customers post in, if any


REGIONS: dict[str, Region] = {
    r.key: r
    for r in (
        Region(
            "uk",
            "Europe/London",
            ("London", "Manchester", "Leeds", "Bristol", "York", "Glasgow", "Brighton"),
            "GBP",
            "GB",
            None,
        ),
        Region(
            "ireland",
            "Europe/Dublin",
            ("Dublin", "Cork", "Galway", "Limerick", "Waterford"),
            "EUR",
            "IE",
            None,
        ),
        Region(
            "us-east",
            "America/New_York",
            ("Brooklyn", "Boston", "Philadelphia", "Newark", "Hoboken", "Providence"),
            "USD",
            "US",
            "es",
        ),
        Region(
            "us-central",
            "America/Chicago",
            ("Chicago", "Evanston", "Oak Park", "Milwaukee", "Naperville"),
            "USD",
            "US",
            "es",
        ),
        Region(
            "us-mountain",
            "America/Denver",
            ("Denver", "Boulder", "Aurora", "Lakewood", "Fort Collins"),
            "USD",
            "US",
            "es",
        ),
        Region(
            "us-west",
            "America/Los_Angeles",
            ("Pasadena", "Glendale", "Santa Monica", "Burbank", "Long Beach"),
            "USD",
            "US",
            "es",
        ),
        Region(
            "portugal",
            "Europe/Lisbon",
            ("Lisbon", "Porto", "Faro", "Cascais", "Sintra"),
            "EUR",
            "PT",
            "pt",
        ),
        Region(
            "france",
            "Europe/Paris",
            ("Paris", "Lyon", "Bordeaux", "Lille", "Nantes"),
            "EUR",
            "FR",
            "fr",
        ),
        Region(
            "germany",
            "Europe/Berlin",
            ("Berlin", "Hamburg", "Leipzig", "Köln", "Bremen"),
            "EUR",
            "DE",
            "de",
        ),
        Region(
            "netherlands",
            "Europe/Amsterdam",
            ("Amsterdam", "Utrecht", "Rotterdam", "Haarlem", "Eindhoven"),
            "EUR",
            "NL",
            "nl",
        ),
        Region(
            "sweden",
            "Europe/Stockholm",
            ("Stockholm", "Malmö", "Uppsala", "Göteborg"),
            "SEK",
            "SE",
            None,
        ),
        Region(
            "australia",
            "Australia/Sydney",
            ("Bondi", "Parramatta", "Surry Hills", "Newtown", "Manly", "Chatswood"),
            "AUD",
            "AU",
            None,
        ),
        Region(
            "singapore",
            "Asia/Singapore",
            ("Jurong", "Tampines", "Woodlands", "Bedok", "Punggol"),
            "SGD",
            "SG",
            None,
        ),
        Region(
            "spain",
            "Europe/Madrid",
            ("Madrid", "Valencia", "Sevilla", "Málaga", "Bilbao"),
            "EUR",
            "ES",
            "es",
        ),
        Region(
            "canada",
            "America/Toronto",
            ("Toronto", "Ottawa", "Mississauga", "Hamilton", "Montréal"),
            "CAD",
            "CA",
            "fr",
        ),
    )
}

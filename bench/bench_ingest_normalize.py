"""Throughput of the pure ingestion steps: parse a feed, HTML to text, canonical URLs, matching.

Run: .venv/bin/python bench/bench_ingest_normalize.py   (prints items per second, one core)
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from pathlib import Path

from douse.core.ingest.adapters import rss
from douse.core.ingest.match import KeywordMatcher
from douse.core.ingest.normalize import canonical_url, html_to_text

DATA = Path(__file__).resolve().parent.parent / "tests" / "data" / "ingest"


def rate(label: str, n: int, fn: Callable[[], object]) -> None:
    started = time.perf_counter()
    fn()
    elapsed = time.perf_counter() - started
    print(f"{label:<44} {n / elapsed:>12,.0f} /s  ({elapsed:.2f} s for {n:,})")


def main() -> None:
    rng = random.Random(7)
    words = ("the service was slow and rude horizon realty never called back great thanks").split()  # noqa: SIM905
    texts = [" ".join(rng.choice(words) for _ in range(rng.randint(10, 60))) for _ in range(50_000)]
    html = [f"<p>{t[:40]}</p><p>{t[40:]} &amp; <b>more</b><br/>end</p>" for t in texts]
    urls = [
        f"https://WWW.Example.com:443/p/{i}?id={i}&utm_source=x&fbclid=y#frag"
        for i in range(50_000)
    ]
    small = KeywordMatcher(["Horizon Realty"], ["realty tv"])
    big = KeywordMatcher([f"brand number {i}" for i in range(500)] + ["Horizon Realty"], ["recipe"])
    feed = (DATA / "google_alerts_atom_slack.xml").read_bytes()

    rate(
        "rss.parse (Google Alerts feed, entries)",
        20 * 50,
        lambda: [rss.parse(feed) for _ in range(50)],
    )
    rate("html_to_text", len(html), lambda: [html_to_text(h) for h in html])
    rate("canonical_url", len(urls), lambda: [canonical_url(u) for u in urls])
    rate(
        "KeywordMatcher.matches (1 keyword)", len(texts), lambda: [small.matches(t) for t in texts]
    )
    rate(
        "KeywordMatcher.matches (501 keywords)", len(texts), lambda: [big.matches(t) for t in texts]
    )
    rate("KeywordMatcher.hits (501 keywords)", len(texts), lambda: [big.hits(t) for t in texts])


if __name__ == "__main__":
    main()

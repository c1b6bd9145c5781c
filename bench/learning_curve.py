"""Learning from labels, measured: per client, label the first 100 / 300 / 1,000 posts by time,
score the rest.

    .venv/bin/python -m bench.learning_curve [--data PATH] [--sizes 100,300,1000]
        [--no-speed | --speed-only]

Reads ../shared/datasets/airline-dev/tweets.csv (one client per airline, as `douse import`
would see them: name, slug and keywords = the airline's handle and name). For each client and
each N, the client's first N tweets by time are its labels; `core.learning.fit` (what `douse
learn` runs) fits a model from them, with the other clients' first N beside them as `douse
learn` uses the agency's other labels (judged on the client's own), and the client's later
tweets are scored with it exactly as ingest would (`LearnedScorer` over the rules' Analyzer,
with the client's brand terms). Printed beside it on the same later tweets: the rules alone
and raw VADER (nltk's compound, ±0.05).
Figures are for the negative label (precision, recall, F1), per client and pooled.

Then the speed figures the issue sets targets for:
- scoring throughput with a learned model in use against raw VADER, interleaved rounds over
  the same texts (the machine's load moves both);
- storing the tweets through the ingest pipeline (`import_file_batched`, SQLite, no triage)
  with the rules and with the learned model in use;
- `douse learn`'s work on 10,000 labels (the dev set's tweets, the first ones repeated to reach
  10,000): the rules' scoring of each text, cross-validation and the final fit, on one thread
  (CPU seconds, and wall seconds, which a loaded machine stretches).

Without the data file it prints one line saying so and exits 0.
"""

from __future__ import annotations

import argparse
import csv
import os
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import groupby
from pathlib import Path
from typing import Any

# One thread, as the targets are stated: BLAS must not borrow a second core (set before
# numpy is imported, below).
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.airline_text import add_as_published, as_written
from bench.sentiment_real import brand_terms, client_of, preset_first
from douse.core.ingest.pipeline import BATCH_SIZE
from douse.core.learning.fit import Example, Figures, fit, prepare
from douse.core.learning.model import FORMAT_VERSION, LearnedModel, LearnedScorer
from douse.core.sentiment import Analyzer
from douse.core.sentiment.analyzer import label_for

REPO = Path(__file__).resolve().parents[1]
DEFAULT_DATA = REPO.parent / "shared/datasets/airline-dev"
SIZES = (100, 300, 1000)


@dataclass(frozen=True)
class Tweet:
    airline: str
    label: str
    text: str
    at: datetime


def load(path: Path, *, as_published: bool = False) -> list[Tweet]:
    if path.is_dir():
        path = path / "tweets.csv"
    tweets: list[Tweet] = []
    seen: set[str] = set()
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["tweet_id"] in seen or not row["airline"]:
                continue
            seen.add(row["tweet_id"])
            at = datetime.strptime(row["tweet_created"], "%Y-%m-%d %H:%M:%S %z").astimezone(UTC)
            text = row["text"] if as_published else as_written(row["text"])
            tweets.append(Tweet(row["airline"], row["airline_sentiment"], text, at))
    return tweets


def figures_line(name: str, figures: Figures) -> str:
    return f"    {name:<24}{figures.precision:>10.3f}{figures.recall:>8.3f}{figures.f1:>7.3f}"


def curve(tweets: list[Tweet], analyzer: Analyzer, sizes: Sequence[int]) -> None:
    airlines = sorted({t.airline for t in tweets}, key=preset_first)
    pooled: dict[int, tuple[list[str], list[str], list[str], list[str]]] = {
        n: ([], [], [], []) for n in sizes
    }
    print(f"{'negative label':<28}{'precision':>10}{'recall':>8}{'F1':>7}")
    # Each client's first N labels, as `douse learn` would find them: a client's model also
    # learns from the other clients' labels of the same moment (their first N).
    labelled_by: dict[tuple[str, int], list[Example]] = {}
    for airline in airlines:
        terms = brand_terms(airline)
        mine = sorted((t for t in tweets if t.airline == airline), key=lambda t: t.at)
        for n in sizes:
            labelled_by[(airline, n)] = [
                prepare(analyzer, t.text, t.label, brand_terms=terms) for t in mine[:n]
            ]
    for airline in airlines:
        terms = brand_terms(airline)
        mine = sorted((t for t in tweets if t.airline == airline), key=lambda t: t.at)
        # What the rules make of each tweet, once: the model's inputs and the baselines.
        results = [analyzer.score(t.text, brand_terms=terms) for t in mine]
        raw = [label_for(analyzer.raw_vader_compound(t.text), -0.05, 0.05) for t in mine]
        for n in sizes:
            if n >= len(mine):
                continue
            later = mine[n:]
            examples = labelled_by[(airline, n)]
            others = [e for a in airlines if a != airline for e in labelled_by[(a, n)]]
            fitted = fit(examples, extra=others)
            model = LearnedModel(0, None, n, fitted.weights)
            scorer = LearnedScorer(analyzer, model)
            learned = [
                scorer.judge(t.text, results[n + i], terms).label for i, t in enumerate(later)
            ]
            gold = [t.label for t in later]
            rules = [r.label for r in results[n:]]
            vader = raw[n:]
            negatives = sum(g == "negative" for g in gold)
            print(
                f"{client_of(airline)[0]}: first {n:,} labelled ({fitted.counts['negative']} "
                f"negative, and {len(others):,} of the other clients; {fitted.folds}-fold CV "
                f"F1 {fitted.model.f1:.3f} vs rules "
                f"{fitted.rules.f1:.3f}, {'used' if fitted.beats_rules else 'NOT used'}; "
                f"negative from {fitted.negative_from:.3f}), "
                f"scored the later {len(later):,} ({negatives:,} negative)"
            )
            print(figures_line("learned", Figures.of(gold, learned)))
            print(figures_line("rules alone", Figures.of(gold, rules)))
            print(figures_line("raw VADER", Figures.of(gold, vader)))
            for bucket, values in zip(pooled[n], (gold, learned, rules, vader), strict=True):
                bucket.extend(values)
    for n in sizes:
        gold, learned, rules, vader = pooled[n]
        if not gold:
            continue
        print(f"all clients, first {n:,} of each labelled: the later {len(gold):,} tweets")
        print(figures_line("learned", Figures.of(gold, learned)))
        print(figures_line("rules alone", Figures.of(gold, rules)))
        print(figures_line("raw VADER", Figures.of(gold, vader)))


def _rate(fn: object, items: Sequence[object]) -> float:
    """Items per CPU second of this process: on a machine other work shares, CPU time is what
    one core gives, where wall time would also count the waits for a core."""
    start = time.process_time()
    for item in items:
        fn(item)  # type: ignore[operator]
    return len(items) / (time.process_time() - start)


def _batched(items: list[Any], size: int) -> list[list[Any]]:
    return [items[i : i + size] for i in range(0, len(items), size)]


def speed(tweets: list[Tweet], analyzer: Analyzer, rounds: int = 5) -> None:
    terms = {a: brand_terms(a) for a in {t.airline for t in tweets}}
    examples = [prepare(analyzer, t.text, t.label, brand_terms=terms[t.airline]) for t in tweets]
    weights = fit(examples[:1000]).weights
    scorer = LearnedScorer(analyzer, LearnedModel(0, None, 1000, weights))
    texts = [(t.text, terms[t.airline]) for t in tweets]
    ratios, raws, learned_rates, rules_rates = [], [], [], []
    batch_ratios, batch_rates = [], []
    # As ingest scores: a batch of up to 1,000 posts of one client at a time (`score_many`).
    batches = [
        ([text for text, _ in chunk], chunk[0][1])
        for _, group in groupby(texts, key=lambda x: x[1])
        for chunk in _batched(list(group), BATCH_SIZE)
    ]
    for text, brand in texts:  # every word seen once: the model's per-word sums are kept
        scorer.score(text, brand_terms=brand)
    for _ in range(rounds):
        raw = _rate(lambda x: analyzer.raw_vader_compound(x[0]), texts)
        rules_rates.append(_rate(lambda x: analyzer.score(x[0], brand_terms=x[1]), texts))
        learned = _rate(lambda x: scorer.score(x[0], brand_terms=x[1]), texts)
        start = time.process_time()
        for chunk, brand in batches:
            scorer.score_many(chunk, brand_terms=brand)
        batch = len(texts) / (time.process_time() - start)
        raws.append(raw)
        learned_rates.append(learned)
        ratios.append(learned / raw)
        batch_rates.append(batch)
        batch_ratios.append(batch / raw)
    print(
        f"scoring with a learned model (1,000 labels), {rounds} interleaved rounds over "
        f"{len(texts):,} tweets, per CPU second: median {statistics.median(learned_rates):,.0f}/s "
        "against raw "
        f"VADER {statistics.median(raws):,.0f}/s; ratio per round "
        f"{', '.join(f'{r:.2f}' for r in ratios)} (median {statistics.median(ratios):.2f}x); "
        f"the rules alone {statistics.median(rules_rates):,.0f}/s "
        f"({statistics.median(r / w for r, w in zip(rules_rates, raws, strict=True)):.2f}x)"
    )
    print(
        f"scoring with a learned model in batches of up to {BATCH_SIZE:,} posts of one client "
        f"(score_many, as ingest does): median {statistics.median(batch_rates):,.0f}/s; ratio "
        f"per round {', '.join(f'{r:.2f}' for r in batch_ratios)} "
        f"(median {statistics.median(batch_ratios):.2f}x)"
    )
    ingest(tweets, weights, analyzer)
    learn_seconds(tweets, analyzer)


def learn_seconds(tweets: list[Tweet], analyzer: Analyzer) -> None:
    """What `douse learn` does with 10,000 labels: the rules score each text, then `fit`.
    CPU seconds of this process (one thread) and wall seconds (which a loaded machine
    stretches)."""
    terms = {a: brand_terms(a) for a in {t.airline for t in tweets}}
    many = [tweets[i % len(tweets)] for i in range(10_000)]
    cpu, wall = time.process_time(), time.perf_counter()
    examples = [prepare(analyzer, t.text, t.label, brand_terms=terms[t.airline]) for t in many]
    fitted = fit(examples)
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    print(
        f"learn on {len(examples):,} labels (the rules' scoring, {fitted.folds}-fold CV and the "
        f"final fit, one thread): {cpu:.1f} s of CPU, {wall:.1f} s wall clock"
    )


def _largest(tweets: list[Tweet]) -> str:
    return Counter(t.airline for t in tweets).most_common(1)[0][0]


def ingest(tweets: list[Tweet], weights: dict[str, Any], analyzer: Analyzer) -> None:
    """Store the tweets of one client through the pipeline, rules vs learned model in use."""
    from sqlalchemy import select

    from douse.core.db.models import Client, SentimentModel
    from douse.core.ingest.importer import import_file_batched
    from douse.core.services import build_services
    from douse.core.settings import Settings

    # United's in the dev set; in another file, its largest brand's.
    brand = "United" if any(t.airline == "United" for t in tweets) else _largest(tweets)
    united = [t for t in tweets if t.airline == brand]
    slug, name, keywords = client_of(brand)
    with tempfile.TemporaryDirectory(prefix="douse-curve-") as tmp:
        # A first small file loads the model (once per process, as in a running douse); the
        # second, timed, is the rest.
        warm, feed = Path(tmp) / "warm.csv", Path(tmp) / "united.csv"
        for path, first, last in ((warm, 0, 100), (feed, 100, len(united))):
            with path.open("w", encoding="utf-8", newline="") as handle:
                writer = csv.writer(handle)
                writer.writerow(["id", "text", "published"])
                for i in range(first, last):
                    writer.writerow([i, united[i].text, united[i].at.isoformat()])
        rates = {}
        for mode in ("rules", "learned"):
            db = Path(tmp) / f"{mode}.db"
            services = build_services(
                Settings(
                    database_url=f"sqlite:///{db}",
                    config_path=Path(tmp) / "c.toml",
                    log_dir=Path(tmp) / "logs",
                )
            )
            now = datetime(2015, 3, 1, tzinfo=UTC)
            with services.sessions.begin() as session:
                session.add(
                    Client(slug=slug, name=name, keywords=keywords, created_at=now, updated_at=now)
                )
                if mode == "learned":
                    session.flush()
                    client_id = session.scalar(select(Client.id))
                    session.add(
                        SentimentModel(
                            client_id=client_id,
                            format_version=FORMAT_VERSION,
                            douse_version="bench",
                            n_labels=1000,
                            cv={},
                            weights=weights,
                            active=True,
                            created_at=now,
                        )
                    )
            import_file_batched(
                services.sessions, slug, warm, now=now, scorer=analyzer, judge=False
            )
            started = time.process_time()
            report = import_file_batched(
                services.sessions, slug, feed, now=now, scorer=analyzer, judge=False
            )
            rates[mode] = report.stored.new / (time.process_time() - started)
            services.close()
        raw = _rate(lambda t: analyzer.raw_vader_compound(t.text), united)
        print(
            f"ingest (import, SQLite, stored without triage) of {len(united) - 100:,} {brand} "
            f"tweets, per CPU second: rules {rates['rules']:,.0f}/s, learned model in use "
            f"{rates['learned']:,.0f}/s ({rates['learned'] / raw:.2f}x raw VADER's "
            f"{raw:,.0f}/s over the same texts)"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument(
        "--sizes",
        default=",".join(str(n) for n in SIZES),
        help="labels per client, e.g. 100,300 (empty: only the speed figures)",
    )
    parser.add_argument("--no-speed", action="store_true", help="only the learning curve")
    parser.add_argument(
        "--speed-only", action="store_true", help="only the speed figures (same as --sizes '')"
    )
    add_as_published(parser)
    args = parser.parse_args()
    path = args.data / "tweets.csv" if args.data.is_dir() else args.data
    if not path.is_file():
        print(f"learning_curve: skipped, no labelled data at {args.data}")
        return 0
    tweets = load(path, as_published=args.as_published)
    analyzer = Analyzer()
    print(f"{path.name}: {len(tweets):,} tweets, clients by airline, labels by time")
    sizes = [] if args.speed_only else [int(n) for n in args.sizes.split(",") if n.strip()]
    if sizes:
        curve(tweets, analyzer, sizes)
    if not args.no_speed:
        print()
        speed(tweets, analyzer)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

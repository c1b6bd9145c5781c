"""Sentiment on real complaints: the labelled airline dev set, one client per airline.

    .venv/bin/python -m bench.sentiment_real [--data PATH] [--no-brand] [--before REV]

Scores every tweet of ../shared/datasets/airline-dev/tweets.csv as douse scores a client's
mentions: with the client's brand terms, built by `brand_terms_for` from what `douse import`
would know of the client (name, slug and keywords = the airline's handle and name; the same
function `core.brand.client_brand_terms` calls for a stored client). Prints precision, recall and
F1 of the `negative` label per client and overall, and how many human-negative tweets each scorer
called positive or neutral, for:

- raw VADER (nltk's compound, ±0.05);
- douse's rules before issue 12 (`--before REV`, default the commit they were measured at, run
  from `git archive` in a subprocess; skipped with a note where git or the commit is missing);
- douse without brand terms (the switch `--no-brand` shows only this one instead of both);
- douse with brand terms.

Then scoring throughput over the same texts. The data are never copied into the repository:
without the file the benchmark says so in one line and exits 0.
"""

from __future__ import annotations

import argparse
import csv
import json
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.airline_text import AIRLINES, add_as_published, as_written, client_of
from douse.core.sentiment import Analyzer
from douse.core.sentiment.analyzer import label_for
from douse.core.sentiment.brand import brand_terms_for

REPO = Path(__file__).resolve().parents[1]
DEFAULT_DATA = REPO.parent / "shared/datasets/airline-dev/tweets.csv"
# The last commit before issue 12's rules: what "before" means in docs/benchmarks.md.
BEFORE = "419ef87"

# Run inside an extracted older tree: texts as JSON lines on stdin, one label per line out.
# Trees before the `douse` package import themselves as `core`; the check makes sure the older
# rules, not this checkout's installed ones, are what scores (a skip line otherwise).
_OLD_SCORER = """
import inspect, json, os, sys
try:
    from core.sentiment import Analyzer
except ImportError:
    from douse.core.sentiment import Analyzer
if not os.path.realpath(inspect.getfile(Analyzer)).startswith(os.path.realpath(os.getcwd())):
    sys.exit("the older tree's rules were not the ones imported")
analyzer = Analyzer()
for line in sys.stdin:
    print(analyzer.score(json.loads(line)).label)
"""


@dataclass(frozen=True)
class Tweet:
    airline: str
    label: str
    text: str


@dataclass(frozen=True)
class Counts:
    tp: int
    fp: int
    fn: int
    neg_as_pos: int
    neg_as_neu: int
    negatives: int

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def load(path: Path, *, as_published: bool = False) -> tuple[list[Tweet], int]:
    tweets: list[Tweet] = []
    seen: set[str] = set()
    repeated = 0
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["tweet_id"] in seen:  # the dataset repeats some American tweets
                repeated += 1
                continue
            seen.add(row["tweet_id"])
            if row["airline"]:
                text = row["text"] if as_published else as_written(row["text"])
                tweets.append(Tweet(row["airline"], row["airline_sentiment"], text))
    return tweets, repeated


def preset_first(airline: str) -> tuple[int, str]:
    # The preset airlines in their usual order, then any other brand by name.
    order = list(AIRLINES)
    return (order.index(airline), "") if airline in AIRLINES else (len(order), airline)


def brand_terms(airline: str) -> tuple[str, ...]:
    slug, name, keywords = client_of(airline)
    return brand_terms_for(name, slug, keywords)


def count(tweets: Sequence[Tweet], said: Sequence[str]) -> Counts:
    c: Counter[str] = Counter()
    for tweet, label in zip(tweets, said, strict=True):
        gold = tweet.label == "negative"
        c["tp"] += gold and label == "negative"
        c["fp"] += not gold and label == "negative"
        c["fn"] += gold and label != "negative"
        c["neg_as_pos"] += gold and label == "positive"
        c["neg_as_neu"] += gold and label == "neutral"
        c["negatives"] += gold
    return Counts(**{k: c[k] for k in Counts.__dataclass_fields__})


def before_labels(tweets: Sequence[Tweet], rev: str) -> tuple[list[str] | None, str]:
    """Labels from douse's rules at `rev`, or None and why not."""
    with tempfile.TemporaryDirectory(prefix="douse-before-") as tmp:
        try:
            archive = subprocess.run(
                ["git", "-C", str(REPO), "archive", rev, "core/__init__.py", "core/errors.py",
                 "core/sentiment"],
                capture_output=True,
                check=True,
            )  # fmt: skip
            subprocess.run(["tar", "-x", "-C", tmp], input=archive.stdout, check=True)
            texts = "".join(json.dumps(t.text) + "\n" for t in tweets)
            result = subprocess.run(
                [sys.executable, "-c", _OLD_SCORER],
                input=texts,
                capture_output=True,
                text=True,
                cwd=tmp,
                check=True,
                env={"PYTHONPATH": tmp, "PATH": "/usr/bin:/bin", "HOME": tmp},
            )
        except (OSError, subprocess.CalledProcessError) as exc:
            return None, f"douse before ({rev}): skipped, {type(exc).__name__}"
    labels = result.stdout.split()
    if len(labels) != len(tweets):
        return None, f"douse before ({rev}): skipped, {len(labels)} labels for {len(tweets)}"
    return labels, f"douse before ({rev})"


def rate(fn: Callable[[Tweet], object], tweets: Sequence[Tweet]) -> float:
    start = time.perf_counter()
    for tweet in tweets:
        fn(tweet)
    return len(tweets) / (time.perf_counter() - start)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--no-brand", action="store_true", help="only douse without brand terms")
    parser.add_argument("--before", default=BEFORE, metavar="REV", help="older rules to compare")
    add_as_published(parser)
    args = parser.parse_args()
    if not args.data.is_file():
        print(f"sentiment_real: skipped, no labelled data at {args.data}")
        return 0
    tweets, repeated = load(args.data, as_published=args.as_published)
    analyzer = Analyzer()
    airlines = sorted({t.airline for t in tweets}, key=preset_first)
    print(
        f"{args.data.name}: {len(tweets):,} tweets ({repeated} repeated ids dropped), "
        f"{len(airlines)} clients"
    )
    for airline in airlines:
        print(f"  brand terms of {client_of(airline)[0]}: {', '.join(brand_terms(airline))}")

    columns: list[tuple[str, list[str]]] = [
        ("raw VADER", [label_for(analyzer.raw_vader_compound(t.text), -0.05, 0.05) for t in tweets])
    ]
    old, title = before_labels(tweets, args.before)
    if old is None:
        print(f"  {title}")
    else:
        columns.append((title, old))
    columns.append(("douse, no brand terms", [analyzer.score(t.text).label for t in tweets]))
    if not args.no_brand:
        columns.append(
            (
                "douse",
                [analyzer.score(t.text, brand_terms=brand_terms(t.airline)).label for t in tweets],
            )
        )

    print()
    print(
        f"{'negative label':<28}{'precision':>10}{'recall':>8}{'F1':>7}"
        f"{'human-neg called pos':>22}{'called neu':>12}"
    )
    groups = [(a, [i for i, t in enumerate(tweets) if t.airline == a]) for a in airlines]
    groups.append(("all clients", list(range(len(tweets)))))
    for name, rows in groups:
        subset = [tweets[i] for i in rows]
        negatives = sum(t.label == "negative" for t in subset)
        print(f"{name} ({len(subset):,} tweets, {negatives:,} negative by the humans)")
        for title, labels in columns:
            c = count(subset, [labels[i] for i in rows])
            print(
                f"  {title:<26}{c.precision:>10.3f}{c.recall:>8.3f}{c.f1:>7.3f}"
                f"{c.neg_as_pos:>13,} ({c.neg_as_pos / max(1, c.negatives):4.0%})"
                f"{c.neg_as_neu:>6,} ({c.neg_as_neu / max(1, c.negatives):4.0%})"
            )
    print()
    raw = rate(lambda t: analyzer.raw_vader_compound(t.text), tweets)
    terms = {a: brand_terms(a) for a in airlines}
    ours = rate(lambda t: analyzer.score(t.text, brand_terms=terms[t.airline]), tweets)
    print(
        f"throughput over the {len(tweets):,} tweets (one pass, one thread): raw nltk VADER "
        f"{raw:,.0f}/s, douse score() with brand terms {ours:,.0f}/s ({ours / raw:.2f}x raw)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

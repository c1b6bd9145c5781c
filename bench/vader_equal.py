"""douse's fast VADER pass against nltk's own, on every text of the shared datasets.

    .venv/bin/python -m bench.vader_equal [--data DIR]

Reads every tweet of airline-dev/tweets.csv and every turn of customer-care-dev/
conversations.jsonl (under ../shared/datasets by default). Each text is scored as written, as
the Analyzer hands it to VADER (`_for_vader`: hashtags, dots, sentence barriers), in capitals
and with every other word in capitals (VADER's ALL CAPS rules). For each variant it compares
`FastVader.polarity_compound` with nltk's `polarity_scores(text)["compound"]`, and
`FastVader.valences` (tokens and per-word valences) with the same pass through nltk's own
`sentiment_valence` (`word_valences`). Prints the number of texts, of comparisons and of
mismatches (it must be 0), then both rates. Without the files it says so and exits 0; the data
are never copied into the repository.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from douse.core.sentiment.analyzer import _for_vader
from douse.core.sentiment.lexicon import load_vader
from douse.core.sentiment.vader import FastVader, word_valences

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared/datasets"


def texts(folder: Path) -> Iterator[str]:
    tweets = folder / "airline-dev/tweets.csv"
    if tweets.exists():
        with tweets.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                yield row["text"]
    care = folder / "customer-care-dev/conversations.jsonl"
    if care.exists():
        with care.open(encoding="utf-8") as handle:
            for line in handle:
                for turn in json.loads(line)["turns"]:
                    yield turn["text"] or ""


def _every_other_upper(text: str) -> str:
    return " ".join(w.upper() if i % 2 else w for i, w in enumerate(text.split(" ")))


VARIANTS: tuple[Callable[[str], str], ...] = (
    lambda t: t,
    _for_vader,
    str.upper,
    _every_other_upper,
)


def _rate(score: Callable[[str], object], items: list[str]) -> float:
    started = time.process_time()
    for item in items:
        score(item)
    return len(items) / (time.process_time() - started)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    args = parser.parse_args()
    originals = list(texts(args.data))
    if not originals:
        print(f"no texts under {args.data}: nothing compared")
        return 0
    sia = load_vader()
    fast = FastVader(sia)
    compared = mismatches = 0
    for original in originals:
        for variant in VARIANTS:
            text = variant(original)
            compared += 1
            same = fast.polarity_compound(text) == sia.polarity_scores(text)[
                "compound"
            ] and fast.valences(text) == word_valences(sia, text)
            if not same:
                mismatches += 1
                if mismatches <= 5:
                    print(f"MISMATCH: {text!r}")
    print(f"texts {len(originals)}, comparisons {compared}, mismatches {mismatches}")
    nltk_rate = _rate(lambda t: sia.polarity_scores(t)["compound"], originals)
    fast_rate = _rate(fast.polarity_compound, originals)
    print(
        f"compound of each text as written: nltk {nltk_rate:,.0f}/s, fast {fast_rate:,.0f}/s "
        f"({fast_rate / nltk_rate:.1f}x), CPU time"
    )
    return 1 if mismatches else 0


if __name__ == "__main__":
    raise SystemExit(main())

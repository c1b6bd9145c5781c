"""`douse score`: sentiment for lines on stdin, one JSON object out per line in, in order.

Input lines are JSON objects with a "text" field or plain text; output lines carry `compound`,
`label`, `language` and `reasons` (and the input's "id", when it had one). A line that looks
like JSON but is not is reported on stderr and answered with {"error": ...} in its place, so
outputs still line up with inputs; the exit code is then 2.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Sequence
from typing import Any, BinaryIO

from douse.core.brand import client_scoring
from douse.core.learning.choose import scorer_for
from douse.core.sentiment import Analyzer, SentimentResult, check_thresholds
from douse.tui.cli.context import Context

EXIT_SOME_LINES_FAILED = 2
DEFAULT_NEGATIVE = -0.05
DEFAULT_POSITIVE = 0.05

# JSON leaves C1 controls and bidi overrides unescaped when ensure_ascii=False; escape them so
# a hostile post cannot drive the terminal that reads this output.
_UNSAFE_FOR_TERMINAL = re.compile(r"[\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def register(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        "score",
        help='score sentiment of JSONL ({"text": ...}) or plain lines on stdin',
        description=__doc__.splitlines()[0] if __doc__ else None,
    )
    parser.add_argument(
        "--client",
        metavar="SLUG",
        help="score as this client's mentions are scored: its learned model if one is in use "
        "(else the agency's, else the rules), its thresholds, and its own names (name, "
        "keywords, account handles) carry no sentiment",
    )
    parser.add_argument(
        "--negative-threshold",
        type=float,
        default=None,
        metavar="X",
        help="compound at or below X is negative (default: the client's, else -0.05)",
    )
    parser.add_argument(
        "--positive-threshold",
        type=float,
        default=None,
        metavar="X",
        help="compound at or above X is positive (default: the client's, else 0.05)",
    )
    parser.set_defaults(run=run)


def dumps(value: dict[str, Any]) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return _UNSAFE_FOR_TERMINAL.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def result_object(result: SentimentResult) -> dict[str, Any]:
    return {
        "compound": result.compound,
        "label": result.label,
        "language": result.language,
        "reasons": list(result.reasons),
    }


def parse_line(line: str) -> tuple[str, Any]:
    """The text to score and the input's "id" (or None); ValueError says what is wrong."""
    if not line.lstrip().startswith("{"):
        return line, None
    try:
        value = json.loads(line)
    except json.JSONDecodeError as exc:
        raise ValueError(f"not valid JSON ({exc.msg} at column {exc.colno})") from None
    if not isinstance(value, dict):
        raise ValueError("not a JSON object")
    text = value.get("text")
    if not isinstance(text, str):
        raise ValueError('JSON object has no string "text"')
    return text, value.get("id")


def score_stream(
    analyzer: Any,
    source: BinaryIO,
    ctx: Context,
    *,
    negative_threshold: float,
    positive_threshold: float,
    brand_terms: Sequence[str] = (),
) -> int:
    failed = 0
    for number, raw in enumerate(source, 1):
        # Bytes that are not UTF-8 become U+FFFD rather than stopping the whole stream.
        line = raw.decode("utf-8", errors="replace").rstrip("\r\n")
        try:
            text, ident = parse_line(line)
        except ValueError as exc:
            failed += 1
            print(f"douse: line {number}: {exc}", file=ctx.stderr)
            out: dict[str, Any] = {"error": f"line {number}: {exc}"}
        else:
            result = analyzer.score(
                text,
                negative_threshold=negative_threshold,
                positive_threshold=positive_threshold,
                brand_terms=brand_terms,
            )
            out = result_object(result) if ident is None else {"id": ident, **result_object(result)}
        ctx.stdout.write(dumps(out) + "\n")
        # Line by line, so `tail -f feed | douse score` shows each result as it comes.
        ctx.stdout.flush()
    if failed:
        print(f"douse: {failed} line(s) could not be scored", file=ctx.stderr)
        return EXIT_SOME_LINES_FAILED
    return 0


def run(ctx: Context) -> int:
    negative, positive = DEFAULT_NEGATIVE, DEFAULT_POSITIVE
    brand_terms: tuple[str, ...] = ()
    # Not services.analyzer(): that one belongs to the services' own threads.
    scorer: Any = Analyzer()
    if ctx.args.client:
        # Only with --client is the database opened: plain scoring needs none.
        with ctx.services.sessions() as session:
            scoring = client_scoring(session, ctx.args.client)
            # The client's learned model, else the agency's, else the rules.
            scorer = scorer_for(session, scoring.client_id, scorer)
        negative, positive = scoring.negative_threshold, scoring.positive_threshold
        brand_terms = scoring.brand_terms
    if ctx.args.negative_threshold is not None:
        negative = ctx.args.negative_threshold
    if ctx.args.positive_threshold is not None:
        positive = ctx.args.positive_threshold
    check_thresholds(negative, positive)
    return score_stream(
        scorer,
        sys.stdin.buffer,
        ctx,
        negative_threshold=negative,
        positive_threshold=positive,
        brand_terms=brand_terms,
    )

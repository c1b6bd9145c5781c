"""Judgement on real traffic: replay a labelled stream through douse's import and triage.

    .venv/bin/python -m bench.judgement_eval [--data PATH] [--step-hours N] [--no-order]
        [--as-published] [--keep DIR] [--labels N] [--later N] [--negative-share P]

Reads the airline dev set (../shared/datasets/airline-dev/tweets.csv by default; one client per
airline), cuts it into `--step-hours` slices by publication time and imports each slice with
`import_file` (the path `douse import` takes, triage included) with the clock at the slice's end,
so incidents open, join and reopen as they would have live. Then prints what a person would ask
of douse's judgement, against the human labels:

- negative precision / recall / F1 of the stored label;
- the share of human-negative posts that ended in an incident, and of incident posts that
  humans call negative;
- problems (incidents of several people) against the human complaint reasons: weighted purity
  (beside random groups of the same sizes), adjusted mutual information and adjusted Rand;
- same-flight same-day pairs by different people put on one incident;
- the largest problem, problems over 5 % of a client's week of negatives, problems spanning
  more than 3 days;
- incidents per client-day and the severity distribution;
- order invariance: the whole file imported oldest-first and newest-first, adjusted Rand
  between the two groupings.

`--negative-share P` thins the human-negative posts (every other post kept) so that P of the
stream is negative: the dev set's airlines are 72 % negative, and the same mistakes weigh more
for a brand that draws fewer complaints (the share of incident posts humans call negative falls
with it).

The data are never copied into the repository: without the file the benchmark says so and
exits 0.
"""

from __future__ import annotations

import argparse
import bisect
import contextlib
import csv
import json
import random
import re
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.airline_text import AIRLINES, client_of

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared/datasets/airline-dev/tweets.csv"
COLUMN_MAP = "text=text,author=name,published=tweet_created,id=tweet_id,shares=retweet_count"
FIELDS = ["tweet_id", "name", "text", "tweet_created", "retweet_count"]


# A flight number in the text, for the same-flight check: "flight 123", "UA938" (the carrier
# codes of the six airlines of the full dataset).
_FLIGHT = re.compile(
    r"\b(?:flight|flt|fl)\s*#?\s*(\d{2,4})\b|\b(?:UA|US|AA|DL|WN|VX)\s?(\d{2,4})\b", re.I
)


@dataclass(frozen=True)
class Row:
    tweet_id: str
    airline: str
    label: str
    reason: str
    author: str
    text: str
    created: datetime
    raw: dict[str, str]


def load_rows(path: Path, *, as_published: bool = False) -> list[Row]:
    """The labelled stream, with the dataset makers' rewrites undone unless `as_published`
    (bench/airline_text.py): the raw row fed to `douse import` carries the restored text."""
    from bench.airline_text import as_written

    rows: list[Row] = []
    seen: set[str] = set()
    with path.open(encoding="utf-8", newline="") as handle:
        for raw in csv.DictReader(handle):
            if raw["tweet_id"] in seen:  # the dataset repeats some American tweets
                continue
            seen.add(raw["tweet_id"])
            created = datetime.strptime(raw["tweet_created"], "%Y-%m-%d %H:%M:%S %z")
            if not as_published:
                raw["text"] = as_written(raw["text"])
            rows.append(
                Row(
                    raw["tweet_id"],
                    raw["airline"],
                    raw["airline_sentiment"],
                    raw["negativereason"] or "",
                    raw["name"],
                    raw["text"],
                    created.astimezone(UTC),
                    {k: raw[k] for k in FIELDS},
                )
            )
    return rows


def agency_toml(airlines: Iterable[str]) -> str:
    parts = [
        '[agency]\nname = "Judgement bench"\ntimezone = "America/New_York"\n',
        '[[staff]]\nhandle = "ana"\nname = "Ana"\n',
    ]
    for airline in airlines:
        slug, name, keywords = client_of(airline)
        quoted = ", ".join(json.dumps(k) for k in keywords)
        parts.append(
            f'[[clients]]\nslug = "{slug}"\nname = {json.dumps(name)}\nkeywords = [{quoted}]\n'
            f'industry = "airline"\ntimezone = "America/New_York"\nbusiness_hours = "24/7"\n'
            'default_owner = "ana"\n'
        )
    return "\n".join(parts)


def _write_csv(path: Path, rows: Sequence[Row]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=FIELDS)
        writer.writeheader()
        for row in rows:
            writer.writerow(row.raw)


class Replay:
    """A fresh SQLite database with the agency synced, and the import path to feed it."""

    def __init__(self, workdir: Path, airlines: Sequence[str], name: str) -> None:
        from douse.core.config.load import parse_config
        from douse.core.config.sync import sync_config
        from douse.core.services import build_services
        from douse.core.settings import Settings

        toml = agency_toml(airlines)
        try:
            config = parse_config(toml)
        except Exception:  # an older douse without industries: the same agency without them
            config = parse_config(toml.replace('industry = "airline"\n', ""))
        self.workdir = workdir
        self.services = build_services(
            Settings(
                database_url=f"sqlite:///{workdir / (name + '.db')}",
                config_path=workdir / "clients.toml",
                log_dir=workdir,
            )
        )
        with self.services.sessions.begin() as session:
            sync_config(session, config, datetime(2015, 2, 1, tzinfo=UTC))
        self.seconds = 0.0
        self.imported = 0
        self.learned_seconds = 0.0

    def label_and_learn(self, slug: str, rows: Sequence[Row], now: datetime) -> str:
        """Staff label these stored posts as the humans did, then `douse learn` for the client
        (which also draws on the labels other clients already have)."""
        from sqlalchemy import select

        from douse.core.db.models import Client, Mention
        from douse.core.learning.labels import label_mention_row
        from douse.core.learning.learn import learn_scope

        started = time.perf_counter()
        wanted = {f"x:{r.tweet_id}": r.label for r in rows}
        with self.services.sessions.begin() as session:
            client_id = session.scalar(select(Client.id).where(Client.slug == slug))
            for mention in session.scalars(
                select(Mention).where(
                    Mention.client_id == client_id, Mention.external_id.in_(list(wanted))
                )
            ):
                label_mention_row(
                    session,
                    mention,
                    wanted[mention.external_id],
                    staff_id=1,
                    source="desk",
                    now=now,
                )
        outcome = learn_scope(self.services.sessions, self.services.analyzer(), slug, lambda: now)
        self.learned_seconds += time.perf_counter() - started
        return outcome.skipped or (
            f"learned from {len(rows)} labels (+{outcome.others} of other clients)"
        )

    def feed(self, slug: str, rows: Sequence[Row], now: datetime) -> None:
        """`douse import` of these rows: stored in batches, then judged oldest first."""
        try:
            from douse.core.ingest.importer import import_file_batched
        except ImportError:  # an older douse: one transaction, judged batch by batch
            import_file_batched = None

        path = self.workdir / f"{slug}.csv"
        _write_csv(path, rows)
        started = time.perf_counter()
        if import_file_batched is not None:
            import_file_batched(
                self.services.sessions,
                slug,
                path,
                now=now,
                scorer=self.services.analyzer(),
                column_map=COLUMN_MAP,
                platform="x",
            )
        else:
            from douse.core.ingest.importer import import_file
            from douse.core.jobs.poll import default_on_stored

            with self.services.sessions.begin() as session:
                import_file(
                    session,
                    slug,
                    path,
                    now=now,
                    scorer=self.services.analyzer(),
                    column_map=COLUMN_MAP,
                    platform="x",
                    on_stored=default_on_stored(),
                )
        self.seconds += time.perf_counter() - started
        self.imported += len(rows)

    def outcome(self) -> Outcome:
        from sqlalchemy import select

        from douse.core.db.models import Client, Incident, IncidentMention, Mention

        out = Outcome()
        with self.services.sessions() as session:
            for mid, ext, label, slug in session.execute(
                select(Mention.id, Mention.external_id, Mention.sentiment_label, Client.slug).join(
                    Client, Client.id == Mention.client_id
                )
            ):
                ext = ext.rsplit(":", 1)[-1]  # "x:<tweet id>": the platform's prefix
                out.label[ext] = label
                out.by_mention[mid] = ext
                out.client_of[ext] = slug
            for inc in session.scalars(select(Incident).where(Incident.kind != "spike")):
                out.incidents[inc.id] = inc
            for iid, mid in session.execute(
                select(IncidentMention.incident_id, IncidentMention.mention_id)
            ):
                if iid in out.incidents:
                    ext = out.by_mention[mid]
                    out.incident_of[ext] = iid
                    out.members[iid].append(ext)
            for inc in out.incidents.values():
                session.expunge(inc)
        return out


class Outcome:
    def __init__(self) -> None:
        self.label: dict[str, str] = {}
        self.by_mention: dict[int, str] = {}
        self.client_of: dict[str, str] = {}
        self.incident_of: dict[str, int] = {}
        self.incidents: dict[int, object] = {}
        self.members: dict[int, list[str]] = defaultdict(list)


def _scores(gold: Sequence[bool], said: Sequence[bool]) -> tuple[float, float, float]:
    tp = sum(g and s for g, s in zip(gold, said, strict=True))
    fp = sum(s and not g for g, s in zip(gold, said, strict=True))
    fn = sum(g and not s for g, s in zip(gold, said, strict=True))
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def _purity(groups: Iterable[Sequence[str]]) -> float:
    total = right = 0
    for reasons in groups:
        if reasons:
            total += len(reasons)
            right += Counter(reasons).most_common(1)[0][1]
    return right / total if total else 0.0


def _flights(text: str) -> set[str]:
    return {a or b for a, b in _FLIGHT.findall(text)}


def report(rows: Sequence[Row], out: Outcome, replay: Replay) -> None:
    from sklearn.metrics import adjusted_mutual_info_score, adjusted_rand_score

    from douse.core.db.models import SEVERITIES

    by_id = {r.tweet_id: r for r in rows}
    stored = [r for r in rows if r.tweet_id in out.label]
    print(f"rows {len(rows)}, stored {len(stored)} (no keyword match: {len(rows) - len(stored)})")
    p, r, f1 = _scores(
        [x.label == "negative" for x in stored],
        [out.label[x.tweet_id] == "negative" for x in stored],
    )
    print(f"negative label: precision {p:.3f}  recall {r:.3f}  F1 {f1:.3f}")
    negatives = [x for x in stored if x.label == "negative"]
    in_inc = [x for x in negatives if x.tweet_id in out.incident_of]
    inc_posts = [by_id[e] for e in out.incident_of if e in by_id]
    print(
        f"human-negative posts in an incident: {len(in_inc) / len(negatives):.1%} "
        f"({len(in_inc)}/{len(negatives)}); incident posts humans call negative: "
        f"{sum(x.label == 'negative' for x in inc_posts) / max(len(inc_posts), 1):.1%} "
        f"({len(inc_posts)} posts)"
    )

    # Problems: incidents holding several people's posts.
    authors_of = {iid: {by_id[e].author for e in m} for iid, m in out.members.items()}
    problems = [iid for iid, a in authors_of.items() if len(a) >= 2]
    reasons_of = {
        iid: [by_id[e].reason for e in out.members[iid] if by_id[e].reason] for iid in problems
    }
    purity = _purity(reasons_of.values())
    rng = random.Random(7)
    pool = [x.reason for x in in_inc if x.reason]
    shuffled = []
    for iid in problems:
        size = len(reasons_of[iid])
        shuffled.append(rng.sample(pool, min(size, len(pool))))
    in_problems = sum(len(v) for v in reasons_of.values())
    print(
        f"problems (2+ people): {len(problems)}, holding {in_problems} reasoned negatives; "
        f"purity {purity:.3f} (random groups of the same sizes {_purity(shuffled):.3f})"
    )
    patterns = [iid for iid, a in authors_of.items() if len(a) >= 3]
    print(
        f"patterns (3+ people): {len(patterns)}, purity "
        f"{_purity(reasons_of[i] for i in patterns):.3f}"
    )
    labelled = [x for x in in_inc if x.reason]
    truth = [x.reason for x in labelled]
    pred = [out.incident_of[x.tweet_id] for x in labelled]
    print(
        f"against the human reasons ({len(labelled)} negatives in incidents): "
        f"AMI {adjusted_mutual_info_score(truth, pred):.3f}  "
        f"ARI {adjusted_rand_score(truth, pred):.4f}  "
        f"(shuffled ids: AMI "
        f"{adjusted_mutual_info_score(truth, rng.sample(pred, len(pred))):.3f})"
    )

    # Same flight, same day, different people.
    flight_posts: dict[tuple[str, str, str], list[Row]] = defaultdict(list)
    for x in negatives:
        for f in _flights(x.text):
            flight_posts[(x.airline, f, x.created.strftime("%Y-%m-%d"))].append(x)

    # A person's own case under a problem is part of that problem (issue 11: "cases of the
    # same problem live under it"), so a pair counts as grouped under one problem too.
    def problem_of(iid: int | None) -> int | None:
        problem = getattr(out.incidents.get(iid), "problem_id", None) if iid else None
        return problem or iid

    pairs = together = grouped = 0
    for posts in flight_posts.values():
        for i, a in enumerate(posts):
            for b in posts[i + 1 :]:
                if a.author == b.author:
                    continue
                pairs += 1
                ia, ib = out.incident_of.get(a.tweet_id), out.incident_of.get(b.tweet_id)
                together += ia is not None and ia == ib
                grouped += ia is not None and problem_of(ia) == problem_of(ib)
    print(
        f"same flight, same day, different people: {together}/{pairs} pairs on one incident "
        f"({together / pairs if pairs else 0:.1%}); {grouped}/{pairs} under one problem "
        f"({grouped / pairs if pairs else 0:.1%})"
    )

    # Size and span.
    def span(iid: int) -> timedelta:
        times = [by_id[e].created for e in out.members[iid]]
        return max(times) - min(times)

    biggest = max(out.members, key=lambda i: len(out.members[i]), default=None)
    if biggest is not None:
        print(
            f"largest incident: {len(out.members[biggest])} posts from "
            f"{len(authors_of[biggest])} people over {span(biggest)}; "
            f"title {out.incidents[biggest].title[:60]!r}"
        )
    long_lived = [i for i in problems if span(i) > timedelta(days=3)]
    print(f"problems spanning more than 3 days: {len(long_lived)} of {len(problems)}")
    # A week around each problem (the three and a half days either side of its first post), not
    # the calendar week: a stream that starts on a Tuesday has calendar weeks of a few days.
    times_of: dict[str, list[datetime]] = defaultdict(list)
    for x in negatives:
        times_of[out.client_of[x.tweet_id]].append(x.created)
    for times in times_of.values():
        times.sort()

    def week_of_negatives(slug: str, at: datetime) -> int:
        times = times_of[slug]
        half = timedelta(days=3.5)
        return bisect.bisect_right(times, at + half) - bisect.bisect_left(times, at - half)

    big: list[tuple[int, int, float]] = []
    for iid in problems:
        first = min(by_id[e].created for e in out.members[iid])
        slug = out.client_of[out.members[iid][0]]
        week_neg = max(week_of_negatives(slug, first), 1)
        if len(out.members[iid]) > 0.05 * week_neg:
            big.append((iid, week_neg, len(out.members[iid]) / week_neg))
    print(f"problems larger than 5% of their client's week of negatives: {len(big)}")
    # Each must be explainable: what it is, how many people, over how long, how pure.
    for iid, week_neg, share in sorted(big, key=lambda b: -b[2]):
        reasons = Counter(reasons_of[iid])
        top, n = reasons.most_common(1)[0] if reasons else ("-", 0)
        print(
            f"  {share:.1%} of {week_neg}: {str(getattr(out.incidents[iid], 'title', ''))[:44]!r}, "
            f"{len(out.members[iid])} posts, {len(authors_of[iid])} people over {span(iid)}; "
            f"{top} {n / max(sum(reasons.values()), 1):.0%}"
        )
    big_sizes = sorted((len(m) for m in out.members.values()), reverse=True)[:10]
    print(f"ten largest incidents: {big_sizes}")

    # Volume and severity.
    days = (max(x.created for x in rows) - min(x.created for x in rows)).total_seconds() / 86400
    clients = len({out.client_of[e] for e in out.label})
    singles = sum(len(m) == 1 for m in out.members.values())
    print(
        f"incidents: {len(out.incidents)} ({len(out.incidents) / (clients * days):.1f} per "
        f"client-day over {days:.1f} days); single-post incidents "
        f"{singles / max(len(out.incidents), 1):.0%}"
    )
    top = [i for i in out.incidents.values() if getattr(i, "problem_id", None) is None]
    print(
        f"  top-level (cases under a problem not counted): {len(top)} "
        f"({len(top) / (clients * days):.1f} per client-day)"
    )
    by_category: dict[str, list[int]] = defaultdict(list)
    for iid in problems:
        by_category[str(getattr(out.incidents[iid], "category", None))].append(iid)
    for category, ids in sorted(by_category.items(), key=lambda kv: -len(kv[1])):
        posts = sum(len(reasons_of[i]) for i in ids)
        print(
            f"  problems of {category:<14} {len(ids):4} holding {posts:5} reasoned negatives, "
            f"purity {_purity(reasons_of[i] for i in ids):.3f}"
        )
    sev = Counter(inc.severity for inc in out.incidents.values())
    print("severity: " + ", ".join(f"{s} {sev.get(s, 0)}" for s in SEVERITIES))
    rate = replay.imported / replay.seconds if replay.seconds else 0.0
    print(
        f"replay: {replay.imported} rows imported with triage in {replay.seconds:.1f}s "
        f"({rate:,.0f}/s)"
    )


def replay_stream(
    rows: Sequence[Row], workdir: Path, step: timedelta, labels: int = 0
) -> tuple[Outcome, Replay]:
    """Replay `rows` hour by hour. With `labels`, each client's first `labels` posts are
    labelled by staff as the humans did once they are in, and the client's model is learned
    then (`douse learn`), so every later post is scored as a labelling agency's would be."""
    airlines = sorted({r.airline for r in rows})
    replay = Replay(workdir, airlines, "stream")
    fed: dict[str, list[Row]] = defaultdict(list)
    learned: set[str] = set()
    start = min(r.created for r in rows).replace(minute=0, second=0, microsecond=0)
    slices: dict[int, list[Row]] = defaultdict(list)
    for r in rows:
        slices[int((r.created - start) / step)].append(r)
    for index in sorted(slices):
        now = start + step * (index + 1)
        by_airline: dict[str, list[Row]] = defaultdict(list)
        for r in slices[index]:
            by_airline[r.airline].append(r)
        for airline, chunk in sorted(by_airline.items()):
            slug = client_of(airline)[0]
            replay.feed(slug, chunk, now)
            fed[airline].extend(chunk)
            if labels and airline not in learned and len(fed[airline]) >= labels:
                learned.add(airline)
                said = replay.label_and_learn(slug, fed[airline][:labels], now)
                print(f"  {airline}: {said} at {now:%a %d %b %H:%M}")
    return replay.outcome(), replay


def first_of_each_client(rows: Sequence[Row], n: int) -> set[str]:
    """The tweet ids of each client's first `n` posts by time (the labelled ones)."""
    by_airline: dict[str, list[Row]] = defaultdict(list)
    for r in sorted(rows, key=lambda r: r.created):
        by_airline[r.airline].append(r)
    return {r.tweet_id for posts in by_airline.values() for r in posts[:n]}


def report_later(rows: Sequence[Row], out: Outcome, skip: set[str], n: int) -> None:
    """Sentiment and incident figures on the posts after each client's first N."""
    later = [r for r in rows if r.tweet_id not in skip and r.tweet_id in out.label]
    p, r, f1 = _scores(
        [x.label == "negative" for x in later],
        [out.label[x.tweet_id] == "negative" for x in later],
    )
    negatives = [x for x in later if x.label == "negative"]
    in_inc = sum(x.tweet_id in out.incident_of for x in negatives)
    inc_posts = [x for x in later if x.tweet_id in out.incident_of]
    print(
        f"later posts ({len(later)}, after each client's first {n}): "
        f"negative P {p:.3f} R {r:.3f} F1 {f1:.3f}; human-negative posts in an incident "
        f"{in_inc / max(len(negatives), 1):.1%}; incident posts humans call negative "
        f"{sum(x.label == 'negative' for x in inc_posts) / max(len(inc_posts), 1):.1%}"
    )


def order_agreement(
    rows: Sequence[Row], workdir: Path, stream: Outcome | None
) -> tuple[float, float | None]:
    """Adjusted Rand between one bulk import oldest-first and one newest-first, and between
    the oldest-first import and the live stream (`stream`: posts arriving hour by hour, judged
    as they come with the clock moving; None when the stream learned from labels, which a bulk
    import does not)."""
    from sklearn.metrics import adjusted_rand_score

    airlines = sorted({r.airline for r in rows})
    end = max(r.created for r in rows) + timedelta(hours=1)
    outcomes = []
    for name, newest_first in (("oldest", False), ("newest", True)):
        replay = Replay(workdir, airlines, name)
        for airline in airlines:
            chunk = sorted(
                (r for r in rows if r.airline == airline),
                key=lambda r: r.created,
                reverse=newest_first,
            )
            replay.feed(client_of(airline)[0], chunk, end)
        outcomes.append(replay.outcome())
    ids = sorted(outcomes[0].label)
    compared = [*outcomes, *([stream] if stream is not None else [])]
    grouping = [[o.incident_of.get(e, f"none-{e}") for e in ids] for o in compared]
    live = float(adjusted_rand_score(grouping[0], grouping[2])) if stream is not None else None
    return float(adjusted_rand_score(grouping[0], grouping[1])), live


def with_negative_share(rows: Sequence[Row], share: float, seed: int = 1) -> list[Row]:
    """The stream thinned to `share` negative posts: every other post kept, each negative one
    with the probability that gives the share. People's conversations thin with it, as a brand
    with fewer complaints has fewer of them."""
    negatives = sum(r.label == "negative" for r in rows)
    others = len(rows) - negatives
    keep = min(1.0, share * others / ((1 - share) * negatives)) if negatives else 1.0
    rng = random.Random(seed)
    kept = [r for r in rows if r.label != "negative" or rng.random() < keep]
    print(
        f"negative share {share:.2f}: kept {len(kept)} of {len(rows)} posts "
        f"({sum(r.label == 'negative' for r in kept)} negative, each kept with p={keep:.2f})"
    )
    return kept


def main() -> int:
    from bench.airline_text import add_as_published

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--step-hours", type=float, default=1.0)
    parser.add_argument("--no-order", action="store_true", help="skip the order-invariance runs")
    parser.add_argument("--airline", action="append", help="only these airlines")
    add_as_published(parser)
    parser.add_argument(
        "--keep", type=Path, help="keep the replayed databases in this directory, to study them"
    )
    parser.add_argument(
        "--labels",
        type=int,
        default=0,
        metavar="N",
        help="staff label each client's first N posts and douse learns from them; figures on "
        "the later posts are printed too",
    )
    parser.add_argument(
        "--later",
        type=int,
        default=0,
        metavar="N",
        help="print the figures on the posts after each client's first N (without learning)",
    )
    parser.add_argument(
        "--negative-share",
        type=float,
        metavar="P",
        help="keep every post the labellers did not call negative and a random part of those "
        "they did (seed 1), so that P of the stream is negative: a brand with fewer complaints "
        "than the dev set's airlines (0.72), where the same errors weigh more",
    )
    args = parser.parse_args()
    if args.negative_share is not None and not 0 < args.negative_share < 1:
        parser.error("--negative-share must be between 0 and 1")
    if not args.data.exists():
        print(f"judgement_eval: skipped: no labelled data at {args.data}")
        return 0
    rows = load_rows(args.data, as_published=args.as_published)
    if args.airline:
        rows = [r for r in rows if r.airline in args.airline]
    rows = [r for r in rows if r.airline]
    if args.negative_share is not None:
        rows = with_negative_share(rows, args.negative_share)
    made = sorted({r.airline for r in rows} - set(AIRLINES))
    if made:
        print(f"brands without a preset, each a client named as in the file: {', '.join(made)}")
    print(f"data: {args.data} ({len(rows)} posts, {len({r.airline for r in rows})} clients)")
    with contextlib.ExitStack() as stack:
        if args.keep:
            args.keep.mkdir(parents=True, exist_ok=True)
            tmp = str(args.keep)
        else:
            tmp = stack.enter_context(tempfile.TemporaryDirectory(prefix="douse-judgement-"))
        started = time.perf_counter()
        out, replay = replay_stream(
            rows, Path(tmp), timedelta(hours=args.step_hours), labels=args.labels
        )
        report(rows, out, replay)
        if args.labels or args.later:
            n = args.labels or args.later
            report_later(rows, out, first_of_each_client(rows, n), n)
        print(f"stream replay took {time.perf_counter() - started:.0f}s")
        if not args.no_order:
            started = time.perf_counter()
            ari, live = order_agreement(rows, Path(tmp), None if args.labels else out)
            also = (
                f", {live:.3f} between a bulk import and the live stream above"
                if live is not None
                else ""
            )
            print(
                f"order invariance: adjusted Rand {ari:.3f} between oldest-first and "
                f"newest-first bulk imports{also} ({time.perf_counter() - started:.0f}s)"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Reply policy: how often it blocks real, professional replies, and whether it stops hostile ones.

    .venv/bin/python bench/policy_eval.py [--data PATH] [--show RULE] [--no-cli]

1. Real replies: every agent turn of the customer-care dev set
   (../shared/datasets/customer-care-dev/conversations.jsonl: replies that 24 companies' support
   teams published on X), checked as X replies by the default policy, twice: as they stand in
   the file (the dataset's makers rewrote every link to a long
   `https://web.archive.org/web/<14 digits>/<original link>`) and with the original links put
   back. The file holds text as X's API gives it, HTML-escaped ("&amp;"); it is unescaped first,
   as X shows and counts it. Prints the share blocked, the share warned (not blocked), and how
   many replies each rule flagged. The same replies are checked again with an offer limit set
   (max_offer 240 EUR, max_discount_percent 20), as most clients have one.
2. Hostile drafts: bench/data/hostile_drafts.jsonl (written for douse, not dataset rows: threats,
   insults, blame, asking for secrets, private data, review incentives, offers over the limit,
   in several languages), checked with the offer limit above. Prints the share blocked and any
   that got through.
3. Speed: checks per second in-process, and the same replies through `douse lint --jsonl` end
   to end (a throwaway SQLite database, one client), unless --no-cli.

Skips with one line when the dataset is absent.
"""

from __future__ import annotations

import argparse
import html
import json
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from douse.core.policy import ReplyPolicy, check_reply

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = ROOT.parent / "shared/datasets/customer-care-dev/conversations.jsonl"
HOSTILE = ROOT / "bench/data/hostile_drafts.jsonl"
LIMITS = {"max_offer": 240, "currency": "EUR", "max_discount_percent": 20}
ARCHIVE = re.compile(r"https?://web\.archive\.org/web/\d{14}/")


def agent_replies(path: Path) -> list[str]:
    replies = []
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            for turn in json.loads(line)["turns"]:
                if turn["role"] == "agent":
                    replies.append(html.unescape(turn["text"]))
    return replies


def check(policy: ReplyPolicy, text: str, platform: str | None, public: bool = True) -> list:  # type: ignore[type-arg]
    try:
        return check_reply(policy, text, platform=platform, public=public)
    except Exception as exc:  # the policy before issue 13 crashed on non-English drafts
        return [_Crash(f"{type(exc).__name__}: {exc}")]


class _Crash:
    rule = "crash"
    severity = "block"
    blocking = True

    def __init__(self, message: str) -> None:
        self.message = message


def report(title: str, policy: ReplyPolicy, texts: Sequence[str], show: str | None) -> None:
    blocked = warned = 0
    rules: Counter[tuple[str, str]] = Counter()
    for text in texts:
        findings = check(policy, text, "x")
        if any(f.blocking for f in findings):
            blocked += 1
        elif any(f.severity == "warn" for f in findings):
            warned += 1
        for key in {(f.rule, f.severity) for f in findings}:
            rules[key] += 1
        if show and any(f.rule == show for f in findings):
            print(f"    [{show}] {' '.join(text.split())[:200]}")
    n = len(texts)
    print(
        f"  {title:<50} blocked {blocked:>4}/{n} = {blocked / n:6.1%}   "
        f"warned {warned:>4}/{n} = {warned / n:6.1%}"
    )
    for (rule, severity), count in sorted(rules.items(), key=lambda kv: (-kv[1], kv[0])):
        print(f"      {rule:<20} {severity:<6} {count:>4}")


def hostile(policy: ReplyPolicy) -> None:
    drafts = [json.loads(line) for line in HOSTILE.read_text(encoding="utf-8").splitlines()]
    missed = []
    for d in drafts:
        findings = check(policy, d["text"], d.get("platform"), not d.get("private", False))
        if not any(f.blocking for f in findings):
            missed.append(d)
    caught = len(drafts) - len(missed)
    print(
        f"  hostile drafts ({HOSTILE.relative_to(ROOT)}): blocked {caught}/{len(drafts)} = "
        f"{caught / len(drafts):.1%}"
    )
    for d in missed:
        print(f"      passed: {d['text'][:90]!r} ({d.get('why', '')})")


def speed(policy: ReplyPolicy, texts: Sequence[str], cli: bool) -> None:
    check(policy, texts[0], "x")  # load the models once
    start = time.perf_counter()
    for text in texts:
        check(policy, text, "x")
    took = time.perf_counter() - start
    print(f"  in-process: {len(texts)} checks in {took:.2f} s = {len(texts) / took:,.0f}/s")
    if not cli:
        return
    douse = Path(sys.executable).with_name("douse")
    with tempfile.TemporaryDirectory() as tmp:
        db = f"sqlite:///{tmp}/bench.db"
        config = Path(tmp) / "clients.toml"
        config.write_text(
            '[agency]\nname = "Bench"\ntimezone = "UTC"\n\n[[staff]]\nhandle = "b"\nname = "B"\n\n'
            '[[clients]]\nslug = "bench"\nname = "Bench"\nkeywords = ["Bench"]\n'
            'timezone = "UTC"\ndefault_owner = "b"\n',
            encoding="utf-8",
        )
        subprocess.run([douse, "--db", db, "sync", str(config)], check=True, capture_output=True)
        lines = "".join(json.dumps({"text": t, "platform": "x"}) + "\n" for t in texts)
        start = time.perf_counter()
        done = subprocess.run(
            [douse, "--db", db, "lint", "--client", "bench", "--jsonl"],
            input=lines.encode(),
            capture_output=True,
            check=False,
        )
        took = time.perf_counter() - start
    answers = done.stdout.decode().splitlines()
    print(
        f"  douse lint --jsonl: {len(answers)} lines answered for {len(texts)} in, "
        f"{took:.2f} s end to end (start-up included), exit {done.returncode}"
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--show", metavar="RULE", help="print the real replies RULE flagged")
    parser.add_argument("--no-cli", action="store_true", help="skip the douse lint --jsonl run")
    args = parser.parse_args(argv)
    if not args.data.exists():
        print(f"policy_eval: skipped: no customer-care dev set at {args.data}")
        return 0
    texts = agent_replies(args.data)
    restored = [ARCHIVE.sub("", t) for t in texts]
    archived = sum(t != r for t, r in zip(texts, restored, strict=True))
    default = ReplyPolicy.from_dict({})
    limits = ReplyPolicy.from_dict(LIMITS)
    print(f"real agent replies: {len(texts)} ({archived} with archive-rewritten links), on X")
    report("default policy, links as in the file", default, texts, args.show)
    report("default policy, original links", default, restored, args.show)
    report("offer limit 240 EUR / 20%, original links", limits, restored, None)
    print("hostile drafts, with an offer limit (240 EUR, 20%):")
    hostile(limits)
    print("speed:")
    speed(default, restored, cli=not args.no_cli)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""What sending a reply costs douse itself, against a local Mastodon that answers at once.

    .venv/bin/python -m bench.send_bench [--sends 50]

1. `core.send.reply` end to end (policy gate, outbox intent, resolving the post, the POST,
   completing the outbox and logging the activity in one transaction), per reply;
2. `core.send.recover` with nothing to settle, as the desk and every reply call it;
3. settling replies whose answer was lost (a 503 after the request): per reply, checking the
   platform and sending again with the same key.

The platform is the test suite's fake on 127.0.0.1, so the figures are douse's own overhead
plus a loopback round trip, not a real network's.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from douse.core.clock import FrozenClock
from douse.core.send import ReplyRequest, recover, reply
from douse.core.services import build_services
from douse.core.settings import Settings
from tests.helpers import T0
from tests.sendworld import build, fake_platforms


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sends", type=int, default=50)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, fake_platforms() as fakes:
        folder = Path(tmp)
        services = build_services(
            Settings(
                database_url=f"sqlite:///{folder / 'send.db'}",
                config_path=folder / "x.toml",
                log_dir=folder,
            ),
            clock=FrozenClock(T0),
        )
        world = build(services, fakes, T0)
        incident = world.incidents["mastodon"]
        times = []
        for i in range(args.sends):
            started = time.perf_counter()
            out = reply(
                services,
                ReplyRequest(incident, f"Sorry about this ({i}), we are on it.", "ana"),
                env=world.env,
                http=world.http,
            )
            times.append((time.perf_counter() - started) * 1000)
            assert out.state == "sent", out
        times.sort()
        print(
            f"reply() end to end, {args.sends} sends: median {statistics.median(times):.1f} ms, "
            f"p95 {times[int(len(times) * 0.95) - 1]:.1f} ms"
        )
        started = time.perf_counter()
        for _ in range(1000):
            recover(services, env=world.env, http=world.http)
        idle = (time.perf_counter() - started) * 1000
        print(f"recover() with nothing to settle: {idle:.0f} us per call")
        lost = min(20, args.sends)
        reddit = world.incidents["reddit"]
        for i in range(lost):
            fakes.reddit.fail(503, path="/api/comment")
            later = FrozenClock(T0 + timedelta(minutes=5 * i))
            services.clock = later
            out = reply(
                services,
                ReplyRequest(reddit, f"Sorry ({i}), on it.", "ana"),
                env=world.env,
                http=world.http,
            )
            assert out.state == "unconfirmed", out
            started = time.perf_counter()
            [done] = recover(
                services, now=later.now() + timedelta(minutes=3), env=world.env, http=world.http
            )
            times[i] = (time.perf_counter() - started) * 1000
            assert done.outcome == "resent", done
        settled = sorted(times[:lost])
        print(
            f"settling a send whose answer was lost (check, then resend): "
            f"median {statistics.median(settled):.1f} ms over {lost}"
        )
        assert len(fakes.reddit.comments) == lost
        world.http.close()
        services.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

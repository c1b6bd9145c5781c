"""A warm `douse` for concurrency tests: reads one JSON argv per line on stdin, runs it through
the real CLI entry point, answers one JSON line {"rc", "out", "err"} per command.

Starting Python and importing douse costs seconds on a loaded machine; a worker pays it once,
so eight workers given a command at the same moment really do race on the database.

    python -m tests.reliability.cli_worker   # then: ["--db", URL, "log", "4", ...]
"""

from __future__ import annotations

import contextlib
import io
import json
import sys
import traceback

from douse.tui.cli.main import main


def run_one(argv: list[str]) -> dict[str, object]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            rc = main(argv)
        except SystemExit as exc:  # argparse's usage errors
            rc = exc.code if isinstance(exc.code, int) else 2
        except BaseException:
            # Escaping main() at all is the failure these tests look for.
            rc = -1
            err.write("ESCAPED\n" + traceback.format_exc())
    return {"rc": rc, "out": out.getvalue(), "err": err.getvalue()}


def serve() -> None:
    print(json.dumps({"ready": True}), flush=True)
    for line in sys.stdin:
        if not line.strip():
            continue
        print(json.dumps(run_one(json.loads(line))), flush=True)


if __name__ == "__main__":
    serve()

"""A warm `douse` for concurrency tests: reads one JSON argv per line on stdin, runs it through
the real CLI entry point, answers one JSON line {"rc", "out", "err"} per command.

Starting Python and importing what a writing command needs (the incident engine, the reply
policy, sentiment) costs about 1.5 s of CPU; eight workers given a command at the same moment
really do race on the database only once all of them have paid it.

    python -m tests.reliability.cli_worker   # then: ["--db", URL, "log", "4", ...]

With `--fork FDS` (a JSON list of [stdin, stdout, stderr] descriptors, one triple a worker)
the process imports that once, then forks one worker per triple on those descriptors: separate
processes, each with its own connections, started warm. It prints the workers' pids, waits
for them all, and exits.
"""

from __future__ import annotations

import contextlib
import importlib
import io
import json
import os
import sys
import traceback

from douse.tui.cli.main import main

# What every writing command reaches (log, status, assign, severity, merge, undo, ...).
WARM = ("douse.core.incidents.workflow", "douse.core.policy", "douse.core.sentiment")


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


def fork_workers(triples: list[list[int]]) -> None:
    for name in WARM:
        importlib.import_module(name)
    sys.stdout.flush()
    everyone = {fd for triple in triples for fd in triple}
    pids = []
    for triple in triples:
        pid = os.fork()
        if pid == 0:  # the worker: its own three descriptors as 0, 1 and 2, nobody else's
            code = 0
            try:
                for target, fd in enumerate(triple):
                    os.dup2(fd, target)
                for fd in everyone:
                    os.close(fd)
                serve()
            except BaseException:
                traceback.print_exc()
                code = 1
            finally:
                sys.stdout.flush()
                sys.stderr.flush()
                os._exit(code)
        pids.append(pid)
    for fd in everyone:
        os.close(fd)
    print(json.dumps({"pids": pids}), flush=True)
    for pid in pids:
        os.waitpid(pid, 0)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--fork"]:
        fork_workers(json.loads(sys.argv[2]))
    else:
        serve()

"""Parent side of tests.reliability.cli_worker: N warm douse processes given commands at once."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from tests.helpers import REPO


@dataclass(frozen=True)
class Outcome:
    rc: int
    out: str
    err: str

    @property
    def traceback(self) -> bool:
        return "Traceback" in self.err or "ESCAPED" in self.err or self.rc in (-1, 1, 70)


@dataclass
class _Worker:
    pid: int
    stdin: IO[str]
    stdout: IO[str]
    stderr: IO[str]


def _stream(fd: int, mode: str) -> IO[str]:
    return os.fdopen(fd, mode, encoding="utf-8")


class WorkerPool:
    """`with WorkerPool(8, env) as pool: pool.run_all([argv, ...])` runs one argv per worker,
    all sent before any answer is read, and returns the outcomes in worker order.

    The workers are forked from one process that imported what the commands need
    (cli_worker --fork): N separate processes, started warm, for the import cost of one."""

    def __init__(self, size: int, env: dict[str, str], log_dir: Path) -> None:
        full_env = {
            **os.environ,
            **env,
            "DOUSE_LOG_DIR": str(log_dir),
            "PYTHONPATH": str(REPO),
            # argparse asks the terminal's size for every option (about 250 times a command):
            # without a terminal that costs a quarter of a second per command here.
            "COLUMNS": "100",
            "LINES": "40",
        }
        for name in ("DOUSE_DATABASE_URL", "DOUSE_CONFIG", "DOUSE_ME"):
            full_env.pop(name, None)
        ours: list[tuple[int, int, int]] = []  # (write to stdin, read stdout, read stderr)
        theirs: list[list[int]] = []
        for _ in range(size):
            stdin_r, stdin_w = os.pipe()
            stdout_r, stdout_w = os.pipe()
            stderr_r, stderr_w = os.pipe()
            ours.append((stdin_w, stdout_r, stderr_r))
            theirs.append([stdin_r, stdout_w, stderr_w])
        try:
            self.parent = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "tests.reliability.cli_worker",
                    "--fork",
                    json.dumps(theirs),
                ],
                cwd=REPO,
                env=full_env,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                pass_fds=[fd for triple in theirs for fd in triple],
            )
        finally:
            for triple in theirs:
                for fd in triple:
                    os.close(fd)
        assert self.parent.stdout is not None
        started = self.parent.stdout.readline()
        if not started:
            _, err = self.parent.communicate()
            raise AssertionError(f"cli_worker --fork failed: {err}")
        pids = json.loads(started)["pids"]
        # Open for the pool's life (closed in close()), so not in a with block.
        self.workers = [
            _Worker(pid, _stream(w, "w"), _stream(r, "r"), _stream(e, "r"))
            for pid, (w, r, e) in zip(pids, ours, strict=True)
        ]
        for worker in self.workers:
            ready = worker.stdout.readline()
            assert ready.strip() == '{"ready": true}', ready + self._stderr(worker, ready)

    def _stderr(self, worker: _Worker, line: str) -> str:
        # An empty line is end of file: the worker is gone and its stderr is complete.
        return "" if line else worker.stderr.read()

    def run_all(self, commands: Sequence[Sequence[str]]) -> list[Outcome]:
        assert len(commands) <= len(self.workers)
        busy = self.workers[: len(commands)]
        for worker, argv in zip(busy, commands, strict=True):
            worker.stdin.write(json.dumps(list(argv)) + "\n")
            worker.stdin.flush()
        outcomes = []
        for worker in busy:
            line = worker.stdout.readline()
            assert line, f"worker died: {self._stderr(worker, line)}"
            data = json.loads(line)
            outcomes.append(Outcome(int(data["rc"]), data["out"], data["err"]))
        return outcomes

    def close(self) -> None:
        for worker in self.workers:
            worker.stdin.close()
        try:
            self.parent.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            for worker in self.workers:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(worker.pid, signal.SIGKILL)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.parent.wait(timeout=30)
            self.parent.kill()
            self.parent.communicate()
        for worker in self.workers:
            worker.stdout.close()
            worker.stderr.close()

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

"""Parent side of tests.reliability.cli_worker: N warm douse processes given commands at once."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from tests.helpers import REPO


@dataclass(frozen=True)
class Outcome:
    rc: int
    out: str
    err: str

    @property
    def traceback(self) -> bool:
        return "Traceback" in self.err or "ESCAPED" in self.err or self.rc in (-1, 1, 70)


class WorkerPool:
    """`with WorkerPool(8, env) as pool: pool.run_all([argv, ...])` runs one argv per worker,
    all sent before any answer is read, and returns the outcomes in worker order."""

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
        self.procs = [
            subprocess.Popen(
                [sys.executable, "-m", "tests.reliability.cli_worker"],
                cwd=REPO,
                env=full_env,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for _ in range(size)
        ]
        for proc in self.procs:
            assert proc.stdout is not None
            ready = proc.stdout.readline()
            assert ready.strip() == '{"ready": true}', ready + self._stderr(proc)

    def _stderr(self, proc: subprocess.Popen[str]) -> str:
        if proc.poll() is None:
            return ""
        return proc.stderr.read() if proc.stderr else ""

    def run_all(self, commands: Sequence[Sequence[str]]) -> list[Outcome]:
        assert len(commands) <= len(self.procs)
        busy = self.procs[: len(commands)]
        for proc, argv in zip(busy, commands, strict=True):
            assert proc.stdin is not None
            proc.stdin.write(json.dumps(list(argv)) + "\n")
            proc.stdin.flush()
        outcomes = []
        for proc in busy:
            assert proc.stdout is not None
            line = proc.stdout.readline()
            assert line, f"worker died: {self._stderr(proc)}"
            data = json.loads(line)
            outcomes.append(Outcome(int(data["rc"]), data["out"], data["err"]))
        return outcomes

    def close(self) -> None:
        for proc in self.procs:
            if proc.stdin:
                proc.stdin.close()
        for proc in self.procs:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
            for stream in (proc.stdout, proc.stderr):
                if stream:
                    stream.close()

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

"""`douse` processes started warm, for the tests that kill them or race them.

A real `douse` command line pays Python's start-up and its imports (the ORM models, nltk, the
rules, py3langid's model: about 2 s of CPU) before it does anything; the kill -9, send and
contention tests start about twenty, and what they check is what the command does once
running. Here one process per test worker (`python -m tests.warm_douse`) imports all that
once, then forks a child per command line: each child is its own process, with its own pid,
environment, working directory, stdio and database connections, running the real entry point
(`main(argv)`, then the interpreter's exit steps), and can be signalled and killed like any
other. Start-up itself stays tested by the tests that start `douse` cold (tests/test_cli_fast.py,
tests/test_storage.py, tests/test_watch.py).

Protocol, one JSON line each way: the test sends {"argv", "env", "cwd", "stdout", "stderr"}
(files for the child's output); the server answers {"pid"} once forked, and {"exit", "code"}
when a child ends (code as `Popen.returncode` gives it: -9 for SIGKILL).
"""

from __future__ import annotations

import atexit
import contextlib
import importlib
import json
import os
import select
import signal
import subprocess
import sys
import threading
import traceback
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

# What the commands these tests run reach (import, poll, reply --send, log): imported once.
WARM = (
    "douse.tui.cli.main",
    "douse.tui.cli.commands.import_",
    "douse.tui.cli.commands.poll",
    "douse.tui.cli.commands.reply",
    "douse.tui.cli.commands.log",
    "douse.core.incidents.workflow",
    "douse.core.ingest.collect",
    "douse.core.ingest.pipeline",
    "douse.core.jobs.poll",
    "douse.core.policy",
    "douse.core.send.flow",
    "douse.core.sentiment",
)
REPO = Path(__file__).resolve().parent.parent


# --- the server (python -m tests.warm_douse) ---------------------------------------------


def _child(request: dict[str, Any], wake: tuple[int, int]) -> None:
    """In the forked child: become the command line's process, run it, exit as Python does."""
    code = 1
    try:
        signal.set_wakeup_fd(-1)
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        for fd in wake:  # the server's
            os.close(fd)
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        null = os.open(os.devnull, os.O_RDONLY)
        out = os.open(request["stdout"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        err = os.open(request["stderr"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        for fd, target in ((null, 0), (out, 1), (err, 2)):
            os.dup2(fd, target)
            os.close(fd)
        # New stream objects: the server's may hold state of its own.
        sys.stdin = open(0, encoding="utf-8", closefd=False)  # noqa: SIM115
        sys.stdout = open(1, "w", encoding="utf-8", closefd=False)  # noqa: SIM115
        sys.stderr = open(  # noqa: SIM115
            2, "w", encoding="utf-8", errors="backslashreplace", closefd=False, buffering=1
        )
        sys.argv = [str(REPO / "douse" / "tui" / "__main__.py"), *request["argv"]]
        from douse.tui.cli.main import main

        try:
            code = main(request["argv"])
        except SystemExit as exc:
            if exc.code is None or isinstance(exc.code, int):
                code = exc.code or 0
            else:
                print(exc.code, file=sys.stderr)
                code = 1
        except BaseException:
            traceback.print_exc()
            code = 1
        # What the interpreter does on its way out: wait for non-daemon threads, run atexit.
        threading._shutdown()  # type: ignore[attr-defined]
        atexit._run_exitfuncs()
        sys.stdout.flush()
        sys.stderr.flush()
    except BaseException:
        with contextlib.suppress(BaseException):
            traceback.print_exc()
    finally:
        os._exit(code)


def serve() -> None:
    for name in WARM:
        importlib.import_module(name)
    from douse.core.sentiment.language import LanguageGuesser

    LanguageGuesser().load()  # the model a scoring command loads first: loaded once, shared
    wake_r, wake_w = os.pipe()
    os.set_blocking(wake_r, False)
    os.set_blocking(wake_w, False)
    signal.set_wakeup_fd(wake_w)
    signal.signal(signal.SIGCHLD, lambda *_: None)
    stdin, stdout = sys.stdin.fileno(), sys.stdout.fileno()

    def say(message: dict[str, Any]) -> None:
        os.write(stdout, (json.dumps(message) + "\n").encode())

    say({"ready": True})
    pending = b""
    children: set[int] = set()
    while True:
        readable, _, _ = select.select([stdin, wake_r], [], [])
        if wake_r in readable:
            with contextlib.suppress(BlockingIOError):
                while os.read(wake_r, 4096):
                    pass
        while children:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                break
            if pid == 0:
                break
            children.discard(pid)
            say({"exit": pid, "code": os.waitstatus_to_exitcode(status)})
        if stdin not in readable:
            continue
        data = os.read(stdin, 65536)
        if not data:  # the test worker has gone: so do its children
            for pid in children:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
            return
        pending += data
        *lines, pending = pending.split(b"\n")
        for line in lines:
            if not line.strip():
                continue
            request = json.loads(line)
            pid = os.fork()
            if pid == 0:
                _child(request, (wake_r, wake_w))
            children.add(pid)
            say({"pid": pid})


# --- the test side ----------------------------------------------------------------------


class WarmProcess:
    """What the tests use of `subprocess.Popen`, for one forked `douse`."""

    def __init__(self, server: WarmDouse, pid: int, args: list[str], out: Path, err: Path):
        self._server = server
        self.pid = pid
        self.args = args
        self._out, self._err = out, err
        self.returncode: int | None = None

    def poll(self) -> int | None:
        if self.returncode is None:
            self.returncode = self._server._code(self.pid, 0)
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        if self.returncode is None:
            self.returncode = self._server._code(self.pid, timeout)
            if self.returncode is None:
                raise subprocess.TimeoutExpired(self.args, timeout or 0)
        return self.returncode

    def send_signal(self, sig: int) -> None:
        if self.poll() is None:
            os.kill(self.pid, sig)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def communicate(self, timeout: float | None = None) -> tuple[str, str]:
        self.wait(timeout)
        return (
            self._out.read_text(encoding="utf-8", errors="replace"),
            self._err.read_text(encoding="utf-8", errors="replace"),
        )


class WarmDouse:
    """The server of one test worker; `spawn` starts a command line in a forked child."""

    def __init__(self) -> None:
        self._proc = subprocess.Popen(
            [sys.executable, "-m", "tests.warm_douse"],
            cwd=REPO,
            env={**os.environ, "PYTHONPATH": str(REPO)},
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
        )
        assert self._proc.stdin is not None and self._proc.stdout is not None
        self._stdin, self._stdout = self._proc.stdin, self._proc.stdout
        if json.loads(self._stdout.readline() or b"{}").get("ready") is not True:
            raise RuntimeError("the warm douse server did not start")
        self._lock = threading.Lock()  # one spawn at a time: answers come in order
        self._changed = threading.Condition()
        self._started: list[int] = []
        self._codes: dict[int, int] = {}
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        self._count = 0

    def _read(self) -> None:
        for line in self._stdout:
            message = json.loads(line)
            with self._changed:
                if "pid" in message:
                    self._started.append(message["pid"])
                else:
                    self._codes[message["exit"]] = message["code"]
                self._changed.notify_all()

    def _code(self, pid: int, timeout: float | None) -> int | None:
        with self._changed:
            self._changed.wait_for(lambda: pid in self._codes, timeout)
            return self._codes.get(pid)

    def spawn(
        self, argv: Sequence[str], *, env: Mapping[str, str], cwd: Path, folder: Path
    ) -> WarmProcess:
        """`douse ARGV` in `cwd` with exactly `env`; its output is kept in `folder`."""
        with self._lock:
            self._count += 1
            out = folder / f"douse-{self._count}.out"
            err = folder / f"douse-{self._count}.err"
            request = {
                "argv": list(argv),
                "env": dict(env),
                "cwd": str(cwd),
                "stdout": str(out),
                "stderr": str(err),
            }
            self._stdin.write((json.dumps(request) + "\n").encode())
            self._stdin.flush()
            with self._changed:
                self._changed.wait_for(lambda: bool(self._started), 60)
                if not self._started:
                    raise RuntimeError("the warm douse server did not fork")
                pid = self._started.pop(0)
        return WarmProcess(self, pid, ["douse", *argv], out, err)

    def close(self) -> None:
        self._stdin.close()
        try:
            self._proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait()
        self._stdout.close()


if __name__ == "__main__":
    serve()

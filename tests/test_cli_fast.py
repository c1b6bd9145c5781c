"""The command line starts like a Unix tool: a command loads only its own module, `--help` and
the read commands load nothing heavy, Tab completes commands, slugs and staff, and long jobs
show a bar only to a person at a terminal."""

from __future__ import annotations

import argparse
import io
import os
import pkgutil
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from douse.core import __version__
from douse.tui.cli import commands
from douse.tui.cli.main import build_parser, command_in, main
from douse.tui.cli.registry import COMMANDS, HIDDEN
from tests.helpers import REPO

EXAMPLE = str(REPO / "clients.example.toml")
HEAVY = (
    "nltk",
    "textual",
    "rich",
    "apscheduler",
    "douse.core.sentiment",
    "douse.core.export",
    "alembic",
)


def _loaded_after(args: list[str], tmp_path: Path) -> set[str]:
    """The modules a fresh interpreter holds after `douse ARGS`."""
    script = (
        "import sys\n"
        "from douse.tui.cli.main import main\n"
        "try:\n"
        f"    main({args!r})\n"
        "except SystemExit:\n"
        "    pass\n"
        "print('\\n'.join(sys.modules), file=sys.stderr)\n"
    )
    env = {**os.environ, "DOUSE_LOG_DIR": str(tmp_path / "logs"), "PYTHONPATH": str(REPO)}
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return set(done.stderr.split())


def _heavy(modules: set[str]) -> list[str]:
    return sorted(m for m in modules if m.split(".")[0] in HEAVY or m.startswith(HEAVY))


@pytest.mark.parametrize("args", [["--help"], ["--version"], ["clients", "--help"]])
def test_help_and_version_load_nothing_heavy(args: list[str], tmp_path: Path) -> None:
    loaded = _loaded_after(args, tmp_path)
    assert _heavy(loaded) == []
    assert "douse.tui.cli.commands.demo" not in loaded
    if args[0].startswith("--"):
        assert "sqlalchemy" not in loaded


def test_a_read_command_loads_only_what_it_reads_with(tmp_path: Path) -> None:
    db = str(tmp_path / "agency.db")
    assert main(["--db", db, "--config", EXAMPLE, "sync"]) == 0
    loaded = _loaded_after(["--db", db, "clients"], tmp_path)
    assert "douse.tui.cli.commands.listing" in loaded
    assert _heavy(loaded) == []
    assert [m for m in loaded if m.startswith("douse.tui.cli.commands.")] == [
        "douse.tui.cli.commands.listing"
    ]


def test_the_registry_lists_every_command_as_its_module_registers_it() -> None:
    parser = build_parser()
    (sub,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    helps = {a.dest: a.help for a in sub._choices_actions}
    assert helps == {name: spec.help for name, spec in COMMANDS.items()}
    modules = {info.name for info in pkgutil.iter_modules(commands.__path__)}
    assert modules == {spec.module for spec in (*COMMANDS.values(), *HIDDEN.values())}
    for name, spec in {**COMMANDS, **HIDDEN}.items():
        assert sub.choices[name].prog == f"douse {name}", spec


def test_help_lists_every_command_without_loading_them(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["--help"])
    assert exit_.value.code == 0
    out = capsys.readouterr().out
    for name, spec in COMMANDS.items():
        assert f"    {name}" in out
        assert spec.help.split()[0] in out
    assert "__complete" not in out


@pytest.mark.parametrize(
    ("argv", "command"),
    [
        (["--db", "x.db", "incidents", "--overdue"], "incidents"),
        (["--db=x.db", "clients"], "clients"),
        (["--conf", "c.toml", "--as", "ana", "sync"], "sync"),
        (["--", "clients"], "clients"),
        (["--db", "x.db"], None),
    ],
)
def test_the_command_word_is_found_as_argparse_finds_it(
    argv: list[str], command: str | None
) -> None:
    assert command_in(argv) == command


def test_usage_errors_stay_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    for argv, message in (
        (["nosuch"], "douse: argument COMMAND: invalid choice: 'nosuch'"),
        (["--db"], "douse: argument --db: expected one argument"),
        (["clients", "--nope"], "douse: unrecognized arguments: --nope"),
    ):
        with pytest.raises(SystemExit) as exit_:
            main(argv)
        assert exit_.value.code == 2
        err = capsys.readouterr().err
        assert err.startswith(message), err
        assert err.count("\n") == 1


@pytest.fixture
def agency(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    db = str(tmp_path / "agency.db")
    assert main(["--db", db, "--config", EXAMPLE, "sync"]) == 0
    capsys.readouterr()
    return db


def _complete(db: str, capsys: pytest.CaptureFixture[str], *words: str) -> list[str]:
    assert main(["--db", db, "__complete", "--", "douse", *words]) == 0
    return capsys.readouterr().out.splitlines()


def test_completion_of_commands_options_slugs_and_staff(
    agency: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _complete(agency, capsys, "inc") == ["incident", "incidents"]
    assert "--overdue" in _complete(agency, capsys, "incidents", "--")
    assert _complete(agency, capsys, "incidents", "--client", "north") == ["northwind-air"]
    slugs = _complete(agency, capsys, "export", "")
    assert "northwind-air" in slugs and slugs == sorted(slugs)
    assert _complete(agency, capsys, "export", "northwind-air", "--format", "j") == ["json"]
    staff = _complete(agency, capsys, "--as", "")
    assert staff and staff == _complete(agency, capsys, "assign", "12", "")
    assert _complete(agency, capsys, "db", "") == ["upgrade", "status"]
    # A file argument completes nothing here: the shell offers file names instead.
    assert _complete(agency, capsys, "import", "") == []


def test_completion_never_creates_a_database(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "none.db"
    assert _complete(str(missing), capsys, "export", "") == []
    assert not missing.exists()


def test_completion_scripts_name_the_callback(capsys: pytest.CaptureFixture[str]) -> None:
    for shell in ("bash", "zsh", "fish"):
        assert main(["completion", shell]) == 0
        assert "douse __complete --" in capsys.readouterr().out


@pytest.mark.skipif(shutil.which("bash") is None, reason="bash is not installed")
def test_bash_completes_client_slugs_through_the_script(agency: str, tmp_path: Path) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    douse = bin_dir / "douse"
    douse.write_text(f'#!/bin/sh\nexec {sys.executable} -m tui --db {agency} "$@"\n')
    douse.chmod(0o755)
    env = {
        **os.environ,
        "PATH": f"{bin_dir}:{os.environ['PATH']}",
        "PYTHONPATH": str(REPO),
        "DOUSE_LOG_DIR": str(tmp_path / "logs"),
    }
    script = (
        'eval "$(douse completion bash)"\n'
        "COMP_WORDS=(douse incidents --client nor); COMP_CWORD=3; _douse_complete\n"
        'printf "%s\\n" "${COMPREPLY[@]}"\n'
    )
    done = subprocess.run(
        ["bash", "-c", script], env=env, capture_output=True, text=True, timeout=120, check=True
    )
    assert done.stdout.split() == ["northwind-air"]


@pytest.mark.skipif(shutil.which("fish") is None, reason="fish is not installed")
def test_fish_completes_client_slugs_through_the_script(agency: str, tmp_path: Path) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    douse = bin_dir / "douse"
    douse.write_text(f'#!/bin/sh\nexec {sys.executable} -m tui --db {agency} "$@"\n')
    douse.chmod(0o755)
    env = {
        **os.environ,
        "PATH": f"{bin_dir}:{os.environ['PATH']}",
        "PYTHONPATH": str(REPO),
        "DOUSE_LOG_DIR": str(tmp_path / "logs"),
        "HOME": str(tmp_path),
    }
    script = 'douse completion fish | source; complete -C "douse incidents --client nor"'
    done = subprocess.run(
        ["fish", "-c", script], env=env, capture_output=True, text=True, timeout=120, check=True
    )
    assert done.stdout.split() == ["northwind-air"]


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_sync_draws_a_bar_only_for_a_terminal(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    db = str(tmp_path / "agency.db")
    assert main(["--db", db, "--config", EXAMPLE, "sync"]) == 0
    piped = capsys.readouterr()
    assert piped.err == ""
    screen = _Terminal()
    monkeypatch.setattr(sys, "stderr", screen)
    assert main(["--db", str(tmp_path / "again.db"), "--config", EXAMPLE, "sync"]) == 0
    assert "syncing clients" in screen.getvalue()
    # The bar is on stderr: stdout carries the same report either way.
    assert capsys.readouterr().out == piped.out


def test_reading_a_config_loads_no_exporter_or_scheduler(tmp_path: Path) -> None:
    script = (
        "import sys\n"
        "from douse.core.config import load_config\n"
        f"load_config({EXAMPLE!r})\n"
        "print('\\n'.join(sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    loaded = set(done.stdout.split())
    assert "douse.core.jobs.report_schedule" in loaded
    assert not [
        m
        for m in loaded
        if m.startswith(
            ("apscheduler", "douse.core.export.", "douse.core.ingest.douse", "douse.core.jobs.")
        )
        and m not in ("douse.core.export.formats", "douse.core.jobs.report_schedule")
    ]


def test_scoring_loads_neither_scipy_stats_nor_scikit_learn(tmp_path: Path) -> None:
    """nltk imports both if it can (core.nltk_import): every scoring or triaging process, each
    `douse` a test starts among them, would pay about a second for them. Nor does the check
    the desk and `douse watch` make for labels to learn from (core.learning.retrain): only
    fitting a model needs them."""
    script = (
        "import sys\n"
        "import douse.core.learning.retrain\n"
        "from douse.core.sentiment import Analyzer\n"
        "print(Analyzer().score('the staff were rude and the room was dirty').label)\n"
        "print('\\n'.join(sys.modules))\n"
        "import sklearn.linear_model\n"  # fitting a model still finds scikit-learn whole
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO), "XDG_CACHE_HOME": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    label, *loaded = done.stdout.split()
    assert label == "negative"
    assert "nltk" in loaded
    assert [m for m in loaded if m.startswith(("scipy.stats", "sklearn"))] == []


def test_a_command_missing_from_the_registry_still_runs(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delitem(COMMANDS, "completion")
    assert main(["completion", "bash"]) == 0
    assert "_douse_complete" in capsys.readouterr().out


def test_python_dash_m_douse_is_the_douse_command(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "douse", "--version"],
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO), "DOUSE_LOG_DIR": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert (done.returncode, done.stdout, done.stderr) == (0, f"douse {__version__}\n", "")


def test_rescore_draws_a_bar_only_for_a_terminal(
    agency: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert main(["--db", agency, "rescore", "--client", "northwind-air"]) == 0
    piped = capsys.readouterr()
    assert piped.err == "" and piped.out.startswith("rescored 0 posts")
    screen = _Terminal()
    monkeypatch.setattr(sys, "stderr", screen)
    assert main(["--db", agency, "rescore", "--client", "northwind-air"]) == 0
    assert "northwind-air: rescoring" in screen.getvalue()
    assert capsys.readouterr().out == piped.out


def test_bare_douse_opens_the_desk(agency: str, monkeypatch: pytest.MonkeyPatch) -> None:
    import douse.tui.app as desk_app

    opened: list[str | None] = []
    monkeypatch.setattr(desk_app, "run_desk", lambda services, me, **kw: opened.append(me))
    assert main(["--db", agency, "--as", "ana"]) == 0
    assert opened == ["ana"]

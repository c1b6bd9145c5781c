"""`douse score`: stdin lines in, one JSON object per line out, in order."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from douse.tui.cli.main import main

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def cache_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("xdg-cache")


def run_score(
    cache_home: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    data: bytes,
    *args: str,
) -> tuple[int, list[str], str]:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    # Keep the lexicon copy out of the real user cache dir (platformdirs reads XDG_CACHE_HOME).
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache_home))
    code = main(["score", *args])
    captured = capsys.readouterr()
    return code, captured.out.splitlines(), captured.err


def test_jsonl_and_plain_lines_give_one_result_each_in_order(
    cache_home: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    data = (
        '{"text": "still no refund", "id": "m-1"}\n'
        "Love it, thank you!\n"
        "\n"
        "El servicio es horrible y nadie contesta el teléfono\n"
        '{"text": "Do you ship to Canada?"}'  # no newline at the end
    ).encode()
    code, lines, err = run_score(cache_home, monkeypatch, capsys, data)
    assert code == 0 and err == ""
    rows = [json.loads(line) for line in lines]
    assert [row["label"] for row in rows] == [
        "negative", "positive", "neutral", "unscored", "neutral",
    ]  # fmt: skip
    assert rows[0]["id"] == "m-1"
    assert rows[0]["reasons"][0] == "service failure: “still no refund” −1.5"
    assert rows[2] == {"compound": 0.0, "label": "neutral", "language": None, "reasons": []}
    assert rows[3]["compound"] is None and rows[3]["language"] == "es"
    assert set(rows[1]) == {"compound", "label", "language", "reasons"}


def test_bad_lines_are_reported_in_place_and_exit_2(
    cache_home: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    data = b'{"text": broken\n{"title": "no text"}\nfine thanks\n\xff\xfe scam\n'
    code, lines, err = run_score(cache_home, monkeypatch, capsys, data)
    assert code == 2
    assert len(lines) == 4
    assert json.loads(lines[0])["error"].startswith("line 1: not valid JSON")
    assert json.loads(lines[1]) == {"error": 'line 2: JSON object has no string "text"'}
    assert json.loads(lines[2])["label"] == "positive"
    assert json.loads(lines[3])["label"] == "negative"  # undecodable bytes do not stop the rest
    assert err.splitlines() == [
        "douse: line 1: not valid JSON (Expecting value at column 10)",
        'douse: line 2: JSON object has no string "text"',
        "douse: 2 line(s) could not be scored",
    ]


def test_thresholds_from_the_command_line(
    cache_home: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    data = b"The coffee was a bit disappointing\n"
    _, default, _ = run_score(cache_home, monkeypatch, capsys, data)
    code, strict, _ = run_score(
        cache_home,
        monkeypatch,
        capsys,
        data,
        "--negative-threshold",
        "-0.6",
        "--positive-threshold",
        "0.6",
    )
    assert code == 0
    assert json.loads(default[0])["label"] == "negative"
    assert json.loads(strict[0])["label"] == "neutral"


def test_crossed_thresholds_are_one_line_and_exit_2(
    cache_home: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, lines, err = run_score(
        cache_home, monkeypatch, capsys, b"x\n", "--negative-threshold", "0.5"
    )
    assert code == 2 and lines == []
    assert err == "douse: negative threshold (0.5) must be below positive threshold (0.05)\n"


def test_terminal_control_characters_in_input_stay_escaped(
    cache_home: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    data = json.dumps({"text": "scam", "id": "\x1b]0;pwned\x07\x9b2J\u202e"}).encode() + b"\n"
    _, lines, _ = run_score(cache_home, monkeypatch, capsys, data)
    assert all(ord(ch) >= 32 and not 0x7F <= ord(ch) <= 0x9F for ch in lines[0])
    assert "\u202e" not in lines[0]
    assert json.loads(lines[0])["id"] == "\x1b]0;pwned\x07\x9b2J\u202e"


def test_douse_score_as_a_real_process(cache_home: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "douse.tui", "score"],
        input=b"I waited two hours and no one called me back\nbest coffee in town\n",
        capture_output=True,
        cwd=REPO,
        env={**os.environ, "XDG_CACHE_HOME": str(cache_home)},
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    rows = [json.loads(line) for line in done.stdout.decode().splitlines()]
    assert [row["label"] for row in rows] == ["negative", "positive"]

"""Control sequences never reach a file douse writes (issue 15, finding 8): the two paths that
skipped the text cleaning, `douse log --text/--channel` and `douse import --format douse-json`,
now clean it, so CSV and HTML exports carry no ESC or BEL byte."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from douse.core.services import Services
from douse.tui.cli.main import main
from tests.export_factory import build_agency

HOSTILE_TEXT = "calm \x1b[2J\x1b]0;owned\x07down\x00 please\x9b"
HOSTILE_CHANNEL = "x\x1b[31m\x07"


def _exports(db: str, tmp_path: Path, tag: str) -> list[bytes]:
    outputs = []
    for fmt, extra in (("csv", ["--activities"]), ("html", ["--internal"]), ("md", ["--internal"])):
        out = tmp_path / f"{tag}.{fmt}"
        assert main(["--db", db, "export", "acme", "--format", fmt, *extra, "-o", str(out)]) == 0
        outputs.append(out.read_bytes())
    return outputs


def _first_incident(db: str, capsys: pytest.CaptureFixture[str]) -> int:
    capsys.readouterr()
    assert main(["--db", db, "incidents", "--client", "acme", "--json"]) == 0
    return int(json.loads(capsys.readouterr().out)[0]["id"])


def test_log_text_and_channel_are_cleaned(
    sqlite_services: Services, sqlite_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with sqlite_services.sessions.begin() as session:
        build_agency(session, sqlite_services.clock.now())
    iid = _first_incident(sqlite_url, capsys)
    argv = ["--db", sqlite_url, "log", str(iid), "--kind", "internal_note", "--by", "alice"]
    assert main([*argv, "--text", HOSTILE_TEXT, "--channel", HOSTILE_CHANNEL]) == 0
    for blob in _exports(sqlite_url, tmp_path, "log"):
        assert b"\x1b" not in blob and b"\x07" not in blob and b"\x00" not in blob
        assert b"\xc2\x9b" not in blob  # C1 CSI, the one-byte ESC [
    assert b"calm down" in _exports(sqlite_url, tmp_path, "again")[0]  # the words are kept


def test_a_douse_json_file_with_escapes_is_imported_clean(
    sqlite_services: Services, sqlite_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with sqlite_services.sessions.begin() as session:
        build_agency(session, sqlite_services.clock.now())
    log = tmp_path / "acme.json"
    assert main(["--db", sqlite_url, "export", "acme", "--format", "json", "-o", str(log)]) == 0
    doc = json.loads(log.read_text())

    def poison(value: object) -> object:
        # Every string a person or the internet wrote gets an escape sequence and a bell.
        if isinstance(value, dict):
            return {
                k: (v + "\x1b[31m\x07" if isinstance(v, str) and k in POISONED else poison(v))
                for k, v in value.items()
            }
        if isinstance(value, list):
            return [poison(v) for v in value]
        return value

    log.write_text(json.dumps(poison(doc)))
    assert "\\u001b" in log.read_text()
    other = str(tmp_path / "other.db")
    capsys.readouterr()
    assert main(["--db", other, "import", "--format", "douse-json", str(log)]) == 0
    assert "4 incidents imported" in capsys.readouterr().out
    for blob in _exports(other, tmp_path, "imported"):
        assert b"\x1b" not in blob and b"\x07" not in blob


POISONED = {"title", "text", "body", "outcome", "resolution", "display_name", "note"}

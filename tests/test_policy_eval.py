"""The policy benchmark: every hostile draft kept in the repository is blocked, and the benchmark
reads a conversations file the way the dev set is laid out (links restored, HTML unescaped), or
says it skipped."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench import policy_eval
from douse.core.policy import ReplyPolicy, check_reply


def test_every_hostile_draft_is_blocked_and_there_are_at_least_twenty() -> None:
    drafts = [json.loads(line) for line in policy_eval.HOSTILE.read_text().splitlines()]
    assert len(drafts) >= 20
    policy = ReplyPolicy.from_dict(policy_eval.LIMITS)
    for d in drafts:
        findings = check_reply(
            policy, d["text"], platform=d["platform"], public=not d["private"], tone=lambda _: 0.0
        )
        assert any(f.blocking for f in findings), d["text"]


def test_the_benchmark_restores_links_and_skips_without_data(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert policy_eval.main(["--data", str(tmp_path / "missing.jsonl")]) == 0
    assert capsys.readouterr().out.startswith("policy_eval: skipped: no customer-care dev set")
    link = "https://help.example.com/articles/360012932454-" + "a" * 200
    conversations = tmp_path / "conversations.jsonl"
    turns = [
        {"role": "customer", "text": "my app crashes"},
        {"role": "agent", "text": f"@jo Sorry! Try this &amp; tell us: {link}"},
        {
            "role": "agent",
            "text": f"@jo Or this: https://web.archive.org/web/20200401224734/{link}",
        },
    ]
    conversations.write_text(json.dumps({"company": "Acme", "turns": turns}) + "\n")
    replies = policy_eval.agent_replies(conversations)
    assert replies[0].startswith("@jo Sorry! Try this & tell us")
    assert policy_eval.main(["--data", str(conversations), "--no-cli"]) == 0
    out = capsys.readouterr().out
    assert "real agent replies: 2 (1 with archive-rewritten links), on X" in out
    assert "blocked    0/2 =   0.0%" in out
    assert "hostile drafts (bench/data/hostile_drafts.jsonl): blocked" in out

"""Which module defines each `douse` command, and its one-line help.

`douse --help` and a command line's first pass read only this table, so the parser imports just
the module of the command being run (a command module may pull in the sentiment rules, nltk or
the exporters; `douse clients` must not pay for them). A test checks that this table matches
what the modules themselves register, so a new command fails the suite until it is listed here.
"""

from __future__ import annotations

from typing import NamedTuple


class Command(NamedTuple):
    module: str  # under tui.cli.commands
    help: str


# In the order `douse --help` lists them (modules alphabetically, then as each registers).
COMMANDS: dict[str, Command] = {
    "assign": Command("assign", "give an incident to someone"),
    "unowned": Command("assign", "client accounts nobody is available to answer for"),
    "category": Command(
        "category", "file an incident under an issue category (triage learns from it)"
    ),
    "categories": Command(
        "category", "a client's issue categories, with how many posts each holds"
    ),
    "completion": Command("completion", "print a shell completion script (bash, zsh or fish)"),
    "config": Command("config", "check clients.toml or show where it lives"),
    "sync": Command("config", "write clients, staff, accounts and sources into the database"),
    "db": Command("db", "database schema migrations"),
    "demo": Command("demo", "build a believable demo agency (no network) and open the desk on it"),
    "desk": Command("desk", "open the interactive desk (the default command)"),
    "export": Command("export", "export a client's incident log (csv, json, md) or report (html)"),
    "import": Command("import_", "import mentions from CSV, JSONL, JSON or feed files"),
    "incident": Command("incident", "show one incident with its mentions and timeline"),
    "merge": Command("incident", "merge incidents into one (the others close as merged)"),
    "split": Command("incident", "move some mentions of an incident to a new incident"),
    "learn": Command("learn", "learn sentiment from staff labels (per agency and per client)"),
    "lint": Command("lint", "check draft replies (stdin) against a client's reply policy"),
    "clients": Command("listing", "list clients with accounts, sources and open incidents"),
    "mentions": Command("listing", "list mentions, newest first"),
    "incidents": Command("listing", "list incidents, soonest deadline first"),
    "log": Command("log", "record outreach or a note on an incident (append-only)"),
    "mention": Command("mention", "record a mention by hand (a phone complaint, a screenshot)"),
    "poll": Command("poll", "poll every source once and print what each brought"),
    "reply": Command(
        "reply", "answer an incident on its platform (policy-checked, approved where needed)"
    ),
    "approvals": Command("reply", "replies waiting for an approver, oldest first"),
    "approve": Command("reply", "approve a waiting reply (an API reply is sent at once)"),
    "return": Command("reply", "send a waiting reply back to its author with a note"),
    "report": Command("report", "scheduled client reports (run the due ones, show the schedule)"),
    "rescore": Command("rescore", "judge a client's stored posts again (after `douse learn`)"),
    "score": Command("score", 'score sentiment of JSONL ({"text": ...}) or plain lines on stdin'),
    "status": Command("status", "change an incident's status (logged)"),
    "severity": Command("status", "set an incident's severity by judgement (logged)"),
    "undo": Command(
        "undo",
        "take back an incident's last change (status, assignment, severity, merge, split, "
        "troll flag)",
    ),
    "watch": Command("watch", "poll sources on their schedules until stopped (a headless worker)"),
}

# Not listed in `douse --help`: the shells' completion scripts call it.
HIDDEN: dict[str, Command] = {"__complete": Command("completion", "")}


def module_of(name: str) -> str | None:
    spec = COMMANDS.get(name) or HIDDEN.get(name)
    return spec.module if spec else None

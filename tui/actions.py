"""The one registry of desk actions: it feeds every BINDINGS list, the footer, help and the palette.

Each entry names a Textual action on the class of its scope; `bindings(scope)` turns a scope's
entries into `Binding`s with stable ids, so a user keymap (`App.set_keymap`) can rebind any of them.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding, BindingType


@dataclass(frozen=True)
class DeskAction:
    id: str
    key: str
    action: str
    description: str
    scope: str
    help: str = ""
    show: bool = True
    priority: bool = False

    @property
    def binding_id(self) -> str:
        return f"douse.{self.scope}.{self.id}"

    def binding(self) -> Binding:
        return Binding(
            self.key,
            self.action,
            self.description,
            show=self.show,
            priority=self.priority,
            tooltip=self.help or self.description,
            id=self.binding_id,
        )


SCOPES: dict[str, str] = {
    "global": "Everywhere",
    "dashboard": "Agency dashboard",
    "client": "Client view",
    "incidents": "Client view › Incidents",
    "mentions": "Client view › Mentions",
    "accounts": "Client view › Accounts & owners",
    "sources": "Client view › Sources",
    "authors": "Client view › Authors",
    "incident": "Incident view",
    "queue": "Queues",
    "review": "Teach douse (the posts it is least sure of)",
    "approvals": "Approvals",
    "select": "Incident lists: selecting several",
    "bulk": "Incident lists: acting on the selection (or the highlighted incident)",
    "table": "Lists",
}

A = DeskAction
ACTIONS: tuple[DeskAction, ...] = (
    # Everywhere
    A("help", "question_mark", "app.help", "Help", "global", "Every key, by screen"),
    A(
        "switch",
        "c",
        "app.switch_client",
        "Client",
        "global",
        "Fuzzy-find a client by name or slug",
    ),
    A("palette", "colon", "app.command_palette", "Commands", "global", "Commands and clients"),
    A("home", "h", "app.home", "Dashboard", "global", "Back to the agency dashboard"),
    A("mine", "m", "app.my_queue", "My queue", "global", "Everything due or overdue that is yours"),
    A(
        "overdue",
        "o",
        "app.overdue_queue",
        "Deadlines",
        "global",
        "Every running deadline, all clients: overdue first, then the soonest",
    ),
    A("export", "x", "app.export", "Export", "global", "Export a client's incident log"),
    A(
        "approvals",
        "y",
        "app.approvals",
        "Approvals",
        "global",
        "Replies waiting for an approver (approve: sent at once; return with a note)",
        show=False,
    ),
    A("refresh", "ctrl+r", "app.refresh_data", "Refresh", "global", "Reload this screen now"),
    A("back", "escape", "app.back", "Back", "global", "Close this screen", show=False),
    A("quit", "ctrl+q", "app.quit", "Quit", "global", "Quit douse", show=False, priority=True),
    # Lists
    A("select", "space", "toggle_select", "Select", "select", "Select / unselect this incident"),
    A(
        "extend-down",
        "shift+down",
        "extend_down",
        "Extend",
        "select",
        "Extend the selection down",
        show=False,
    ),
    A(
        "extend-up",
        "shift+up",
        "extend_up",
        "Extend up",
        "select",
        "Extend the selection up",
        show=False,
    ),
    A(
        "all",
        "asterisk",
        "select_all",
        "All",
        "select",
        "Select every incident shown (again: none)",
        show=False,
    ),
    A(
        "ack",
        "a",
        "bulk_ack",
        "Ack",
        "bulk",
        "Acknowledge each selected incident",
        show=False,
    ),
    A("assign", "A", "bulk_assign", "Assign", "bulk", "Give each one to someone", show=False),
    A("status", "s", "bulk_status", "Status", "bulk", "Change each one's status", show=False),
    A("merge", "M", "bulk_merge", "Merge", "bulk", "Merge the selected into one", show=False),
    A(
        "reply",
        "r",
        "bulk_reply",
        "Reply",
        "bulk",
        "Log one canned reply on each, filled and policy-checked for each",
        show=False,
    ),
    A("undo", "u", "bulk_undo", "Undo", "bulk", "Undo each one's last change", show=False),
    A("down", "j", "cursor_down", "Down", "table", "Next row", show=False),
    A("up", "k", "cursor_up", "Up", "table", "Previous row", show=False),
    A("top", "g", "scroll_top", "Top", "table", "First row", show=False),
    A("bottom", "G", "scroll_bottom", "Bottom", "table", "Last row", show=False),
    # Dashboard
    A("open", "enter", "open_client", "Open", "dashboard", "Open the highlighted client"),
    A("filter", "slash", "filter", "Filter", "dashboard", "Filter clients by name"),
    # Client view
    A("tab1", "1", "tab('incidents')", "Incidents", "client", "Incidents tab", show=False),
    A("tab2", "2", "tab('mentions')", "Mentions", "client", "Mentions tab", show=False),
    A("tab3", "3", "tab('accounts')", "Accounts", "client", "Accounts & owners tab", show=False),
    A("tab4", "4", "tab('sources')", "Sources", "client", "Sources tab", show=False),
    A("tab5", "5", "tab('authors')", "Authors", "client", "Authors tab", show=False),
    A("filter", "slash", "filter", "Filter", "client", "Filter / search this list"),
    A(
        "teach",
        "T",
        "teach",
        "Teach",
        "client",
        "Label the posts douse is least sure of, one key each (it learns from them)",
        show=False,
    ),
    # Incidents tab
    A("open", "enter", "open_incident", "Open", "incidents", "Open the highlighted incident"),
    A("status", "f", "cycle_status", "Status", "incidents", "Cycle the status filter"),
    A("severity", "v", "cycle_severity", "Severity", "incidents", "Cycle the severity filter"),
    A("owner", "w", "cycle_owner", "Owner", "incidents", "All / mine / unowned"),
    A(
        "category",
        "C",
        "pick_category",
        "Category",
        "incidents",
        "Show one issue category's incidents (delays, refunds...), or any",
    ),
    # Mentions tab
    A("kind", "f", "cycle_kind", "Show", "mentions", "All / negative / unscored / unhandled"),
    A("more", "n", "more", "More", "mentions", "Load the next page", show=False),
    A(
        "incident",
        "i",
        "open_incident_here",
        "New incident",
        "mentions",
        "Open an incident on the highlighted mention",
    ),
    A("attach", "a", "attach", "Attach", "mentions", "Attach the mention to an incident"),
    A("label", "L", "relabel", "Label", "mentions", "Correct the sentiment label"),
    # Accounts, sources, authors
    A("reassign", "r", "reassign", "Reassign", "accounts", "New owner and backup (logged)"),
    A("poll", "p", "poll_now", "Poll now", "sources", "Poll the highlighted source now"),
    A(
        "troll",
        "t",
        "toggle_troll",
        "Troll",
        "authors",
        "Flag / unflag a troll: asks first, says what goes to monitor or comes back",
    ),
    A("vip", "v", "toggle_vip", "VIP", "authors", "Flag / unflag a VIP (escalate)"),
    A("note", "e", "edit_note", "Note", "authors", "Edit the note on this author"),
    # Incident view
    A(
        "ack",
        "a",
        "acknowledge",
        "Ack",
        "incident",
        "Acknowledge: mark it seen; the clock runs on until a reply or contact is logged",
    ),
    A("assign", "A", "assign", "Assign", "incident", "Give it to someone"),
    A("log", "l", "log_outreach", "Log", "incident", "Log outreach (policy-checked)"),
    A("status", "s", "change_status", "Status", "incident", "Change the status"),
    A("escalate", "e", "escalate", "Escalate", "incident", "Escalate to a lead"),
    A(
        "severity",
        "v",
        "set_severity",
        "Severity",
        "incident",
        "Set the severity by judgement, with a reason (triage never lowers it again)",
        show=False,
    ),
    A("resolve", "R", "resolve", "Resolve", "incident", "Resolve with a note"),
    A(
        "troll",
        "t",
        "mark_troll",
        "Troll",
        "incident",
        "Flag (or unflag) the post's author a troll: asks first, says what goes to monitor",
    ),
    A("label", "L", "relabel", "Label", "incident", "Correct the highlighted post's label"),
    A("merge", "M", "merge", "Merge", "incident", "Merge another incident into this one"),
    A("split", "S", "split", "Split", "incident", "Split the highlighted mention off"),
    A(
        "category",
        "C",
        "set_category",
        "Category",
        "incident",
        "File it under another issue category (triage files posts like it the same way)",
    ),
    A(
        "problem",
        "p",
        "open_problem",
        "Problem",
        "incident",
        "Open the problem this case is under",
        show=False,
    ),
    A(
        "undo",
        "u",
        "undo",
        "Undo",
        "incident",
        "Take back the last change, while nobody has changed the incident since",
    ),
    # Teach douse
    A("negative", "n", "give('negative')", "Negative", "review", "Label it negative, next post"),
    A("neutral", "u", "give('neutral')", "Neutral", "review", "Label it neutral, next post"),
    A("positive", "p", "give('positive')", "Positive", "review", "Label it positive, next post"),
    A("skip", "s", "skip", "Skip", "review", "Leave it unlabelled, next post"),
    # Queues
    A("open", "enter", "open_incident", "Open", "queue", "Open the highlighted incident"),
    # Approvals
    A("approve", "a", "approve", "Approve", "approvals", "Approve: an API reply is sent at once"),
    A("return", "r", "return", "Return", "approvals", "Send it back to its author with a note"),
    A("open", "enter", "open_incident", "Open", "approvals", "Open the reply's incident"),
    A("next", "n", "next_due", "Next due", "queue", "Past the overdue ones: the next to breach"),
)


def scope(name: str) -> list[DeskAction]:
    if name not in SCOPES:
        raise KeyError(f"unknown action scope {name!r}")
    return [a for a in ACTIONS if a.scope == name]


def bindings(name: str) -> list[BindingType]:
    # BindingType, as `BINDINGS` is declared in Textual (a list is invariant).
    return [a.binding() for a in scope(name)]


def by_binding_id(binding_id: str | None) -> DeskAction | None:
    for a in ACTIONS:
        if a.binding_id == binding_id:
            return a
    return None


def key_label(key: str) -> str:
    names = {
        "question_mark": "?",
        "colon": ":",
        "slash": "/",
        "escape": "Esc",
        "enter": "Enter",
        "tab": "Tab",
        "space": "Space",
        "asterisk": "*",
        "shift+down": "⇧↓",
        "shift+up": "⇧↑",
    }
    return names.get(key, key.replace("ctrl+", "^"))

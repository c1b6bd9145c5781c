"""The command palette: every action active on this screen (from the registry) and every client.

Textual parses a hit's display and help as markup, so "Filter  [/]" crashed the palette and
"Ack  [a]" lost its hint. Titles are Content (never parsed), help is escaped, and search
highlights on the plain title.

Order with nothing typed: this screen's actions, then the desk-wide ones, then the clients, and
last the list movements (Down, Up, Top, Bottom), which a key does better than a palette.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, cast

from textual.command import DiscoveryHit, Hit, Hits, Matcher, Provider
from textual.content import Content
from textual.markup import escape

from douse.tui.actions import by_binding_id, key_label

if TYPE_CHECKING:
    from collections.abc import Callable

    from textual.dom import DOMNode

    from douse.tui.app import DouseApp

HIDDEN = ("palette", "quit", "back")
# Sort rank by scope: the screen's own actions first, list movements last.
GLOBAL_RANK, CLIENT_RANK, TABLE_RANK, SCREEN_RANK = 1, 2, 3, 0
# Selecting rows is list handling, like moving in it: after the screen's own actions.
RANKS = {"global": GLOBAL_RANK, "table": TABLE_RANK, "select": TABLE_RANK}


@dataclass(frozen=True)
class Command:
    title: str
    """Plain text: what is shown, searched and highlighted."""
    key: str
    """The key hint ("" for a client), shown dim after the title."""
    help: str
    run: Callable[[], object]

    @property
    def text(self) -> str:
        return f"{self.title}  [{self.key}]" if self.key else self.title

    def display(self, matcher: Matcher | None = None) -> Content:
        content = Content(self.text)
        if self.key:
            content = content.stylize("dim", len(self.title), len(self.text))
        if matcher is not None:
            _score, offsets = matcher.fuzzy_search.match(matcher.query, self.text)
            for offset in offsets:
                if not self.text[offset].isspace():
                    content = content.stylize(matcher.match_style, offset, offset + 1)
        return content


class DeskCommands(Provider):
    def _commands(self) -> list[Command]:
        app = cast("DouseApp", self.app)
        seen: set[str] = set()
        ranked: list[tuple[int, int, Command]] = []
        for key, active in self.screen.active_bindings.items():
            spec = by_binding_id(active.binding.id)
            if spec is None or not active.enabled or spec.id in HIDDEN:
                continue
            if spec.binding_id in seen:
                continue
            seen.add(spec.binding_id)
            rank = RANKS.get(spec.scope, SCREEN_RANK)
            run = partial(self._run, active.node, spec.action)
            ranked.append(
                (rank, len(ranked), Command(spec.description, key_label(key), spec.help, run))
            )
        for client in app.clients:
            command = Command(
                f"Client: {client.name} ({client.slug})",
                "",
                "Open this client",
                partial(app.open_client, client.id),
            )
            ranked.append((CLIENT_RANK, len(ranked), command))
        return [command for _rank, _n, command in sorted(ranked, key=lambda r: r[:2])]

    async def _run(self, node: DOMNode, action: str) -> None:
        await self.app.run_action(action, default_namespace=node)

    async def discover(self) -> Hits:
        for c in self._commands():
            yield DiscoveryHit(c.display(), c.run, text=c.text, help=escape(c.help))

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for c in self._commands():
            score = matcher.match(c.text)
            if score > 0:
                yield Hit(score, c.display(matcher), c.run, text=c.text, help=escape(c.help))

"""The command palette: every action active on this screen (from the registry) and every client."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from textual.command import DiscoveryHit, Hit, Hits, Provider

from tui.actions import by_binding_id, key_label

if TYPE_CHECKING:
    from tui.app import DouseApp


class DeskCommands(Provider):
    def _commands(self) -> list[tuple[str, str, object]]:
        app: DouseApp = self.app  # type: ignore[assignment]
        seen: set[str] = set()
        commands: list[tuple[str, str, object]] = []
        for key, active in self.screen.active_bindings.items():
            spec = by_binding_id(active.binding.id)
            if spec is None or not active.enabled or spec.id in ("palette", "quit", "back"):
                continue
            if spec.binding_id in seen:
                continue
            seen.add(spec.binding_id)
            title = f"{spec.description}  [{key_label(key)}]"
            run = partial(self._run, active.node, spec.action)
            commands.append((title, spec.help, run))
        for client in app.clients:
            commands.append(
                (
                    f"Client: {client.name} ({client.slug})",
                    "Open this client",
                    partial(app.open_client, client.id),
                )
            )
        return commands

    async def _run(self, node: object, action: str) -> None:
        await self.app.run_action(action, default_namespace=node)  # type: ignore[arg-type]

    async def discover(self) -> Hits:
        for title, help_text, command in self._commands():
            yield DiscoveryHit(title, command, text=title, help=help_text)  # type: ignore[arg-type]

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_text, command in self._commands():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), command, text=title, help=help_text)  # type: ignore[arg-type]

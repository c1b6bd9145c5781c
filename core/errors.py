"""Errors a user can cause. The CLI prints them as one line with exit code 2; the desk notifies."""

from __future__ import annotations


class DouseError(Exception):
    """A problem with the user's input or environment, explained in one line."""

    def __str__(self) -> str:
        return " ".join(str(self.args[0]).split()) if self.args else self.__class__.__name__

    def lines(self) -> list[str]:
        """The error as the CLI prints it: one line, or one per finding when there are several."""
        return [str(self)]


class ConfigError(DouseError):
    """clients.toml is malformed or inconsistent; carries every finding as `file:line: message`."""

    def __init__(self, findings: list[str]) -> None:
        super().__init__(findings[0] if findings else "invalid configuration")
        self.findings = findings

    def lines(self) -> list[str]:
        return list(self.findings) or [str(self)]


class StorageError(DouseError):
    """The database cannot be opened, written or upgraded."""


class NotFound(DouseError):
    """A client, incident, staff member or mention named by the user does not exist."""


class ConflictError(DouseError):
    """Someone else changed the record since it was read (optimistic concurrency)."""

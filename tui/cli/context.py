"""What every command receives: parsed global options and services built on first use."""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, TextIO

from core.settings import Settings, load_settings

if TYPE_CHECKING:
    from core.services import Services


@dataclass
class Context:
    args: argparse.Namespace
    stdout: TextIO = field(default_factory=lambda: sys.stdout)
    stderr: TextIO = field(default_factory=lambda: sys.stderr)
    _settings: Settings | None = None
    _services: Services | None = None

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            self._settings = load_settings(
                db=self.args.db, config=self.args.config, me=getattr(self.args, "as_staff", None)
            )
        return self._settings

    @property
    def services(self) -> Services:
        if self._services is None:
            # Imported on first use: SQLAlchemy is not needed by every command (`douse score`).
            from core.services import build_services

            self._services = build_services(self.settings)
        return self._services

    def use_database(self, url: str) -> None:
        """Point this run at another database (the demo's own) before services are built."""
        assert self._services is None, "services already built on the other database"
        self._settings = replace(self.settings, database_url=url)

    def out(self, line: str = "") -> None:
        print(line, file=self.stdout)

    def close(self) -> None:
        if self._services is not None:
            self._services.close()

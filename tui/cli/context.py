"""What every command receives: parsed global options and services built on first use."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, TextIO

from douse.core.clock import Clock, clock_from_env
from douse.core.settings import Settings, load_settings

if TYPE_CHECKING:
    from douse.core.db.sql import Reader
    from douse.core.services import Services


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
            from douse.core.services import build_services

            self._services = build_services(self.settings)
        return self._services

    @property
    def clock(self) -> Clock:
        """The services' clock, or the same one (DOUSE_NOW or the system's) without them."""
        if self._services is not None:
            return self._services.clock
        return clock_from_env(self.settings.now)

    @contextmanager
    def reading(self) -> Iterator[Reader]:
        """Where a read command runs the read models' SQL (core.queries): a bare driver
        connection when the database is already at this douse's schema, so SQLAlchemy is never
        imported; otherwise a session of the services, which first create or upgrade it."""
        if self._services is None:
            from douse.core.db.connect import open_reader

            bare = open_reader(self.settings.database_url)
            if bare is not None:
                with bare:
                    yield bare
                return
        from douse.core.db.sql import SessionReader

        with self.services.sessions() as session:
            yield SessionReader(session)

    def use_database(self, url: str) -> None:
        """Point this run at another database (the demo's own) before services are built."""
        assert self._services is None, "services already built on the other database"
        self._settings = replace(self.settings, database_url=url)

    def out(self, line: str = "") -> None:
        print(line, file=self.stdout)

    def close(self) -> None:
        if self._services is not None:
            self._services.close()

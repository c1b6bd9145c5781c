"""The one wiring point: the CLI, the desk, the scheduler and the tests all start here."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from core.clock import Clock, clock_from_env
from core.db.engine import make_engine
from core.db.migrate import upgrade
from core.settings import Settings


@dataclass
class Services:
    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    clock: Clock

    def close(self) -> None:
        self.engine.dispose()


def build_services(
    settings: Settings, *, clock: Clock | None = None, migrate: bool = True
) -> Services:
    engine = make_engine(settings.database_url)
    if migrate:
        try:
            upgrade(engine)
        except BaseException:
            engine.dispose()
            raise
    return Services(
        settings=settings,
        engine=engine,
        sessions=sessionmaker(engine, expire_on_commit=False),
        clock=clock or clock_from_env(settings.now),
    )

"""The PostgreSQL fixture hands each test a database equal to the migrated template: a database
a test is done with is emptied for the next one, unless the test changed more than its rows."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from douse.core.clock import FrozenClock
from douse.core.db.engine import make_engine
from douse.core.db.models import Client
from douse.core.services import build_services
from douse.core.settings import Settings
from tests.helpers import T0
from tests.pg import PostgresDatabases

pytestmark = pytest.mark.postgres


def _add_client(url: str, slug: str, tmp_path: Path) -> int:
    settings = Settings(database_url=url, config_path=tmp_path / "c.toml", log_dir=tmp_path)
    services = build_services(settings, clock=FrozenClock(T0))
    try:
        with services.sessions.begin() as session:
            client = Client(slug=slug, name=slug, created_at=T0, updated_at=T0)
            session.add(client)
            session.flush()
            return client.id
    finally:
        services.close()


def _names(dbs: PostgresDatabases) -> set[str]:
    with dbs.admin.connect() as c:
        return set(c.execute(text("SELECT datname FROM pg_database")).scalars())


def test_a_released_database_comes_back_as_the_template_and_a_changed_one_is_dropped(
    postgres_url: str, _postgres: PostgresDatabases, tmp_path: Path
) -> None:
    dbs = _postgres
    url = dbs.new_database()
    first = _add_client(url, "acme", tmp_path)
    engine = make_engine(url)
    left_open = engine.connect()  # release must end it, not wait on it
    left_open.execute(text("SELECT count(*) FROM clients")).scalar_one()
    dbs.release(url)
    left_open.invalidate()  # the server ended it
    engine.dispose()

    assert dbs.new_database() == url, "an emptied database is handed out again"
    engine = make_engine(url)
    with engine.connect() as c:
        assert c.execute(text("SELECT count(*) FROM clients")).scalar_one() == 0
        revision = c.execute(text("SELECT version_num FROM alembic_version")).scalar_one()
        assert revision
    assert _add_client(url, "other", tmp_path) == first, "ids start again"

    with engine.begin() as c:
        c.execute(text("ALTER TABLE clients ADD COLUMN left_behind integer"))
    engine.dispose()
    name = url.rsplit("/", 1)[1]
    dbs.release(url)
    assert name not in _names(dbs), "a database whose shape changed is dropped, not reused"
    assert dbs.new_database() != url

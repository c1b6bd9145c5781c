"""Shared fixtures: a fresh, migrated database per test on SQLite and on a real PostgreSQL."""

from __future__ import annotations

import gc
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from douse.core.clock import FrozenClock
from douse.core.db.engine import make_engine
from douse.core.db.migrate import upgrade
from douse.core.services import Services, build_services
from douse.core.settings import Settings

if TYPE_CHECKING:
    from douse.core.sentiment import Analyzer
from tests.helpers import T0
from tests.httpserver import LocalHTTPServer, local_http_server
from tests.pg import PostgresDatabases, throwaway_server
from tests.warm_douse import WarmDouse

# Fixtures that build something expensive once per worker, and the xdist group of their users.
SHARED_BUILDS = {
    "demo_db": "demo",
    "small_demo": "small_demo",
    "night_demo": "night_demo",
    "warm_douse": "warm_douse",
}
# Test modules that fit models: scikit-learn and SciPy (about 1.5 s of CPU to import) are then
# loaded by the one worker that runs them, not by every worker when it collects them.
SHARED_MODULES = {
    "test_learning.py": "learning",
    "test_learning_fast.py": "learning",
    "test_learning_threshold.py": "learning",
}


def pytest_configure(config: pytest.Config) -> None:
    """Fewer, larger garbage collections: the tests allocate fast (ORM rows, desk widgets) over a
    big heap (lexicons, models, Textual), and at Python's default thresholds the collector
    spent about 15% of a test run's CPU rescanning that heap (3.8 s of 24 s over six test
    files; 0.7 s at these thresholds). Every cycle is still collected, only less often."""
    gc.set_threshold(10_000, 20, 20)


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session: pytest.Session) -> None:
    """pytest collects garbage five times over at exit to report exceptions raised in
    finalizers; over a worker's whole heap that took each worker 2-6 s after its last test, the
    very end of the run. One collection here runs every finalizer due (pytest's hook still
    reports what they raise); what survives it is frozen, so the five passes only look at
    objects made after it."""
    gc.collect()
    gc.freeze()


@pytest.hookimpl(tryfirst=True)  # before xdist reads the groups
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Under pytest-xdist (`make test` runs two workers per core), every test reading the demo
    database runs on one worker, so the demo is built once, not once per worker; so do the
    tests sharing test_demo.py's smallest demo, those sharing its night demo, those
    starting `douse` warm (one server imports douse for all of them), and the tests that fit
    models (SHARED_MODULES)."""
    if not config.pluginmanager.hasplugin("xdist"):
        return
    for item in items:
        names = getattr(item, "fixturenames", ())
        for fixture, group in SHARED_BUILDS.items():
            if fixture in names:
                item.add_marker(pytest.mark.xdist_group(name=group))
                break
        else:
            if item.path.name in SHARED_MODULES:
                item.add_marker(pytest.mark.xdist_group(name=SHARED_MODULES[item.path.name]))


@pytest.fixture(autouse=True)
def _private_user_dirs(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """CLI runs in tests log and read config under a temp dir, never the developer's own."""
    base = tmp_path_factory.getbasetemp()
    monkeypatch.setenv("DOUSE_LOG_DIR", str(base / "logs"))
    monkeypatch.delenv("DOUSE_DATABASE_URL", raising=False)
    monkeypatch.delenv("DOUSE_CONFIG", raising=False)
    monkeypatch.delenv("DOUSE_NOW", raising=False)
    monkeypatch.delenv("DOUSE_ME", raising=False)


@pytest.fixture(scope="session")
def _sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    with engine.connect() as c:
        c.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    return path


@pytest.fixture(scope="session")
def _postgres() -> Iterator[PostgresDatabases | None]:
    url = os.environ.get("DOUSE_TEST_POSTGRES_URL")
    if url:
        dbs = PostgresDatabases(url)
        dbs.check()
        yield dbs
        dbs.close()
        return
    with throwaway_server() as server:
        if server is None:
            yield None
            return
        dbs = PostgresDatabases(server)
        yield dbs
        dbs.close()


def _settings(url: str, tmp_path: Path) -> Settings:
    return Settings(
        database_url=url,
        config_path=tmp_path / "clients.toml",
        log_dir=tmp_path / "logs",
    )


@pytest.fixture
def sqlite_url(_sqlite_template: Path, tmp_path: Path) -> str:
    """A fresh, migrated SQLite database file for this test."""
    path = tmp_path / "douse.db"
    shutil.copy(_sqlite_template, path)
    return f"sqlite:///{path}"


@pytest.fixture
def postgres_url(_postgres: PostgresDatabases | None) -> Iterator[str]:
    """A migrated PostgreSQL database for this test, as empty as the template (see tests/pg.py)."""
    if _postgres is None:
        if os.environ.get("CI") == "true":
            pytest.fail("CI=true but no PostgreSQL: set DOUSE_TEST_POSTGRES_URL or install initdb")
        pytest.skip("no PostgreSQL: DOUSE_TEST_POSTGRES_URL unset and no initdb on this machine")
    url = _postgres.new_database()
    yield url
    _postgres.release(url)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest) -> str:
    """Runs the test once on SQLite and once on PostgreSQL."""
    name = "sqlite_url" if request.param == "sqlite" else "postgres_url"
    return str(request.getfixturevalue(name))


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(T0)


@pytest.fixture
def services(db_url: str, tmp_path: Path, clock: FrozenClock) -> Iterator[Services]:
    """Services on both backends with the clock frozen at T0 (override `clock` to move it)."""
    svc = build_services(_settings(db_url, tmp_path), clock=clock)
    yield svc
    svc.close()


@pytest.fixture
def sqlite_services(sqlite_url: str, tmp_path: Path, clock: FrozenClock) -> Iterator[Services]:
    """Services on SQLite only: for the desk and other tests where the backend is not the point."""
    svc = build_services(_settings(sqlite_url, tmp_path), clock=clock)
    yield svc
    svc.close()


@pytest.fixture(scope="session")
def analyzer() -> Analyzer:
    from douse.core.sentiment import Analyzer

    return Analyzer()


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory: pytest.TempPathFactory, analyzer: Analyzer) -> Iterator[Services]:
    """One full-size demo (6,000 mentions) shared by read-only tests (demo, exports)."""
    from douse.core.demo.build import DemoOptions, build_demo

    folder = tmp_path_factory.mktemp("demo")
    services = build_services(
        Settings(
            database_url=f"sqlite:///{folder / 'demo.db'}",
            config_path=folder / "clients.toml",
            log_dir=folder / "logs",
        ),
        clock=FrozenClock(T0),
    )
    build_demo(services.sessions, T0, DemoOptions(), analyzer=analyzer)
    yield services
    services.close()


@pytest.fixture(scope="session")
def warm_douse() -> Iterator[WarmDouse]:
    """Starts `douse` command lines as processes forked from one that has imported douse
    (tests/warm_douse.py): for the tests that kill or race them, not for start-up itself."""
    server = WarmDouse()
    yield server
    server.close()


@pytest.fixture
def server() -> Iterator[LocalHTTPServer]:
    """A real HTTP server on 127.0.0.1 for the test (network tests)."""
    with local_http_server() as running:
        yield running

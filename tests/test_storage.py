"""The storage foundation: migrations match the models, time stays UTC, nothing is erased."""

from __future__ import annotations

import ast
import subprocess
import sys
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import select

from douse import core
from douse.core.db.engine import make_engine
from douse.core.db.migrate import upgrade
from douse.core.db.models import Activity, Base, Client, Incident, Staff
from douse.core.errors import StorageError
from douse.core.services import Services


def test_migrations_and_models_do_not_drift(db_url: str) -> None:
    engine = make_engine(db_url)
    with engine.connect() as connection:
        diff = compare_metadata(
            MigrationContext.configure(connection, opts={"compare_type": True}), Base.metadata
        )
    engine.dispose()
    assert diff == [], f"models and migrations differ; run `make schema`: {diff}"


def _client(now: datetime) -> Client:
    return Client(slug="acme", name="Acme", created_at=now, updated_at=now)


def test_datetimes_come_back_aware_utc(services: Services) -> None:
    paris_noon = datetime(2026, 6, 1, 12, 0, tzinfo=timezone(timedelta(hours=2)))
    with services.sessions.begin() as session:
        session.add(_client(paris_noon))
    with services.sessions() as session:
        client = session.scalars(select(Client)).one()
    assert client.created_at == datetime(2026, 6, 1, 10, 0, tzinfo=UTC)
    assert client.created_at.tzinfo is not None


def test_activities_are_append_only(services: Services) -> None:
    now = services.clock.now()
    with services.sessions.begin() as session:
        client = _client(now)
        session.add(client)
        session.flush()
        incident = Incident(client_id=client.id, title="t", opened_at=now, updated_at=now)
        session.add(incident)
        session.flush()
        session.add(Activity(incident_id=incident.id, kind="internal_note", at=now, body="first"))
    with services.sessions() as session:
        activity = session.scalars(select(Activity)).one()
        activity.body = "rewritten"
        with pytest.raises(PermissionError):
            session.commit()
        session.rollback()
        with pytest.raises(PermissionError):
            session.delete(session.scalars(select(Client)).one())
            session.flush()


def test_sqlite_runs_in_wal_with_foreign_keys(sqlite_services: Services) -> None:
    with sqlite_services.engine.connect() as c:
        assert c.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert c.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    with sqlite_services.sessions() as session:
        session.add(Staff(handle="x", name="X"))
        session.flush()
        session.add(
            Client(
                slug="b",
                name="B",
                default_owner_id=999,
                created_at=datetime.now(UTC),
                updated_at=datetime.now(UTC),
            )
        )
        with pytest.raises(Exception, match="FOREIGN KEY"):
            session.flush()


def test_corrupt_database_file_is_a_clear_error(tmp_path) -> None:
    path = tmp_path / "broken.db"
    path.write_bytes(b"this is not sqlite at all" * 100)
    engine = make_engine(f"sqlite:///{path}")
    with pytest.raises(StorageError, match="file is not a database"):
        upgrade(engine)
    assert path.read_bytes().startswith(b"this is not sqlite"), "the file was changed"


def test_unwritable_data_dir_is_a_clear_error(tmp_path, monkeypatch) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(StorageError, match=r"no directory .* for the database douse\.db"):
        make_engine(f"sqlite:///{blocker}/sub/douse.db")
    # douse's own data directory is made on first run; a blocked one is named clearly.
    monkeypatch.setattr("douse.core.db.engine.default_data_dir", lambda: blocker / "sub")
    with pytest.raises(StorageError, match="cannot create data directory"):
        make_engine(f"sqlite:///{blocker}/sub/douse.db")
    fresh = tmp_path / "data" / "douse"
    monkeypatch.setattr("douse.core.db.engine.default_data_dir", lambda: fresh)
    make_engine(f"sqlite:///{fresh}/douse.db").dispose()
    assert fresh.is_dir()


def test_core_never_imports_textual_or_rich() -> None:
    code = (
        "import sys, pkgutil, importlib\nfrom douse import core\n"
        "for m in pkgutil.walk_packages(core.__path__, 'douse.core.'):\n"
        "    if '.migrations.' not in m.name: importlib.import_module(m.name)\n"
        "bad = sorted(n for n in sys.modules if n.split('.')[0] == 'textual')\n"
        "print(','.join(bad))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "", f"core pulled in: {result.stdout}"
    # rich may arrive through a dependency (scikit-learn's progress callbacks, which nltk loads
    # when it is installed); core's own modules never import it.
    root = Path(core.__file__).parent
    for path in root.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else []
            )
            for name in names:
                assert name.split(".")[0] not in ("rich", "textual"), f"{path} imports {name}"

"""Finding a PostgreSQL server for the tests: the one named by DOUSE_TEST_POSTGRES_URL, else a
throwaway cluster started from the machine's binaries, else a skip (never a skip when CI=true)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _pg_bindir() -> Path | None:
    found = shutil.which("initdb")
    if found:
        return Path(found).parent
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), reverse=True)
    return candidates[0].parent if candidates else None


@contextmanager
def throwaway_server() -> Iterator[str | None]:
    """Start a private cluster on a free loopback port; yields its URL or None if impossible."""
    bindir = _pg_bindir()
    if bindir is None:
        yield None
        return
    workdir = Path(tempfile.mkdtemp(prefix="douse-pg-"))
    port = _free_port()
    as_user: list[str] = []
    if os.geteuid() == 0:  # initdb refuses to run as root
        if shutil.which("runuser") is None:
            yield None
            return
        shutil.chown(workdir, "postgres")
        as_user = ["runuser", "-u", "postgres", "--"]
    data = workdir / "data"
    try:
        subprocess.run(
            [*as_user, str(bindir / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres"],
            check=True,
            capture_output=True,
        )
        subprocess.run(
            [
                *as_user,
                str(bindir / "pg_ctl"),
                "-D",
                str(data),
                "-o",
                f"-p {port} -k {workdir} -c listen_addresses=127.0.0.1 -c fsync=off",
                "-l",
                str(workdir / "server.log"),
                "-w",
                "start",
            ],
            check=True,
            # The server inherits pg_ctl's stdout: a pipe here would never reach EOF.
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    except (subprocess.CalledProcessError, OSError):
        shutil.rmtree(workdir, ignore_errors=True)
        yield None
        return
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(
            [*as_user, str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
            capture_output=True,
        )
        shutil.rmtree(workdir, ignore_errors=True)


class PostgresDatabases:
    """Creates one database per test from a migrated template, so tests never see each other."""

    def __init__(self, server_url: str) -> None:
        url = make_url(server_url)
        if url.drivername == "postgresql":
            url = url.set(drivername="postgresql+psycopg")
        self.server = url
        self.admin = create_engine(url, isolation_level="AUTOCOMMIT")
        self.prefix = f"douse_t{os.getpid()}_{uuid.uuid4().hex[:6]}"
        self.template: str | None = None
        self.created: list[str] = []

    def check(self) -> None:
        with self.admin.connect() as c:
            c.execute(text("SELECT 1"))

    def url_for(self, name: str) -> str:
        return self.server.set(database=name).render_as_string(hide_password=False)

    def new_database(self) -> str:
        from douse.core.db.engine import make_engine
        from douse.core.db.migrate import upgrade

        if self.template is None:
            self.template = f"{self.prefix}_tmpl"
            with self.admin.connect() as c:
                c.execute(text(f'CREATE DATABASE "{self.template}"'))
            self.created.append(self.template)
            engine = make_engine(self.url_for(self.template))
            upgrade(engine)
            engine.dispose()
        name = f"{self.prefix}_{len(self.created)}"
        for attempt in range(20):
            try:
                with self.admin.connect() as c:
                    c.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{self.template}"'))
                break
            except Exception:
                # The template may still have a lingering connection for a moment.
                if attempt == 19:
                    raise
                time.sleep(0.1)
        self.created.append(name)
        return self.url_for(name)

    def drop(self, url: str) -> None:
        name = make_url(url).database
        with self.admin.connect() as c:
            c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        if name in self.created:
            self.created.remove(name)

    def close(self) -> None:
        for name in reversed(self.created):
            with self.admin.connect() as c:
                c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        self.admin.dispose()

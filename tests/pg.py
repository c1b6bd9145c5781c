"""Finding a PostgreSQL server for the tests: the one named by DOUSE_TEST_POSTGRES_URL, else a
throwaway cluster started from the machine's binaries, else a skip (never a skip when CI=true)."""

from __future__ import annotations

import graphlib
import itertools
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

from sqlalchemy import Connection, Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool


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


# Everything a test could change in a database besides its rows: relations and their columns,
# constraints, indexes, functions, triggers, enum labels, extensions, per-database settings, and
# the migration revision. A database that still matches its template here differs only in rows.
_SHAPE = """
SELECT md5(coalesce(string_agg(x, ',' ORDER BY x), '')) FROM (
  SELECT 'rel:' || n.nspname || '.' || c.relname || ':' || c.relkind::text || ':'
         || coalesce(a.attname, '') || ':' || coalesce(format_type(a.atttypid, a.atttypmod), '')
         || ':' || a.attnotnull::text || ':' || coalesce(pg_get_expr(d.adbin, d.adrelid), '') AS x
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
    LEFT JOIN pg_attrdef d ON d.adrelid = c.oid AND d.adnum = a.attnum
   WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'
     AND n.nspname NOT LIKE 'pg_temp%'
  UNION ALL SELECT 'ns:' || nspname FROM pg_namespace
  UNION ALL SELECT 'con:' || conrelid::regclass::text || ':' || conname || ':'
                   || pg_get_constraintdef(oid) FROM pg_constraint
   WHERE connamespace <> 'pg_catalog'::regnamespace
  UNION ALL SELECT 'idx:' || schemaname || ':' || indexdef FROM pg_indexes
   WHERE schemaname NOT IN ('pg_catalog', 'information_schema')
  UNION ALL SELECT 'fn:' || p.oid::regprocedure::text || ':' || md5(p.prosrc) FROM pg_proc p
   WHERE p.pronamespace NOT IN ('pg_catalog'::regnamespace, 'information_schema'::regnamespace)
  UNION ALL SELECT 'trg:' || tgrelid::regclass::text || ':' || tgname FROM pg_trigger
   WHERE NOT tgisinternal
  UNION ALL SELECT 'enum:' || enumtypid::regtype::text || ':' || enumlabel FROM pg_enum
  UNION ALL SELECT 'ext:' || extname || ':' || extversion FROM pg_extension
  UNION ALL SELECT 'set:' || array_to_string(setconfig, ',') FROM pg_db_role_setting
   WHERE setdatabase = (SELECT oid FROM pg_database WHERE datname = current_database())
  UNION ALL SELECT 'rev:' || version_num FROM alembic_version
) shape
"""


class PostgresDatabases:
    """Gives each test a database equal to a migrated template, so tests never see each other.

    A test's database is handed back emptied, not dropped: CREATE DATABASE copies every page of
    the template (about 7.5 MB of catalogs) and costs the server about 0.3 s of CPU, 0.5-2 s of
    waiting for the test; deleting a finished test's rows costs about 0.03 s. A database is
    only reused when its shape (see `_SHAPE`) still equals the template's: a test that changed
    more than rows gets its database dropped, and the next test a fresh copy of the template.
    """

    def __init__(self, server_url: str) -> None:
        url = make_url(server_url)
        if url.drivername == "postgresql":
            url = url.set(drivername="postgresql+psycopg")
        self.server = url
        self.admin = create_engine(url, isolation_level="AUTOCOMMIT")
        self.prefix = f"douse_t{os.getpid()}_{uuid.uuid4().hex[:6]}"
        self.template: str | None = None
        self.created: list[str] = []
        self.emptied: list[str] = []  # ready for the next test, in the template's state
        self._numbers = itertools.count(1)
        self._shape = ""
        self._empty_sql = ""

    def check(self) -> None:
        with self.admin.connect() as c:
            c.execute(text("SELECT 1"))

    def url_for(self, name: str) -> str:
        return self.server.set(database=name).render_as_string(hide_password=False)

    def _make_template(self) -> str:
        from douse.core.db.engine import make_engine
        from douse.core.db.migrate import upgrade

        template = f"{self.prefix}_tmpl"
        with self.admin.connect() as c:
            c.execute(text(f'CREATE DATABASE "{template}"'))
        self.created.append(template)
        engine = make_engine(self.url_for(template))
        upgrade(engine)
        engine.dispose()
        with self._connect(template) as c:
            self._shape = str(c.execute(text(_SHAPE)).scalar_one())
            tables = c.execute(
                text(
                    "SELECT format('%I.%I', schemaname, tablename) FROM pg_tables"
                    " WHERE schemaname NOT IN ('pg_catalog', 'information_schema')"
                    " AND tablename <> 'alembic_version'"
                )
            ).scalars()
            references = c.execute(
                text(
                    "SELECT format('%I.%I', cn.nspname, c.relname),"
                    " format('%I.%I', pn.nspname, p.relname)"
                    " FROM pg_constraint k"
                    " JOIN pg_class c ON c.oid = k.conrelid"
                    " JOIN pg_namespace cn ON cn.oid = c.relnamespace"
                    " JOIN pg_class p ON p.oid = k.confrelid"
                    " JOIN pg_namespace pn ON pn.oid = p.relnamespace"
                    " WHERE k.contype = 'f' AND k.conrelid <> k.confrelid"
                )
            ).all()
            sequences = c.execute(
                text(
                    "SELECT format('%I.%I', sequence_schema, sequence_name)"
                    " FROM information_schema.sequences ORDER BY 1"
                )
            ).scalars()
            # Rows go from the referencing tables to the referenced ones, so every foreign key
            # holds throughout and no special role is needed; sequences restart where the
            # template's start. Tables referencing each other in a cycle: never emptied.
            graph: dict[str, set[str]] = {table: set() for table in tables}
            for child, parent in references:
                graph.setdefault(child, set()).add(parent)
            try:
                parents_first = list(graphlib.TopologicalSorter(graph).static_order())
            except graphlib.CycleError:
                return template
            self._empty_sql = "".join(
                f"DELETE FROM {t};" for t in reversed(parents_first)
            ) + "".join(f"ALTER SEQUENCE {s} RESTART;" for s in sequences)
        return template

    def _connect(self, name: str) -> AbstractContextManager[Connection]:
        engine = create_engine(self.server.set(database=name), poolclass=NullPool)
        return _disposing(engine)

    def new_database(self) -> str:
        if self.template is None:
            self.template = self._make_template()
        if self.emptied:
            return self.url_for(self.emptied.pop())
        name = f"{self.prefix}_{next(self._numbers)}"
        for attempt in range(2):
            try:
                with self.admin.connect() as c:
                    c.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{self.template}"'))
                break
            except Exception:
                # A connection to the template that had not quite closed: end it, wait until
                # it has gone, and copy again.
                if attempt == 1:
                    raise
                self._end_connections(self.template)
        self.created.append(name)
        return self.url_for(name)

    def release(self, url: str) -> None:
        """A test is done with `url`: empty it for the next test, or drop it if it can't be."""
        name = make_url(url).database
        assert name is not None
        if self._empty(name):
            self.emptied.append(name)
        else:
            self.drop(url)

    def _end_connections(self, name: str) -> bool:
        """End every connection to database `name`, waiting up to 5 s for each to be gone."""
        with self.admin.connect() as c:
            return bool(
                c.execute(
                    text(
                        "SELECT coalesce(bool_and(pg_terminate_backend(pid, 5000)), true)"
                        " FROM pg_stat_activity"
                        " WHERE datname = :name AND pid <> pg_backend_pid()"
                    ),
                    {"name": name},
                ).scalar_one()
            )

    def _empty(self, name: str) -> bool:
        """Back to the template's state: True, or False when only dropping it will do."""
        # Whatever the test left connected (a killed child, a leaked pool) is ended first, so
        # nothing writes after the rows are deleted.
        if not self._empty_sql or not self._end_connections(name):
            return False
        try:
            with self._connect(name) as c, c.begin():
                if c.execute(text(_SHAPE)).scalar_one() != self._shape:
                    return False
                c.exec_driver_sql(self._empty_sql)
        except Exception:
            # Whatever stopped it (a lock a killed client left, a privilege): a fresh copy.
            return False
        return True

    def drop(self, url: str) -> None:
        name = make_url(url).database
        with self.admin.connect() as c:
            c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        if name in self.created:
            self.created.remove(name)
        if name in self.emptied:
            self.emptied.remove(name)

    def close(self) -> None:
        for name in reversed(self.created):
            with self.admin.connect() as c:
                c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        self.admin.dispose()


@contextmanager
def _disposing(engine: Engine) -> Iterator[Connection]:
    try:
        with engine.connect() as connection:
            yield connection
    finally:
        engine.dispose()

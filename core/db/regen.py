"""Regenerate the initial migration from the models (`python -m core.db.regen`, `make schema`).

Allowed only while douse is unreleased: once a database exists in the wild, schema changes are new
migrations on top of the last one, because nothing may ever drop user data.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from alembic import command

from douse.core.db.engine import make_engine
from douse.core.db.migrate import MIGRATIONS, alembic_config

INITIAL = "0001"


def main() -> int:
    for old in (MIGRATIONS / "versions").glob(f"{INITIAL}_*.py"):
        old.unlink()
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(f"sqlite:///{Path(tmp) / 'empty.db'}")
        cfg = alembic_config(engine)
        with engine.connect() as connection:
            cfg.attributes["connection"] = connection
            command.revision(cfg, message="initial schema", autogenerate=True, rev_id=INITIAL)
        engine.dispose()
    subprocess.run(
        [sys.executable, "-m", "ruff", "format", "-q", str(MIGRATIONS / "versions")], check=False
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

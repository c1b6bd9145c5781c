"""Alembic environment: runs on the connection douse hands over (see core.db.migrate)."""

from __future__ import annotations

from alembic import context

from douse.core.db.models import Base

config = context.config
connection = config.attributes.get("connection")
if connection is None:
    engine = config.attributes["engine"]
    connection = engine.connect()

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()

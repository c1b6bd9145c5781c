"""douse core: the domain, storage, ingestion and incident engine.

Plain synchronous Python over SQLAlchemy sessions. Nothing here imports textual or rich, so the
same functions serve the CLI, the desk, the scheduler and the tests.
"""

__version__ = "0.1.0"

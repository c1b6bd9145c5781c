"""douse core: the domain, storage, ingestion and incident engine.

Plain synchronous Python over SQLAlchemy sessions. Nothing here imports textual or rich, so the
same functions serve the CLI, the desk, the scheduler and the tests.
"""

import sys

__version__ = "0.1.0"

# httpx imports its optional command-line tool, and with it rich, whenever click is installed
# (nltk brings click). core must not load a terminal library (a test proves it), so that module is
# marked absent before anything in core can import httpx; httpx then keeps a stub `httpx.main`.
sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]

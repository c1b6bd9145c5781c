"""Logs go to a rotating file in the user log dir, never to the screen the desk is drawing on."""

from __future__ import annotations

import logging
from logging.handlers import RotatingFileHandler
from pathlib import Path


def setup_logging(log_dir: Path, *, level: int = logging.INFO) -> Path | None:
    """The log file, or None when the log dir cannot be written (douse runs on regardless)."""
    path = (log_dir / "douse.log").resolve()
    root = logging.getLogger()
    if any(getattr(h, "baseFilename", None) == str(path) for h in root.handlers):
        return path  # already logging there (main() can run many times in one process)
    try:
        log_dir.mkdir(parents=True, exist_ok=True)
        handler = RotatingFileHandler(
            log_dir / "douse.log", maxBytes=5_000_000, backupCount=3, encoding="utf-8"
        )
    except OSError:
        return None
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    root.setLevel(level)
    # httpx logs every request URL at INFO; query strings can carry tokens.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    return log_dir / "douse.log"

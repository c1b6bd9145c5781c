"""Logs go to a rotating file in the user log dir, never to the screen the desk is drawing on."""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from logging.handlers import RotatingFileHandler

MAX_BYTES = 5_000_000
BACKUPS = 3


class LogFile(logging.Handler):
    """The rotating log file, opened on the first record.

    Most commands log nothing, and logging.handlers (with the socket and pickle modules it
    loads) costs a read command a sixth of its start-up; a command that logs pays it then.
    """

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.baseFilename = str(path)
        self._file: RotatingFileHandler | None = None

    def emit(self, record: logging.LogRecord) -> None:
        if self._file is None:
            from logging.handlers import RotatingFileHandler

            try:
                self._file = RotatingFileHandler(
                    self.baseFilename, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8"
                )
            except OSError:
                self.handleError(record)
                return
            self._file.setFormatter(self.formatter)
        self._file.emit(record)

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
        super().close()


def setup_logging(log_dir: Path, *, level: int = logging.INFO) -> Path | None:
    """The log file, or None when the log dir cannot be written (douse runs on regardless)."""
    path = (log_dir / "douse.log").resolve()
    root = logging.getLogger()
    if any(getattr(h, "baseFilename", None) == str(path) for h in root.handlers):
        return path  # already logging there (main() can run many times in one process)
    try:
        log_dir.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    if not os.access(log_dir, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        return None
    handler = LogFile(path)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    root.setLevel(level)
    # httpx logs every request URL at INFO; query strings can carry tokens.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    return log_dir / "douse.log"

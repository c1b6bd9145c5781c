"""The one entry point for exports, shared by `douse export`, the desk's export dialog (called in
a worker thread) and scheduled reports. It opens its own session: one per job, never shared.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TextIO

from sqlalchemy.orm import Session, sessionmaker

from core.errors import DouseError
from core.export.csv_format import write_activities_csv, write_incidents_csv
from core.export.douse_json import write_douse_json
from core.export.html_report import write_html
from core.export.markdown import write_markdown
from core.export.period import Period, client_zone, make_period
from core.export.records import ClientRecord, load_client

FORMATS = ("csv", "json", "md", "html")
EXTENSIONS = {"csv": "csv", "json": "json", "md": "md", "html": "html"}

Writer = Callable[[Session, ClientRecord, Period, TextIO, datetime], int]


@dataclass(frozen=True)
class ExportResult:
    client: str
    format: str
    path: Path | None  # None when written to a stream (stdout)
    since: datetime | None
    until: datetime
    rows: int  # incidents written (activities with `activities=True` CSV)
    bytes: int


def _writer(fmt: str, activities: bool) -> Writer:
    if fmt == "csv":
        return write_activities_csv if activities else write_incidents_csv
    if fmt == "json":
        return write_douse_json
    if fmt == "md":
        return write_markdown
    if fmt == "html":
        return write_html
    raise DouseError(f"unknown export format {fmt!r} (choose one of {', '.join(FORMATS)})")


def default_filename(slug: str, fmt: str, until: datetime, *, activities: bool = False) -> str:
    kind = "activities" if activities and fmt == "csv" else "incidents"
    return f"{slug}-{kind}-{until:%Y-%m-%d}.{EXTENSIONS[fmt]}"


def export_to_stream(
    session: Session,
    slug: str,
    fmt: str,
    since: str | datetime | None,
    until: str | datetime | None,
    out: TextIO,
    now: datetime,
    *,
    activities: bool = False,
) -> tuple[ClientRecord, Period, int]:
    writer = _writer(fmt, activities)
    client = load_client(session, slug)
    period = make_period(since, until, client_zone(client.timezone), now)
    return client, period, writer(session, client, period, out, now)


def export_client(
    session_factory: sessionmaker[Session],
    slug: str,
    fmt: str,
    since: str | datetime | None,
    until: str | datetime | None,
    path: str | Path,
    now: datetime,
    *,
    activities: bool = False,
    bom: bool = False,
) -> ExportResult:
    """Write one client's export to `path` (a folder gets the default file name).

    The file appears only when complete: it is written beside the target and renamed into place,
    so a failure or an interrupted export never leaves half a report where a client might find it.
    """
    _writer(fmt, activities)  # reject a bad format before touching the disk
    target = Path(path).expanduser()
    with session_factory() as session:
        client = load_client(session, slug)
        period = make_period(since, until, client_zone(client.timezone), now)
        # "reports/" names a folder even before it exists.
        if target.is_dir() or str(path).endswith(("/", os.sep)):
            target = target / default_filename(slug, fmt, period.until, activities=activities)
        folder = target.parent
        try:
            folder.mkdir(parents=True, exist_ok=True)
            fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", dir=folder)
        except OSError as exc:
            raise DouseError(f"cannot write to {folder}: {exc.strerror}") from None
        tmp = Path(tmp_name)
        try:
            # newline="" lets the csv module write its own \r\n; other formats write \n.
            encoding = "utf-8-sig" if bom and fmt == "csv" else "utf-8"
            with os.fdopen(fd, "w", encoding=encoding, newline="") as out:
                _, _, rows = export_to_stream(
                    session, slug, fmt, period.since, period.until, out, now, activities=activities
                )
            os.chmod(tmp, 0o644)
            os.replace(tmp, target)
        except OSError as exc:
            with contextlib.suppress(OSError):
                tmp.unlink()
            raise DouseError(f"cannot write {target}: {exc.strerror}") from None
        except BaseException:
            with contextlib.suppress(OSError):
                tmp.unlink()
            raise
        session.rollback()  # read-only: nothing to keep
    return ExportResult(
        client=slug,
        format=fmt,
        path=target,
        since=period.since,
        until=period.until,
        rows=rows,
        bytes=target.stat().st_size,
    )

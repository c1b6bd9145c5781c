"""The one entry point for exports, shared by `douse export`, the desk's export dialog (called in
a worker thread) and scheduled reports. It opens its own session: one per job, never shared.
"""

from __future__ import annotations

import contextlib
import functools
import io
import os
import stat
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, TextIO
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session, sessionmaker

from douse.core.errors import DouseError
from douse.core.export.csv_format import write_activities_csv, write_incidents_csv
from douse.core.export.douse_json import write_douse_json
from douse.core.export.formats import EXTENSIONS, FORMATS
from douse.core.export.html_report import write_html
from douse.core.export.markdown import write_markdown
from douse.core.export.period import Period, client_zone, make_period
from douse.core.export.records import ClientRecord, load_client

if TYPE_CHECKING:
    # collections.abc.Buffer is Python 3.12+.
    from typing_extensions import Buffer

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


def _writer(fmt: str, activities: bool, internal: bool = False) -> Writer:
    """csv and json are always complete (they feed the client's systems and a round trip);
    `internal` only decides whether md and html show the team's own entries."""
    if fmt == "csv":
        return write_activities_csv if activities else write_incidents_csv
    if fmt == "json":
        return write_douse_json
    if fmt == "md":
        return functools.partial(write_markdown, internal=internal)
    if fmt == "html":
        return functools.partial(write_html, internal=internal)
    raise DouseError(f"unknown export format {fmt!r} (choose one of {', '.join(FORMATS)})")


class _Counting(io.RawIOBase):
    """Counts the bytes on their way to the file: a device or a pipe has no size to stat.
    `progress(bytes so far)` hears of each write (a buffer's worth, not each row)."""

    def __init__(self, raw: BinaryIO, progress: Callable[[int], None] | None = None) -> None:
        self.raw = raw
        self.count = 0
        self.progress = progress

    def writable(self) -> bool:
        return True

    def write(self, data: Buffer, /) -> int:
        written = self.raw.write(data)
        self.count += written
        if self.progress is not None:
            self.progress(self.count)
        return written


def _replaceable(target: Path) -> bool:
    """Write beside and rename into place only over a regular file or a new path.

    A rename would replace a symlink with a file, and cannot be done over /dev/stdout, a FIFO
    or a device at all: those are written directly.
    """
    try:
        mode = os.lstat(target).st_mode
    except FileNotFoundError:
        return True
    return stat.S_ISREG(mode)


def default_filename(
    slug: str, fmt: str, until: datetime, *, activities: bool = False, tz: ZoneInfo | None = None
) -> str:
    """Named after the last day the export covers, in the client's zone (`until` is exclusive:
    `--until 2026-11-30` ends at the midnight starting 1 Dec, and the file says 30th)."""
    kind = "activities" if activities and fmt == "csv" else "incidents"
    last = until - timedelta(microseconds=1)
    if tz is not None:
        last = last.astimezone(tz)
    return f"{slug}-{kind}-{last:%Y-%m-%d}.{EXTENSIONS[fmt]}"


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
    internal: bool = False,
) -> tuple[ClientRecord, Period, int]:
    writer = _writer(fmt, activities, internal)
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
    internal: bool = False,
    progress: Callable[[int], None] | None = None,
) -> ExportResult:
    """Write one client's export to `path` (a folder gets the default file name);
    `progress(bytes written)` as the file grows.

    A regular file appears only when complete: it is written beside the target and renamed into
    place, so a failure or an interrupted export never leaves half a report where a client might
    find it. A symlink, /dev/stdout, a FIFO or a device is written directly instead (a rename
    would replace the link, or fail).
    """
    _writer(fmt, activities)  # reject a bad format before touching the disk
    target = Path(path).expanduser()
    with session_factory() as session:
        client = load_client(session, slug)
        period = make_period(since, until, client_zone(client.timezone), now)
        # "reports/" names a folder even before it exists.
        if target.is_dir() or str(path).endswith(("/", os.sep)):
            target = target / default_filename(
                slug, fmt, period.until, activities=activities, tz=client_zone(client.timezone)
            )
        # newline="" lets the csv module write its own \r\n; other formats write \n.
        encoding = "utf-8-sig" if bom and fmt == "csv" else "utf-8"

        def write(raw: BinaryIO) -> tuple[int, int]:
            counting = _Counting(raw, progress)
            with io.TextIOWrapper(
                io.BufferedWriter(counting), encoding=encoding, newline=""
            ) as out:
                _, _, rows = export_to_stream(
                    session,
                    slug,
                    fmt,
                    period.since,
                    period.until,
                    out,
                    now,
                    activities=activities,
                    internal=internal,
                )
            return rows, counting.count

        if _replaceable(target):
            rows, size = _write_atomically(target, write)
        else:
            try:
                with open(target, "wb") as raw:
                    rows, size = write(raw)
            except OSError as exc:
                raise DouseError(f"cannot write {target}: {exc.strerror}") from None
        session.rollback()  # read-only: nothing to keep
    return ExportResult(
        client=slug,
        format=fmt,
        path=target,
        since=period.since,
        until=period.until,
        rows=rows,
        bytes=size,
    )


def _write_atomically(
    target: Path, write: Callable[[BinaryIO], tuple[int, int]]
) -> tuple[int, int]:
    folder = target.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", dir=folder)
    except OSError as exc:
        raise DouseError(f"cannot write to {folder}: {exc.strerror}") from None
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as raw:
            result = write(raw)
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
    return result

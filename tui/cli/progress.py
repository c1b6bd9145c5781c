"""Progress bars on stderr for the long jobs (import, export, sync), only when a person is
watching: when stderr is not a terminal nothing is drawn and rich is not even imported, so
scripts, pipes and logs see exactly the lines they saw before.

Core's long functions take a plain callback; this module turns those calls into a bar.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Protocol, TextIO

from douse.core.text import inert


class Bar(Protocol):
    def __call__(
        self, done: float, total: float | None = None, *, what: str | None = None
    ) -> None: ...


def watching(stream: TextIO) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


@contextmanager
def progress_bar(
    stream: TextIO, description: str, *, total: float | None = None, unit: str = ""
) -> Iterator[Bar | None]:
    """A bar on `stream` while the block runs (removed when it ends), or None when `stream` is
    not a terminal. `unit="bytes"` shows sizes; otherwise counts. The description is shown as
    plain text: a file name cannot style or drive the terminal."""
    if not watching(stream):
        yield None
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        DownloadColumn,
        MofNCompleteColumn,
        Progress,
        SpinnerColumn,
        TextColumn,
        TimeElapsedColumn,
    )

    amount: Any = DownloadColumn() if unit == "bytes" else MofNCompleteColumn()
    columns = [
        SpinnerColumn(),
        TextColumn("{task.description}", markup=False),
        BarColumn(),
        amount,
        TextColumn(unit if unit != "bytes" else "", markup=False),
        TimeElapsedColumn(),
    ]
    with Progress(*columns, console=Console(file=stream), transient=True) as progress:
        task = progress.add_task(inert(description, 60), total=total)

        def update(done: float, total: float | None = None, *, what: str | None = None) -> None:
            changes: dict[str, Any] = {"completed": done}
            if total is not None:
                changes["total"] = total
            if what is not None:
                changes["description"] = inert(what, 60)
            progress.update(task, **changes)

        yield update

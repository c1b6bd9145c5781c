"""Per-client incident logs and reports: CSV, douse JSON, Markdown and a self-contained HTML report.

`export_client` is the entry point for the CLI, the desk and scheduled reports (the douse JSON log
is read back by core.ingest.douse_json). Names are loaded on first use, so importing a light module
of this package (formats, period) does not load every exporter.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from douse.core.export.api import (
        ExportResult,
        default_filename,
        export_client,
        export_to_stream,
    )
    from douse.core.export.formats import FORMATS

_WHERE = {
    "FORMATS": "douse.core.export.formats",
    "ExportResult": "douse.core.export.api",
    "default_filename": "douse.core.export.api",
    "export_client": "douse.core.export.api",
    "export_to_stream": "douse.core.export.api",
}

__all__ = ["FORMATS", "ExportResult", "default_filename", "export_client", "export_to_stream"]


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(_WHERE[name]), name)

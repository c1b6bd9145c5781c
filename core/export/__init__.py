"""Per-client incident logs and reports: CSV, douse JSON, Markdown and a self-contained HTML report.

`export_client` is the entry point for the CLI, the desk and scheduled reports (the douse JSON log
is read back by core.ingest.douse_json). Names are loaded on first use, so importing a light module
of this package (formats, period) does not load every exporter.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from core.export.api import ExportResult, default_filename, export_client, export_to_stream
    from core.export.formats import FORMATS

_WHERE = {
    "FORMATS": "core.export.formats",
    "ExportResult": "core.export.api",
    "default_filename": "core.export.api",
    "export_client": "core.export.api",
    "export_to_stream": "core.export.api",
}

__all__ = ["FORMATS", "ExportResult", "default_filename", "export_client", "export_to_stream"]


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(_WHERE[name]), name)

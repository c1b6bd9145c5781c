"""Per-client incident logs and reports: CSV, douse JSON, Markdown and a self-contained HTML report.

`export_client` is the entry point for the CLI, the desk and scheduled reports; `import_douse_json`
reads a JSON export back into another database.
"""

from core.export.api import FORMATS, ExportResult, default_filename, export_client, export_to_stream
from core.export.douse_json import ImportSummary, import_douse_json

__all__ = [
    "FORMATS",
    "ExportResult",
    "ImportSummary",
    "default_filename",
    "export_client",
    "export_to_stream",
    "import_douse_json",
]

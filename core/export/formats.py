"""The export formats and their file extensions: names only, so that a config check or a
command's --help can offer them without loading the exporters."""

FORMATS = ("csv", "json", "md", "html")
EXTENSIONS = {"csv": "csv", "json": "json", "md": "md", "html": "html"}

"""Line numbers for TOML keys, so a finding can say `clients.toml:42: ...`.

tomllib returns plain dicts without positions; a light scan of table headers and `key =` lines is
enough to point at the right line for a finding (the parser itself reports syntax errors).
"""

from __future__ import annotations

import re

Path = tuple[str | int, ...]

_ARRAY_HEADER = re.compile(r"^\s*\[\[\s*([^\]]+?)\s*\]\]")
_TABLE_HEADER = re.compile(r"^\s*\[\s*([^\]]+?)\s*\]")
_KEY = re.compile(r"""^\s*("[^"]*"|'[^']*'|[A-Za-z0-9_-]+)\s*=""")


def _parts(dotted: str) -> list[str]:
    return [p.strip().strip("\"'") for p in dotted.split(".")]


class LineIndex:
    def __init__(self, text: str) -> None:
        self.lines: dict[Path, int] = {}
        counts: dict[Path, int] = {}
        open_arrays: dict[Path, int] = {}
        current: Path = ()
        for number, line in enumerate(text.splitlines(), start=1):
            if match := _ARRAY_HEADER.match(line):
                parent = self._resolve(_parts(match.group(1))[:-1], open_arrays)
                key = (*parent, _parts(match.group(1))[-1])
                index = counts.get(key, 0)
                counts[key] = index + 1
                open_arrays[key] = index
                current = (*key, index)
                self.lines.setdefault(current, number)
            elif match := _TABLE_HEADER.match(line):
                current = self._resolve(_parts(match.group(1)), open_arrays)
                self.lines.setdefault(current, number)
            elif match := _KEY.match(line):
                self.lines.setdefault((*current, match.group(1).strip("\"'")), number)

    @staticmethod
    def _resolve(parts: list[str], open_arrays: dict[Path, int]) -> Path:
        path: Path = ()
        for part in parts:
            path = (*path, part)
            if path in open_arrays:
                path = (*path, open_arrays[path])
        return path

    def line_of(self, path: Path) -> int:
        """The line of the key at `path`, else of its nearest enclosing table, else 1."""
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return 1

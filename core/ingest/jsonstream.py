"""Reading one big JSON document as a stream: the members of its top-level object in order, and
the elements of one array member one at a time, so a 100,000-incident export never sits in memory
whole. Any layout of whitespace is accepted; only the document's shape is assumed.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterator
from typing import Any, TextIO

from douse.core.errors import DouseError

_WS = " \t\r\n"
_CHUNK = 1 << 16


class _Cursor:
    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self._buf = ""
        self._pos = 0
        self._eof = False
        self._decoder = json.JSONDecoder()

    def _fill(self) -> bool:
        if self._eof:
            return False
        # Read at least as much as is already buffered so re-parsing a large value stays linear.
        data = self._stream.read(max(_CHUNK, len(self._buf) - self._pos))
        if not data:
            self._eof = True
            return False
        self._buf = self._buf[self._pos :] + data
        self._pos = 0
        return True

    def peek(self) -> str:
        while True:
            while self._pos < len(self._buf) and self._buf[self._pos] in _WS:
                self._pos += 1
            if self._pos < len(self._buf):
                return self._buf[self._pos]
            if not self._fill():
                return ""

    def expect(self, char: str, where: str) -> None:
        found = self.peek()
        if found != char:
            shown = repr(found) if found else "end of file"
            raise DouseError(f"not a douse JSON export: expected {char!r} {where}, found {shown}")
        self._pos += 1

    def value(self, where: str) -> Any:
        self.peek()
        while True:
            try:
                value, end = self._decoder.raw_decode(self._buf, self._pos)
            except json.JSONDecodeError as exc:
                if self._fill():
                    continue
                raise DouseError(f"broken JSON {where}: {exc.msg}") from None
            # A number at the very end of the buffer may continue in the next chunk.
            if end == len(self._buf) and self._fill():
                continue
            self._pos = end
            return value


def iter_members(stream: TextIO, streamed: str | Collection[str]) -> Iterator[tuple[str, Any]]:
    """(key, value) per top-level member; an array under a `streamed` key yields (key, element)
    for each of its elements."""
    streamed = {streamed} if isinstance(streamed, str) else set(streamed)
    cur = _Cursor(stream)
    cur.expect("{", "at the start")
    if cur.peek() == "}":
        return
    while True:
        key = cur.value("in a member name")
        if not isinstance(key, str):
            raise DouseError("not a douse JSON export: member names must be strings")
        cur.expect(":", f"after {key!r}")
        if key in streamed and cur.peek() == "[":
            cur.expect("[", f"in {key!r}")
            if cur.peek() == "]":
                cur.expect("]", f"in {key!r}")
            else:
                while True:
                    yield key, cur.value(f"in {key!r}")
                    if cur.peek() == ",":
                        cur.expect(",", f"in {key!r}")
                        continue
                    cur.expect("]", f"at the end of {key!r}")
                    break
        else:
            yield key, cur.value(f"in {key!r}")
        if cur.peek() == ",":
            cur.expect(",", "between members")
            continue
        cur.expect("}", "at the end")
        break
    if cur.peek() != "":
        raise DouseError("not a douse JSON export: extra data after the document")

"""Canned replies: a client's stock texts with {author}, {brand}, ... filled in, inertly."""

from __future__ import annotations

import re
from collections.abc import Mapping

from douse.core.errors import DouseError

CANNED_PLACEHOLDERS = ("author", "brand", "agent", "client", "platform", "url")
_TOKEN = re.compile(r"\{\{|\}\}|\{([^{}]*)\}")


def unknown_placeholders(template: str) -> list[str]:
    """The {names} in a template that render_canned would refuse, in order, each once."""
    names = (
        (m.group(1) or "").strip() for m in _TOKEN.finditer(template) if m.group(1) is not None
    )
    return list(dict.fromkeys(n for n in names if n not in CANNED_PLACEHOLDERS))


def render_canned(template: str, values: Mapping[str, str]) -> str:
    """Fill placeholders in one pass, so a value containing "{brand}" is never expanded again.

    Unknown or missing placeholders are a DouseError naming them, not a half-filled reply.
    """

    def replace(m: re.Match[str]) -> str:
        token = m.group()
        if token == "{{":
            return "{"
        if token == "}}":
            return "}"
        name = (m.group(1) or "").strip()
        if name not in CANNED_PLACEHOLDERS:
            raise DouseError(
                f"canned reply uses unknown placeholder {{{name}}} "
                f"(known: {', '.join('{' + p + '}' for p in CANNED_PLACEHOLDERS)})"
            )
        if name not in values or values[name] is None:
            raise DouseError(f"canned reply needs a value for {{{name}}}")
        return str(values[name])

    return _TOKEN.sub(replace, template)

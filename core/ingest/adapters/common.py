"""Helpers every adapter shares: tokens from the environment, numbers, authors, mentions."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from douse.core.ingest.fetch import BadSource, MissingToken
from douse.core.ingest.normalize import canonical_url, clean_text
from douse.core.ingest.types import SourceSpec


def token_headers(spec: SourceSpec, env: Mapping[str, str] | None = None) -> dict[str, str]:
    """An Authorization header from the variable the source names; the token never leaves here."""
    if not spec.token_env:
        return {}
    value = (os.environ if env is None else env).get(spec.token_env, "").strip()
    if not value:
        raise MissingToken(f"environment variable {spec.token_env} is not set (API token)")
    return {"Authorization": f"Bearer {value}"}


def count(value: Any) -> int:
    """A non-negative reach count from whatever the payload holds (None, str, float)."""
    if value is None:  # the usual case for a column an export does not have
        return 0
    if type(value) is int:
        return max(0, value)
    try:
        number = int(float(value))
    except (TypeError, ValueError, OverflowError):
        return 0
    return max(0, number)


def optional_count(value: Any) -> int | None:
    return None if value is None or value == "" else count(value)


def text_field(value: Any) -> str:
    return clean_text(value) if isinstance(value, str) else ""


def url_field(value: Any) -> tuple[str | None, str | None]:
    """(url, canonical_url) for a link that may be missing, relative garbage or not a string."""
    if not isinstance(value, str) or not value.strip():
        return None, None
    url = clean_text(value)
    return url, canonical_url(url)


def param(spec: SourceSpec, name: str, default: Any = None) -> Any:
    value = spec.params.get(name, default)
    return default if value is None else value


def int_param(spec: SourceSpec, name: str, default: int, low: int, high: int) -> int:
    value = spec.params.get(name, default)
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise BadSource(f"source parameter {name} must be a whole number, not {value!r}")
    try:
        return min(high, max(low, int(value)))
    except ValueError:
        raise BadSource(f"source parameter {name} must be a whole number, not {value!r}") from None

"""An account's sending set-up from clients.toml (`[clients.accounts.send]`), and its secrets
read from the environment at the moment of sending: douse keeps variable names, never values.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from douse.core.send.errors import SendError


@dataclass(frozen=True)
class AccountSetup:
    platform: str
    handle: str
    url: str | None
    sending: dict[str, Any] = field(default_factory=dict)
    env: Mapping[str, str] = field(default_factory=lambda: os.environ)

    def secret(self, key: str, what: str) -> str:
        """The value of the environment variable the account names under `key`."""
        name = self.sending.get(key)
        if not isinstance(name, str) or not name:
            raise SendError(
                "config",
                f"{self.platform} account {self.handle} has no {key} in clients.toml "
                f"([clients.accounts.send]): name the variable holding its {what}",
            )
        value = (self.env.get(name) or "").strip()
        if not value:
            raise SendError(
                "config", f"environment variable {name} is not set ({what} for {self.handle})"
            )
        return value

    def optional_secret(self, key: str) -> str | None:
        name = self.sending.get(key)
        if not isinstance(name, str) or not name:
            return None
        return (self.env.get(name) or "").strip() or None

    def setting(self, key: str, default: Any = None) -> Any:
        value = self.sending.get(key)
        return default if value is None or value == "" else value

    def base_url(self, default: str | None = None) -> str:
        """`base_url` from the set-up, else the default (the platform's public API)."""
        value = self.setting("base_url") or default
        if not value:
            raise SendError("config", f"{self.platform} account {self.handle} needs send.base_url")
        return str(value).rstrip("/")


def host_of(url: str | None) -> str | None:
    if not url:
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else None

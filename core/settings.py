"""Where douse keeps its data and which database it talks to: flags, environment, defaults."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

APP_NAME = "douse"

# platformdirs is imported where a default is needed: with the paths given by flags or the
# environment (scripts, the worker), a command starts without it.


def default_data_dir() -> Path:
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def default_log_dir() -> Path:
    import platformdirs

    return Path(platformdirs.user_log_dir(APP_NAME, appauthor=False))


def default_config_path() -> Path:
    import platformdirs

    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)) / "clients.toml"


@dataclass(frozen=True)
class Settings:
    database_url: str
    config_path: Path
    log_dir: Path
    now: str | None = None  # DOUSE_NOW: an ISO instant that freezes the clock
    me: str | None = None  # the staff handle of whoever runs the desk
    me_from: str = ""  # where `me` came from: "--as", "DOUSE_ME", "agency.me" or ""
    webhook_url_env: str = "DOUSE_WEBHOOK_URL"
    extra: dict[str, str] = field(default_factory=dict)


def database_url_from(db: str | None) -> str | None:
    """`--db` takes a SQLAlchemy URL or a plain path to a SQLite file."""
    if not db:
        return None
    if "://" in db:
        return db
    return f"sqlite:///{Path(db).expanduser().resolve()}"


def configured_me(config_path: Path) -> str | None:
    """`agency.me` in clients.toml: who runs the desk on this machine, when nothing says else.

    Read leniently: a missing or broken file is no one (`douse config check` reports problems);
    a handle that is not on the staff list is reported by the desk and by every action."""
    try:
        with config_path.open("rb") as f:
            # Imported here: without a config file, a command starts without the TOML parser.
            import tomllib

            try:
                data = tomllib.load(f)
            except (tomllib.TOMLDecodeError, UnicodeDecodeError):
                return None
    except OSError:
        return None
    agency = data.get("agency")
    me = agency.get("me") if isinstance(agency, dict) else None
    return me.strip() or None if isinstance(me, str) else None


def load_settings(
    *,
    db: str | None = None,
    config: str | None = None,
    me: str | None = None,
    env: Mapping[str, str] | None = None,
) -> Settings:
    env = os.environ if env is None else env
    url = (
        database_url_from(db)
        or database_url_from(env.get("DOUSE_DATABASE_URL"))
        or f"sqlite:///{default_data_dir() / 'douse.db'}"
    )
    config_path = Path(config or env.get("DOUSE_CONFIG") or default_config_path()).expanduser()
    # --as, then DOUSE_ME, then agency.me in clients.toml.
    me_from = "--as" if me else "DOUSE_ME" if env.get("DOUSE_ME") else ""
    me = me or env.get("DOUSE_ME") or None
    if me is None:
        me = configured_me(config_path)
        me_from = "agency.me" if me else ""
    return Settings(
        database_url=url,
        config_path=config_path,
        log_dir=Path(env.get("DOUSE_LOG_DIR") or default_log_dir()),
        now=env.get("DOUSE_NOW") or None,
        me=me,
        me_from=me_from,
    )

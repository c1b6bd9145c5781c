"""clients.toml: parse and validate (load_config), then write to the database (sync_config)."""

from douse.core.config.load import load_config, parse_config
from douse.core.config.schema import AgencyConfig, ClientConfig, SourceConfig, StaffConfig, Targets
from douse.core.config.sync import SyncReport, sync_config

__all__ = [
    "AgencyConfig",
    "ClientConfig",
    "SourceConfig",
    "StaffConfig",
    "SyncReport",
    "Targets",
    "load_config",
    "parse_config",
    "sync_config",
]

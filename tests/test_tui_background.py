"""The desk polls sources itself only while no `douse watch` worker is alive."""

from __future__ import annotations

from core.ingest.workers import beat, sign_off
from core.services import Services
from tests.conftest import T0
from tui.background import DeskIngest


def test_desk_polls_only_without_a_watch_worker(sqlite_services: Services) -> None:
    ingest = DeskIngest(sqlite_services)
    try:
        assert ingest.check() == "polling 0 sources here"
        assert ingest.running
        with sqlite_services.sessions.begin() as s:
            beat(s, "host:42", T0, T0)
        assert ingest.check() == "polling left to host:42"
        assert not ingest.running and ingest.scheduler is None
        assert ingest.check() == "polling left to host:42"  # stays off while it beats
        with sqlite_services.sessions.begin() as s:
            sign_off(s, "host:42")
        assert ingest.check() == "polling 0 sources here"
        assert ingest.running
    finally:
        ingest.close()
    assert not ingest.running
    assert ingest.check() == "stopped"  # closed for good: a late check starts nothing
    assert ingest.scheduler is None

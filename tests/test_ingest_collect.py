"""Bulk imports collect garbage less often, and leave the collector as they found it."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from douse.core.ingest.collect import fewer_collections


@pytest.fixture(autouse=True)
def default_thresholds() -> Iterator[None]:
    saved = gc.get_threshold()
    gc.set_threshold(700, 10, 10)
    yield
    gc.set_threshold(*saved)


def test_raised_inside_and_restored_after() -> None:
    with fewer_collections(5_000):
        assert gc.get_threshold() == (5_000, 10, 10)
    assert gc.get_threshold() == (700, 10, 10)


def test_nested_steps_restore_once_the_outer_ends() -> None:
    with fewer_collections(5_000):
        with fewer_collections(9_000):
            assert gc.get_threshold() == (5_000, 10, 10)
        assert gc.get_threshold() == (5_000, 10, 10)
    assert gc.get_threshold() == (700, 10, 10)


def test_restored_when_the_step_fails() -> None:
    with pytest.raises(RuntimeError), fewer_collections(5_000):
        raise RuntimeError("bad row")
    assert gc.get_threshold() == (700, 10, 10)


def test_a_higher_threshold_set_by_the_caller_is_kept() -> None:
    gc.set_threshold(50_000, 10, 10)
    with fewer_collections(5_000):
        assert gc.get_threshold() == (50_000, 10, 10)
    assert gc.get_threshold() == (50_000, 10, 10)


def test_as_a_decorator_each_call_raises_and_restores() -> None:
    seen: list[tuple[int, int, int]] = []

    @fewer_collections(5_000)
    def step() -> None:
        seen.append(gc.get_threshold())

    step()
    step()
    assert seen == [(5_000, 10, 10), (5_000, 10, 10)]
    assert gc.get_threshold() == (700, 10, 10)

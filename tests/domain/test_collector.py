"""The cyclic collector is off while any holder is inside `paused()`, back as it was after
the last one, and collects once when holders kept it off for too long."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from thoth_graphql.domain import collector


@pytest.fixture
def enabled() -> Iterator[None]:
    was = gc.isenabled()
    gc.enable()
    yield
    if not was:
        gc.disable()


def test_paused_while_any_holder_is_inside(enabled: None) -> None:
    with collector.paused():
        assert not gc.isenabled()
        with collector.paused():
            assert collector.holders() == 2
        assert not gc.isenabled()
    assert gc.isenabled()
    assert collector.holders() == 0


def test_a_collector_off_before_stays_off(enabled: None) -> None:
    gc.disable()
    with collector.paused():
        pass
    assert not gc.isenabled()


def test_holders_that_overlap_for_too_long_collect_once(
    enabled: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    collections: list[str] = []

    def seen(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            collections.append(phase)

    monkeypatch.setattr(collector, "LONGEST_PAUSE", -1.0)
    gc.callbacks.append(seen)
    try:
        with collector.paused():
            assert collections == []
            with collector.paused():
                assert len(collections) == 1
    finally:
        gc.callbacks.remove(seen)

"""The cyclic collector is off while any holder is inside `paused()`, back as it was after
the last one, and collects once when holders kept it off for too long."""

from __future__ import annotations

import gc
import weakref
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


def test_what_was_made_while_paused_goes_to_the_oldest_generation(enabled: None) -> None:
    # Unscanned: enabling alone would make the next allocation scan all of it as young.
    with collector.paused():
        made = [[] for _ in range(3)]
    oldest = {id(o) for o in gc.get_objects(generation=2)}
    assert all(id(o) in oldest for o in made)
    assert gc.get_count()[0] < 10


def test_objects_frozen_on_purpose_stay_frozen(enabled: None) -> None:
    kept = [[]]
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        with collector.paused():
            made = [[]]
        assert gc.get_freeze_count() == frozen  # a pre-fork server's objects stay put
        assert all(id(o) not in {id(x) for x in gc.get_objects(generation=2)} for o in kept)
        del made
    finally:
        gc.unfreeze()


def test_promoted_cyclic_garbage_is_collected_once_enough_was_promoted(
    enabled: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    class Node:
        def __init__(self) -> None:
            self.me = self  # a cycle: only the collector frees it

    monkeypatch.setattr(collector, "FEWEST_KEPT", 5_000)
    monkeypatch.setattr(collector, "_kept", 0)
    monkeypatch.setattr(collector, "_promoted", 0)
    with collector.paused():
        cycle = weakref.ref(Node())
    assert cycle() is not None  # promoted, not collected
    with collector.paused():
        made = [[] for _ in range(6_000)]
    assert cycle() is not None  # collected before the next block, not after this one
    with collector.paused():
        assert cycle() is None
    assert collector._kept >= len(made)

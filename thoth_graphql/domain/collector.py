"""The cyclic garbage collector, paused while a cold advise loads or searches a closure
(runtime support the store and the scorer share, so it lives beside the domain).

A closure at 100x is a million objects that live on (releases, versions, dependency lists
shared between releases), and the search adds tens of thousands more (the encoding's
tables). While they are made, CPython's collector runs full collections over everything
alive, again each time the survivors grew by a quarter: bench.scale measured about 1 s of
a 2 s `load_closure` and 0.5 to 2 s of a 3 to 7 s first search in the collector, for
nothing (what a load or a search makes is freed by reference counts or kept).

`paused()` turns the collector off while any holder is inside it (holders in several
threads or tasks are counted; the state before the first holder comes back after the
last). So that overlapping holders under steady load cannot keep it off for good, a
holder arriving when it has been off for `LONGEST_PAUSE` seconds collects once first.

When the last holder leaves, what was made meanwhile goes straight to the oldest
generation (`gc.freeze()` then `gc.unfreeze()`: two list splices, no scan) instead of
through the young ones: enabling the collector alone let the next allocation run a
young collection over all of it (277 ms after a 100x `load_closure`), and two more
scans followed as it aged. Skipped when someone froze objects on purpose (a pre-fork
server): unfreezing would hand them back to the collector.

Objects promoted so are not counted by CPython's rule for full collections (survivors
of young ones), so cyclic garbage among them (a dropped snapshot and its view) would
wait longer: bench.scale's peak RSS went 1.15 -> 1.47 GB. So once more objects were
promoted than the last full collection left alive (CPython waits for a quarter: this
is rarer, and keeps memory within about twice what is alive), the next holder to pause
the collector runs a full collection first: before its block makes anything new to scan.
"""

from __future__ import annotations

import gc
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

LONGEST_PAUSE = 10.0
"""Seconds the collector may stay paused without a collection (about one time limit)."""

FEWEST_KEPT = 1_000_000
"""Objects promoted before the first of those full collections (a 100x cold advise
makes about that many)."""

_lock = threading.Lock()
_promoted = 0
"""Objects promoted since the last full collection `paused` ran."""
_kept = 0
"""Objects alive after it."""
_holders = 0
_was_enabled = False
_since = 0.0


@contextmanager
def paused() -> Iterator[None]:
    """The cyclic collector off while the block runs (see the module docstring)."""
    global _holders, _was_enabled, _since
    with _lock:
        if _holders == 0:
            _was_enabled = gc.isenabled()
            if _was_enabled and _promoted > max(_kept, FEWEST_KEPT):
                _collect()
            _since = time.monotonic()
            gc.disable()
        elif _was_enabled and time.monotonic() - _since > LONGEST_PAUSE:
            _collect()
            _since = time.monotonic()
        _holders += 1
    try:
        yield
    finally:
        with _lock:
            _holders -= 1
            if _holders == 0 and _was_enabled:
                promote()
                gc.enable()


def promote() -> None:
    """Move every object the collector tracks to its oldest generation, unscanned, and
    count them (see the module docstring); nothing when objects are frozen already."""
    global _promoted
    if gc.get_freeze_count():
        return
    _promoted += gc.get_count()[0]  # containers made since the last collection
    gc.freeze()
    gc.unfreeze()


def _collect() -> None:
    """A full collection, and what it left alive to count promotions against."""
    global _promoted, _kept
    gc.collect()
    _promoted, _kept = 0, len(gc.get_objects(generation=2))


def holders() -> int:
    """How many blocks hold the collector paused now (for tests)."""
    return _holders

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
"""

from __future__ import annotations

import gc
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

LONGEST_PAUSE = 10.0
"""Seconds the collector may stay paused without a collection (about one time limit)."""

_lock = threading.Lock()
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
            _since = time.monotonic()
            gc.disable()
        elif _was_enabled and time.monotonic() - _since > LONGEST_PAUSE:
            gc.collect()
            _since = time.monotonic()
        _holders += 1
    try:
        yield
    finally:
        with _lock:
            _holders -= 1
            if _holders == 0 and _was_enabled:
                gc.enable()


def holders() -> int:
    """How many blocks hold the collector paused now (for tests)."""
    return _holders

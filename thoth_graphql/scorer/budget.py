"""How long one advise computation may run, and a way to stop it when its request ends."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable


class OutOfTime(Exception):
    """Raised inside an engine when its budget ran out (or its request went away)."""


class Budget:
    """A deadline plus cancellation: every phase of advise checks it, and a running SAT
    call is interrupted through the hooks registered while it runs."""

    __slots__ = ("_cancelled", "_hooks", "_lock", "deadline")

    def __init__(self, deadline: float) -> None:
        self.deadline = deadline
        self._cancelled = threading.Event()
        self._hooks: list[Callable[[], None]] = []
        self._lock = threading.Lock()

    @classmethod
    def of_ms(cls, limit_ms: float) -> Budget:
        return cls(time.monotonic() + max(limit_ms, 0) / 1000)

    @property
    def cancelled(self) -> bool:
        return self._cancelled.is_set()

    def expired(self) -> bool:
        """Out of time, or nobody waits for the answer any more."""
        return self._cancelled.is_set() or time.monotonic() >= self.deadline

    def remaining(self) -> float:
        """Seconds left (0 once cancelled)."""
        if self._cancelled.is_set():
            return 0.0
        return max(0.0, self.deadline - time.monotonic())

    def share(self, fraction: float, at_most: float = float("inf")) -> Budget:
        """A budget for one step: that part of what is left (at most `at_most` seconds),
        cancelled with this one."""
        child = Budget(time.monotonic() + min(self.remaining() * fraction, at_most))
        self.watch(child.cancel)
        return child

    def cancel(self) -> None:
        """Stop the computation: called when the request that asked for it goes away."""
        with self._lock:
            self._cancelled.set()
            hooks = list(self._hooks)
        for hook in hooks:
            hook()

    def watch(self, hook: Callable[[], None]) -> Callable[[], None]:
        """Run `hook` on cancellation while registered; returns the unregistering call."""
        with self._lock:
            self._hooks.append(hook)
        if self._cancelled.is_set():
            hook()

        def unwatch() -> None:
            with self._lock:
                if hook in self._hooks:
                    self._hooks.remove(hook)

        return unwatch

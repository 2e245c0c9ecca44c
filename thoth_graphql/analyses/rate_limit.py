"""Rate limits on analysis requests: a token bucket per requester, in the API process.

Each requester (an API token) has a bucket of `burst` requests that refills at `rate`
per second. The buckets live in memory: every API replica limits on its own, so a
deployment of N replicas admits up to N times the rate; that is the price of needing
no shared state for it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

DEFAULT_RATE = 0.5
"""Requests per second a requester may make in the long run (30 a minute)."""
DEFAULT_BURST = 30
"""Requests a requester may make at once after a quiet spell."""
MAX_BUCKETS = 10_000


class RateLimited(Exception):
    """A request over its requester's limit; `retry_after` says when it would be admitted."""

    def __init__(self, retry_after: float) -> None:
        self.retry_after = retry_after
        super().__init__(f"rate limited; retry after {retry_after:.1f} s")


class TooManyAtOnce(ValueError):
    """More requests at once than a burst holds: they could never be admitted together."""

    def __init__(self, cost: int, burst: int) -> None:
        self.cost = cost
        self.burst = burst
        super().__init__(f"{cost} requests at once exceed the burst of {burst}")


@dataclass(slots=True)
class _Bucket:
    tokens: float
    updated: float


class RateLimiter:
    """Token buckets by requester key."""

    def __init__(
        self,
        rate: float = DEFAULT_RATE,
        burst: int = DEFAULT_BURST,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if rate <= 0 or burst < 1:
            raise ValueError("a rate limit needs a positive rate and a burst of at least 1")
        self.rate = rate
        self.burst = burst
        self._clock = clock
        self._buckets: dict[str, _Bucket] = {}

    def take(self, key: str, cost: int = 1) -> None:
        """Admit `cost` requests of `key`, or raise RateLimited (and admit none).

        Asking for more than `burst` at once raises TooManyAtOnce: it could never be admitted.
        """
        if cost > self.burst:
            raise TooManyAtOnce(cost, self.burst)
        now = self._clock()
        bucket = self._buckets.get(key)
        if bucket is None:
            if len(self._buckets) >= MAX_BUCKETS:
                self._forget_full(now)
            bucket = self._buckets[key] = _Bucket(float(self.burst), now)
        bucket.tokens = min(self.burst, bucket.tokens + (now - bucket.updated) * self.rate)
        bucket.updated = now
        if bucket.tokens < cost:
            raise RateLimited((cost - bucket.tokens) / self.rate)
        bucket.tokens -= cost

    def _forget_full(self, now: float) -> None:
        """Drop the buckets that have refilled: forgetting them changes nothing."""
        full = [
            key
            for key, bucket in self._buckets.items()
            if bucket.tokens + (now - bucket.updated) * self.rate >= self.burst
        ]
        for key in full:
            del self._buckets[key]

"""The token bucket per requester."""

from __future__ import annotations

import pytest

from thoth_graphql.analyses.rate_limit import RateLimited, RateLimiter


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_a_burst_is_admitted_then_the_rate_holds() -> None:
    clock = Clock()
    limiter = RateLimiter(rate=2.0, burst=3, clock=clock)
    for _ in range(3):
        limiter.take("a")
    with pytest.raises(RateLimited) as caught:
        limiter.take("a")
    assert caught.value.retry_after == pytest.approx(0.5)
    limiter.take("b")  # others have their own bucket
    clock.now += 0.5
    limiter.take("a")
    with pytest.raises(RateLimited):
        limiter.take("a")


def test_a_refused_request_costs_nothing_and_bulk_is_all_or_nothing() -> None:
    clock = Clock()
    limiter = RateLimiter(rate=1.0, burst=5, clock=clock)
    limiter.take("a", 4)
    with pytest.raises(RateLimited) as caught:
        limiter.take("a", 2)
    assert caught.value.retry_after == pytest.approx(1.0)
    limiter.take("a", 1)
    with pytest.raises(ValueError, match="burst"):
        limiter.take("a", 6)


def test_idle_buckets_are_forgotten_when_there_are_too_many(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from thoth_graphql.analyses import rate_limit

    monkeypatch.setattr(rate_limit, "MAX_BUCKETS", 3)
    clock = Clock()
    limiter = RateLimiter(rate=1.0, burst=2, clock=clock)
    for key in "abc":
        limiter.take(key)
    clock.now += 10
    limiter.take("d")
    assert set(limiter._buckets) == {"d"}

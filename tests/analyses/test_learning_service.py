"""The learning service on its own: its slots, and a learning that advise never answers."""

from __future__ import annotations

import asyncio

import pytest

from tests.analyses.conftest import Api
from thoth_graphql.analyses.learning import (
    MAX_ACTIVE_PER_REQUESTER,
    LearningBounds,
    LearningService,
    LearningStop,
    TooManyLearnings,
)
from thoth_graphql.scorer import AdviseRequest, AdviseResult


class Unanswered:
    """Advise as it answers when its time limit runs out first: nothing at all."""

    def __init__(self) -> None:
        self.asked = 0

    async def advise(self, request: AdviseRequest) -> AdviseResult:
        self.asked += 1
        return AdviseResult(optimal=False)


class Stalled:
    """Advise that never answers (until cancelled)."""

    async def advise(self, request: AdviseRequest) -> AdviseResult:
        await asyncio.Event().wait()
        raise AssertionError("unreachable")


REQUEST = AdviseRequest(("app",), time_limit_ms=5)


async def test_no_answer_in_time_stops_the_learning_saying_so(api: Api) -> None:
    advisor = Unanswered()
    learning = LearningService(advisor, api.service).start(REQUEST, LearningBounds(), "me")
    assert learning.task is not None
    await asyncio.wait_for(learning.task, 10)
    assert learning.progress.stop is LearningStop.TIME_LIMIT
    assert "within 5 ms, 3 times" in learning.progress.message
    assert advisor.asked == 3
    assert learning.progress.queued == 0


async def test_a_requester_runs_a_bounded_number_of_learnings_at_once(api: Api) -> None:
    service = LearningService(Stalled(), api.service)
    started = [
        service.start(REQUEST, LearningBounds(), "me") for _ in range(MAX_ACTIVE_PER_REQUESTER)
    ]
    with pytest.raises(TooManyLearnings, match="a token may run"):
        service.start(REQUEST, LearningBounds(), "me")
    other = service.start(REQUEST, LearningBounds(), "someone else")
    for learning in [*started, other]:
        assert learning.task is not None
        learning.task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await learning.task
        assert learning.progress.stop is LearningStop.ERROR

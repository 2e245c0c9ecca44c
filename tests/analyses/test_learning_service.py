"""The learning service on its own: its slots, joined analyses, and a learning that advise
never answers."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import pytest

from tests.analyses.conftest import Api
from thoth_graphql.analyses.learning import (
    MAX_ACTIVE_PER_REQUESTER,
    LearningBounds,
    LearningService,
    LearningStop,
    TooManyLearnings,
)
from thoth_graphql.analyses.requests import solver_spec
from thoth_graphql.domain import AnalysisStatus, RuntimeEnvironment
from thoth_graphql.domain.timestamps import utc_timestamp
from thoth_graphql.scorer import AdviseRequest, AdviseResult, GapReason, KnowledgeGap, Snapshot
from thoth_graphql.store.port import AnalysisFilter


class Unanswered:
    """Advise as it answers when its time limit runs out first: nothing at all."""

    def __init__(self) -> None:
        self.asked = 0

    async def advise(self, request: AdviseRequest) -> AdviseResult:
        self.asked += 1
        return AdviseResult(optimal=False)

    async def snapshot(self, names: Sequence[str]) -> Snapshot:
        raise AssertionError("a learning without an answer has nothing to look at")


class Stalled:
    """Advise that never answers (until cancelled)."""

    async def advise(self, request: AdviseRequest) -> AdviseResult:
        await asyncio.Event().wait()
        raise AssertionError("unreachable")

    async def snapshot(self, names: Sequence[str]) -> Snapshot:
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


class AlwaysMissingLib:
    """Advise that never learns lib: `lib<2`, required by app 1.0, stays unknown."""

    async def advise(self, request: AdviseRequest) -> AdviseResult:
        gap = KnowledgeGap("lib", GapReason.UNKNOWN_PACKAGE, "lib<2", "app==1.0")
        return AdviseResult(missing=("lib",), gaps=(gap,), complete=False)

    async def snapshot(self, names: Sequence[str]) -> Snapshot:
        return Snapshot.from_releases([])


async def test_an_analysis_already_queued_is_joined_and_its_failure_named(api: Api) -> None:
    here = RuntimeEnvironment(python_version="3.12", platform="linux_x86_64")
    request = AdviseRequest(("app",), environment=here, time_limit_ms=1000)
    [earlier] = await api.service.request_many([solver_spec("lib", "<2", None, here)], "other")
    service = LearningService(AlwaysMissingLib(), api.service, poll_seconds=0.05)
    learning = service.start(request, LearningBounds(), "me")
    seen = learning.progress
    while seen.queued == 0:
        seen = await asyncio.wait_for(learning.next_change(seen), 10)
    assert learning.progress.analyses == (earlier.id,)
    assert [a.id for a in await api.graph.list_analyses(AnalysisFilter(), first=10)] == [earlier.id]
    running = earlier.moved_to(AnalysisStatus.RUNNING, utc_timestamp())
    assert await api.graph.update_analysis(running, expected=AnalysisStatus.QUEUED)
    failed = running.moved_to(AnalysisStatus.FAILED, utc_timestamp(), error="index down")
    assert await api.graph.update_analysis(failed, expected=AnalysisStatus.RUNNING)
    assert learning.task is not None
    await asyncio.wait_for(learning.task, 10)
    progress = learning.progress
    assert progress.stop is LearningStop.NOT_SOLVED
    assert (progress.queued, progress.failed, progress.round) == (1, 1, 1)
    assert progress.gaps == ("lib",)
    assert "solver errors for lib<2" in progress.message

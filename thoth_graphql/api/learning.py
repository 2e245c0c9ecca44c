"""Learning as clients drive it: the `learn` mutation starts one, the `learning`
subscription follows its rounds and ends with the final advise answer."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import Self

import strawberry

from thoth_graphql.analyses import learning as service
from thoth_graphql.analyses.requests import InvalidSpec, solver_spec
from thoth_graphql.api.advise_query import AdviseInput, AdviseResult
from thoth_graphql.api.analysis_requests import required_analysis_service
from thoth_graphql.api.auth import authorize
from thoth_graphql.api.context import Info
from thoth_graphql.api.errors import CodedError, ErrorCode, UserInputError
from thoth_graphql.domain import TokenScope

strawberry.enum(service.LearningStop, description="Why a learning ended.")
LearningStop = service.LearningStop


@strawberry.input(description="How far one learning may go, and where it solves from.")
class LearningBoundsInput:
    max_analyses: int | None = strawberry.field(
        default=service.DEFAULT_MAX_ANALYSES,
        description=f"The most solver analyses it queues, 1 to {service.MAX_ANALYSES}.",
    )
    versions_per_range: int | None = strawberry.field(
        default=None,
        description="Solve at most this many releases of each version range that reaches "
        "a package, newest first; null: every release in the range.",
    )

    index_url: str | None = strawberry.field(
        default=None,
        description="The PEP 503 index to solve from. Default: the server's default index.",
    )

    def to_bounds(self) -> service.LearningBounds:
        most = service.DEFAULT_MAX_ANALYSES if self.max_analyses is None else self.max_analyses
        if not 1 <= most <= service.MAX_ANALYSES:
            raise UserInputError(
                f"must be from 1 to {service.MAX_ANALYSES}; got {most}.",
                field="bounds.maxAnalyses",
            )
        per_range = self.versions_per_range
        if per_range is not None and not 1 <= per_range <= 10_000:
            raise UserInputError(
                f"must be from 1 to 10000; got {per_range}.", field="bounds.versionsPerRange"
            )
        if self.index_url is not None:
            try:  # checked whole before anything is queued, as requestSolverAnalysis does
                solver_spec("pip", index_url=self.index_url)
            except InvalidSpec as refused:
                raise UserInputError(
                    f"bounds.indexUrl: {refused.faults[0][1]}", field="bounds.indexUrl"
                ) from refused
        return service.LearningBounds(most, per_range, self.index_url)


@strawberry.type(
    description="A learning run: advise, solve what the answer does not know, advise "
    "again, until the answer is complete or a bound stops it."
)
class Learning:
    learning_id: str = strawberry.field(description="The id `learning(id:)` takes.")
    round: int = strawberry.field(description="Rounds of solving started so far.")
    analyses_queued: int = strawberry.field(description="Solver analyses asked for so far.")
    analyses_succeeded: int
    analyses_failed: int
    analysis_ids: list[str] = strawberry.field(
        description="The solver analyses asked for, in order (follow one with analysisStatus)."
    )
    gaps_left: list[str] = strawberry.field(
        description="The unknown packages the latest answer named."
    )
    finished: bool
    stop_reason: LearningStop | None = strawberry.field(
        description="Why it ended; null while it runs."
    )
    message: str = strawberry.field(description="The reason in words, once finished.")
    result: AdviseResult | None = strawberry.field(
        description="The final advise answer; null until finished."
    )

    @classmethod
    def from_progress(cls, progress: service.Progress) -> Self:
        return cls(
            learning_id=progress.id,
            round=progress.round,
            analyses_queued=progress.queued,
            analyses_succeeded=progress.succeeded,
            analyses_failed=progress.failed,
            analysis_ids=list(progress.analyses),
            gaps_left=list(progress.gaps),
            finished=progress.finished,
            stop_reason=progress.stop,
            message=progress.message,
            result=None if progress.result is None else AdviseResult.from_scorer(progress.result),
        )


def _learnings(info: Info) -> service.LearningService:
    required_analysis_service(info)  # UNAVAILABLE where the process runs no analyses
    learnings = info.context.services.learnings()
    assert learnings is not None
    return learnings


async def learn(
    info: Info, input: AdviseInput, bounds: LearningBoundsInput | None = None
) -> Learning:
    """The `learn` mutation: start a learning for the requester's token."""
    token = await authorize(info, TokenScope.WRITE)
    request = input.to_request("input")
    limits = (bounds or LearningBoundsInput()).to_bounds()
    try:
        started = _learnings(info).start(request, limits, token.token_hash)
    except service.TooManyLearnings as busy:
        raise CodedError(ErrorCode.RATE_LIMITED, f"{busy}; retry later.", retryAfter=30) from busy
    return Learning.from_progress(started.progress)


async def follow_learning(info: Info, id: str) -> AsyncGenerator[Learning, None]:
    """The learning now, then after every change, until it has finished. Only the token
    that started it (or an admin's) sees it; for anyone else it does not exist."""
    token = await info.context.token()
    found = _learnings(info).get(id)
    visible = token is not None and (
        token.scope is TokenScope.ADMIN
        or (found is not None and found.requester == token.token_hash)
    )
    if found is None or not visible:
        raise CodedError(ErrorCode.NOT_FOUND, f"No learning has the id {id!r}.")
    progress = found.progress
    yield Learning.from_progress(progress)
    while not progress.finished:
        progress = await found.next_change(progress)
        yield Learning.from_progress(progress)

"""Solver scheduling: queue solver analyses for the packages the graph names but holds no
releases of, so that `advise` learns them without anyone asking.

A dependency edge names its target package; until that package is solved, the graph
knows its name only and every stack through it is unresolved. A periodic run (the
frontend's CronJob `thoth-graphql schedule-solvers`) walks the packages by name, picks
those without releases, leaves out those whose solving was asked recently (queued or
running, or requested within `retry_after`, whatever its outcome: a package that does
not exist on the index must not be asked for every hour) and queues at most `limit`
solver analyses, in name order. The dispatcher runs them like any other request.

Given a requirement set instead, a run solves that set's frontier: the unknown packages
its advise answer names, each for the version ranges that reach it (as a learning does,
`thoth_graphql.analyses.learning`), leaving out the ranges asked for recently.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator
from contextlib import aclosing
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from thoth_graphql.advise_service import AdviseService
from thoth_graphql.analyses.learning import Range, frontier, range_of, solver_specs
from thoth_graphql.analyses.rate_limit import RateLimiter
from thoth_graphql.analyses.requests import InvalidSpec, SolverSpec, solver_spec
from thoth_graphql.analyses.service import AnalysisService
from thoth_graphql.domain import Analysis, AnalysisKind, AnalysisStatus, RuntimeEnvironment
from thoth_graphql.domain.timestamps import utc_timestamp
from thoth_graphql.scorer import AdviseRequest
from thoth_graphql.store.port import (
    AnalysisCursor,
    AnalysisFilter,
    AnalysisQueue,
    GraphStore,
    PackageGraph,
)
from thoth_objects.port import ObjectStore
from thoth_objects.url import open_object_store

REQUESTER = "schedule-solvers"
"""Who the scheduler's requests come from (the requester of its rate-limit bucket)."""
PAGE = 1000
"""Packages, or analyses, read per store call."""
RETRY_AFTER = timedelta(days=7)


@dataclass(frozen=True, slots=True)
class ScheduleReport:
    """What one run found and queued."""

    unknown: int
    """Packages without releases that the walk saw (it stops when `limit` are queued)."""
    recent: int
    """Of those, how many were left out: their solving was asked recently."""
    queued: tuple[Analysis, ...]

    def summary(self) -> str:
        return (
            f"{len(self.queued)} solver analyses queued; {self.unknown} package(s) without "
            f"releases seen, {self.recent} of them asked for recently"
        )


async def unreleased_packages(
    store: PackageGraph, *, page: int = PAGE
) -> AsyncGenerator[str, None]:
    """Names of the packages without releases, in name order, read `page` at a time."""
    after: str | None = None
    while True:
        packages = await store.search_packages("", page, after)
        names = [package.name for package in packages]
        if not names:
            return
        for name, versions in zip(names, await store.versions_of(names), strict=True):
            if not versions:
                yield name
        if len(names) < page:
            return
        after = names[-1]


async def recently_asked(store: AnalysisQueue, since: str, *, page: int = PAGE) -> set[str]:
    """Packages with a solver analysis that is queued or running, or was created at or
    after `since` (a UTC timestamp as `utc_timestamp` writes it)."""
    return {name for name, _ in await recently_asked_ranges(store, since, page=page)}


async def recently_asked_ranges(
    store: AnalysisQueue, since: str, *, page: int = PAGE
) -> set[Range]:
    """The (package, version specifier) pairs of `recently_asked`'s analyses."""
    asked: set[Range] = set()

    def add(analysis: Analysis) -> None:
        spec = analysis.parameters.get("version_spec")
        asked.add((str(analysis.parameters.get("package_name")), str(spec or "")))

    for status in (AnalysisStatus.QUEUED, AnalysisStatus.RUNNING):
        async for analysis in _solver_analyses(store, status, page):
            add(analysis)
    async with aclosing(_solver_analyses(store, None, page)) as newest_first:
        async for analysis in newest_first:
            if (analysis.created_at or "") < since:
                break  # everything after this one is older still
            add(analysis)
    return asked


async def _solver_analyses(
    store: AnalysisQueue, status: AnalysisStatus | None, page: int
) -> AsyncGenerator[Analysis, None]:
    where = AnalysisFilter(status=status, kind=AnalysisKind.SOLVER)
    cursor: AnalysisCursor | None = None
    while True:
        batch = await store.list_analyses(where, page, cursor)
        for analysis in batch:
            yield analysis
        if len(batch) < page:
            return
        last = batch[-1]
        cursor = AnalysisCursor(last.created_at or "", last.id)


async def schedule_solvers(
    store: GraphStore,
    objects: ObjectStore,
    *,
    limit: int,
    retry_after: timedelta = RETRY_AFTER,
    now: datetime | None = None,
    index_url: str | None = None,
    page: int = PAGE,
    environment: RuntimeEnvironment | None = None,
    versions_per_range: int | None = None,
    requirements: AdviseRequest | None = None,
) -> ScheduleReport:
    """Queue solver analyses for up to `limit` unreleased packages not asked recently, or,
    given `requirements`, for the ranges of that set's frontier not asked recently."""
    if limit < 1:
        raise ValueError("limit must be at least 1")
    since = utc_timestamp((now or datetime.now(UTC)) - retry_after)
    if requirements is not None:
        return await _schedule_frontier(
            store, objects, requirements, since, limit, index_url, versions_per_range, page
        )
    asked = await recently_asked(store, since, page=page)
    unknown = recent = 0
    specs: list[SolverSpec] = []
    async with aclosing(unreleased_packages(store, page=page)) as names:
        async for name in names:
            unknown += 1
            if name in asked:
                recent += 1
                continue
            try:
                specs.append(
                    solver_spec(
                        name,
                        index_url=index_url,
                        environment=environment,
                        max_versions=versions_per_range,
                    )
                )
            except InvalidSpec:
                continue  # a name no index can hold; solving it cannot succeed
            if len(specs) == limit:
                break  # the walk stops here: at PyPI's size it is not cheap
    return ScheduleReport(unknown, recent, await _queue(store, objects, specs))


async def _schedule_frontier(
    store: GraphStore,
    objects: ObjectStore,
    requirements: AdviseRequest,
    since: str,
    limit: int,
    index_url: str | None,
    versions_per_range: int | None,
    page: int,
) -> ScheduleReport:
    result = await AdviseService(store).advise(requirements)
    ranges = frontier(result, requirements.requirements)
    specs = solver_specs(
        ranges,
        environment=requirements.environment,
        versions_per_range=versions_per_range,
        index_url=index_url,
    )
    asked = await recently_asked_ranges(store, since, page=page)
    fresh = [spec for spec in specs if range_of(spec) not in asked]
    queued = await _queue(store, objects, fresh[:limit])
    return ScheduleReport(len(ranges), len(specs) - len(fresh), queued)


async def _queue(
    store: AnalysisQueue, objects: ObjectStore, specs: list[SolverSpec]
) -> tuple[Analysis, ...]:
    if not specs:
        return ()
    # The API's per-requester rate limit is for clients; this run is admitted whole.
    service = AnalysisService(store, objects, limiter=RateLimiter(burst=len(specs)))
    return tuple(await service.request_many(specs, REQUESTER))


async def run_scheduler(
    store: GraphStore,
    objects_url: str,
    *,
    limit: int,
    retry_after: timedelta = RETRY_AFTER,
    index_url: str | None = None,
    environment: RuntimeEnvironment | None = None,
    versions_per_range: int | None = None,
    requirements: AdviseRequest | None = None,
) -> ScheduleReport:
    """One scheduling run with the graph store and the object store of a URL opened and
    closed around it (what `thoth-graphql schedule-solvers` does)."""
    await store.open()
    try:
        async with open_object_store(objects_url) as objects:
            return await schedule_solvers(
                store,
                objects,
                limit=limit,
                retry_after=retry_after,
                index_url=index_url,
                environment=environment,
                versions_per_range=versions_per_range,
                requirements=requirements,
            )
    finally:
        await store.close()

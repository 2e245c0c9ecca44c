"""Learning until complete: advise, solve the unknown frontier, advise again, until the
answer is `complete` or a bound stops it.

One Learning is one client's request driven server side. Each round asks advise; the
packages it names in `gaps` (and the unknown roots in `missing`) are the frontier. A
package is solved for the version ranges that reach it (the specifiers of the
requirements naming it, each range once, the newest `versions_per_range` of each when
bounded), not for the newest releases of the package alone: `pkg<2` needs an old release
that newer ones would crowd out. The round then waits for those analyses to finish (the
dispatcher loads each result into the graph before it marks it SUCCEEDED) and advises
again, so names that the new releases declare are followed transitively.

It stops when the answer is complete, when the analyses bound is spent, or when the
frontier holds only ranges that were already solved or failed (the index has no such
release, or the solver could not read it): asking again cannot teach anything new.
"""

from __future__ import annotations

import asyncio
import enum
import json
import logging
import secrets
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Protocol

from packaging.requirements import InvalidRequirement, Requirement

from thoth_graphql.advise_service import root_names
from thoth_graphql.analyses.rate_limit import RateLimiter
from thoth_graphql.analyses.requests import InvalidSpec, SolverSpec, solver_spec
from thoth_graphql.analyses.service import AnalysisService
from thoth_graphql.domain import (
    Analysis,
    AnalysisKind,
    AnalysisStatus,
    RuntimeEnvironment,
    canonical_name,
)
from thoth_graphql.scorer import AdviseRequest, AdviseResult, Snapshot
from thoth_graphql.store.port import AnalysisFilter

log = logging.getLogger(__name__)

MAX_ANALYSES = 2000
"""The most solver analyses one learning may queue."""
DEFAULT_MAX_ANALYSES = 200
MAX_ACTIVE = 8
"""Learnings running at a time in one server process."""
MAX_ACTIVE_PER_REQUESTER = 2
UNANSWERED_TRIES = 3
"""Advise questions a learning asks before it gives up on getting any answer in time
(a closure still loading answers nothing, and goes on loading for the next one)."""
KEPT = 100
"""Finished learnings kept for late subscribers, newest last."""
POLL_SECONDS = 0.25
"""How often a round reads the status of its analyses."""
ALL_VERSIONS = ""
"""The range of a requirement without a specifier: every release."""
FINAL_RELEASES = ">=0"
"""What a range without a specifier asks for when only its newest releases are solved:
the runner takes the newest N of every release, pre-releases too, and a package whose
newest N are all pre-releases would then have only those known (jupyterlab 4.7.0a2 for
`jupyterlab`); a specifier filters by pip's rule, pre-releases only when nothing else
matches."""


class LearningStop(enum.Enum):
    """Why a learning ended."""

    COMPLETE = "COMPLETE"
    """The answer is complete: nothing the graph does not know could change it."""
    MAX_ANALYSES = "MAX_ANALYSES"
    """The analyses bound was spent with gaps left."""
    NOT_SOLVED = "NOT_SOLVED"
    """Gaps are left whose ranges were solved or failed already: the index has no such
    release, or the solver could not read it."""
    TIME_LIMIT = "TIME_LIMIT"
    """Advise ran out of its time limit before any answer, round after round: the request
    asks for more than `timeLimitMs` allows."""
    ERROR = "ERROR"
    """The learning itself failed (the graph or the object store); see the message."""


class Advisor(Protocol):
    """What a learning asks its questions of (the store's AdviseService)."""

    async def advise(self, request: AdviseRequest) -> AdviseResult: ...

    async def snapshot(self, names: Sequence[str]) -> Snapshot: ...


class TooManyLearnings(Exception):
    """Every learning slot (of the server, or of this requester) is taken."""


@dataclass(frozen=True, slots=True)
class LearningBounds:
    """How far one learning may go."""

    max_analyses: int = DEFAULT_MAX_ANALYSES
    versions_per_range: int | None = None
    """Solve at most this many releases of each range, newest first; None: all of them."""
    index_url: str | None = None
    """The index the packages are solved from (None: the default index)."""


@dataclass(frozen=True, slots=True)
class Progress:
    """A learning as its subscribers see it at one moment."""

    id: str
    round: int = 0
    queued: int = 0
    """Solver analyses this learning asked for (or joined, when already queued)."""
    succeeded: int = 0
    failed: int = 0
    gaps: tuple[str, ...] = ()
    """The unknown packages the last answer named."""
    stop: LearningStop | None = None
    message: str = ""
    result: AdviseResult | None = None
    """The last advise answer; set once finished."""
    analyses: tuple[str, ...] = ()
    """Ids of the analyses asked for, in order."""

    @property
    def finished(self) -> bool:
        return self.stop is not None


Range = tuple[str, str]
"""A package and a version specifier ("" for every release)."""


def requirement_range(text: str) -> Range | None:
    """The package and specifier a PEP 508 requirement names (None if it does not parse)."""
    try:
        parsed = Requirement(text)
    except InvalidRequirement:
        return None
    return canonical_name(parsed.name), str(parsed.specifier)


def frontier(result: AdviseResult, requirements: Iterable[str]) -> dict[str, set[str]]:
    """The ranges to solve for an answer: each gap's requirement, and for an unknown root
    every root requirement naming it."""
    ranges: dict[str, set[str]] = {}
    for gap in result.gaps:
        reached = requirement_range(gap.requirement)
        ranges.setdefault(gap.package, set()).add(
            reached[1] if reached is not None and reached[0] == gap.package else ALL_VERSIONS
        )
    roots = [r for r in map(requirement_range, requirements) if r is not None]
    for name in result.missing:
        if name not in ranges:
            ranges[name] = {spec for root, spec in roots if root == name} or {ALL_VERSIONS}
    return ranges


def solver_specs(
    ranges: dict[str, set[str]],
    *,
    environment: RuntimeEnvironment | None = None,
    versions_per_range: int | None = None,
    index_url: str | None = None,
) -> list[SolverSpec]:
    """One solver spec per package and range, in name order. Without a per-range bound,
    a requirement without a specifier already asks for every release, so the package's
    other ranges are left out."""
    specs = []
    for name in sorted(ranges):
        wanted = sorted(ranges[name])
        if versions_per_range is None and ALL_VERSIONS in wanted:
            wanted = [ALL_VERSIONS]
        for spec in wanted:
            if spec == ALL_VERSIONS and versions_per_range is not None:
                spec = FINAL_RELEASES
            try:
                specs.append(
                    solver_spec(
                        name,
                        spec or None,
                        index_url,
                        environment,
                        versions_per_range,
                    )
                )
            except InvalidSpec:
                log.info("learning: %s%s cannot be solved from this index; skipped", name, spec)
    return specs


def uncovered(snapshot: Snapshot, request: AdviseRequest, result: AdviseResult) -> set[Range]:
    """Ranges of known packages that no known release meets, required by a release that
    could be chosen: the stack's releases and newer ones of its packages (every release
    of the closure when there is no stack).

    The graph calls a package known once any release of it is solved; a range solved for
    one requirement (`lib<2`, newest N) says nothing of another (`lib<1.2`), and advise
    treats a range without known releases as empty, not as a gap."""
    view = snapshot.view(request.environment)
    chosen: dict[str, str | None] = dict.fromkeys(snapshot.packages)
    if result.stacks:
        chosen = {p.name: p.version for p in result.stacks[0].packages}
    found: set[Range] = set()
    for name, version in chosen.items():
        package = snapshot.packages.get(name)
        if package is None:
            continue
        last = package.position(version) if version is not None else None
        usable = view.usable(package)
        for i in range(len(package.versions) if last is None else last + 1):
            if not usable >> i & 1:
                continue
            for edge in view.edges(package, i):
                if edge.target is not None and edge.bits == 0:
                    found.add((edge.target.name, str(edge.dependency.specifier)))
    return found


def range_of(spec: SolverSpec) -> Range:
    return spec.package_name, spec.version_spec or ALL_VERSIONS


class Learning:
    """One learning run: its progress, and an event its subscribers wait on."""

    def __init__(self, id: str, request: AdviseRequest, bounds: LearningBounds, requester: str):
        self.id = id
        self.request = request
        self.bounds = bounds
        self.requester = requester
        self.progress = Progress(id)
        self.changed = asyncio.Event()
        self.task: asyncio.Task[None] | None = None

    def update(self, **changes: object) -> None:
        self.progress = replace(self.progress, **changes)  # type: ignore[arg-type]
        # Waiters take the new progress and wait on a fresh event.
        self.changed.set()
        self.changed = asyncio.Event()

    def end_if_running(self) -> None:
        if not self.progress.finished:
            self.update(stop=LearningStop.ERROR, message="the learning was stopped")

    async def next_change(self, seen: Progress) -> Progress:
        """The progress once it differs from `seen`."""
        while self.progress == seen:
            await self.changed.wait()
        return self.progress


@dataclass(slots=True)
class _Round:
    """The bookkeeping one learning carries from round to round."""

    asked: dict[Range, str] = field(default_factory=dict)
    """Each range asked for, and the analysis that solves it."""
    outcome: dict[str, AnalysisStatus] = field(default_factory=dict)


class LearningService:
    """Runs learnings over one advise service and one analysis service."""

    def __init__(
        self,
        advisor: Advisor,
        analyses: AnalysisService,
        *,
        poll_seconds: float = POLL_SECONDS,
    ) -> None:
        self.advisor = advisor
        self.graph = analyses.graph
        # A learning's analyses are admitted by its own bound, not by the per-token rate
        # of single requests: the bound is checked when the learning starts.
        self.analyses = AnalysisService(
            analyses.graph,
            analyses.objects,
            limiter=RateLimiter(rate=1000.0, burst=MAX_ANALYSES),
            on_queued=analyses.on_queued,
        )
        self.poll_seconds = poll_seconds
        self.learnings: OrderedDict[str, Learning] = OrderedDict()

    def get(self, id: str) -> Learning | None:
        return self.learnings.get(id)

    def start(self, request: AdviseRequest, bounds: LearningBounds, requester: str) -> Learning:
        """Start a learning; raises TooManyLearnings when no slot is free."""
        running = [
            learning for learning in self.learnings.values() if not learning.progress.finished
        ]
        if len(running) >= MAX_ACTIVE:
            raise TooManyLearnings(f"this server runs {MAX_ACTIVE} learnings at most")
        if sum(1 for other in running if other.requester == requester) >= MAX_ACTIVE_PER_REQUESTER:
            raise TooManyLearnings(f"a token may run {MAX_ACTIVE_PER_REQUESTER} learnings at once")
        learning = Learning(f"learning-{secrets.token_hex(8)}", request, bounds, requester)
        self.learnings[learning.id] = learning
        learning.task = asyncio.create_task(self._run(learning))
        # Cancelled (the server stops), even before it ran: its subscribers are told.
        learning.task.add_done_callback(lambda _: learning.end_if_running())
        self._forget_old()
        return learning

    def _forget_old(self) -> None:
        finished = [id for id, learning in self.learnings.items() if learning.progress.finished]
        for id in finished[: max(0, len(finished) - KEPT)]:
            del self.learnings[id]

    async def _run(self, learning: Learning) -> None:
        try:
            await self._learn(learning)
        except Exception as error:
            log.exception("learning %s failed", learning.id)
            learning.update(stop=LearningStop.ERROR, message=f"the learning failed: {error}")

    async def _learn(self, learning: Learning) -> None:
        state = _Round()
        bounds = learning.bounds
        while True:
            result = await self._answer(learning.request)
            if result is None:
                learning.update(
                    stop=LearningStop.TIME_LIMIT,
                    message=f"advise found no answer within {learning.request.time_limit_ms} "
                    f"ms, {UNANSWERED_TRIES} times; ask with a larger timeLimitMs",
                )
                return
            gaps = tuple(sorted(set(result.missing) | {g.package for g in result.gaps}))
            ranges = frontier(result, learning.request.requirements)
            fresh = self._fresh(learning, state, ranges)
            if not fresh:
                # Only once the unknown packages are solved: a provisional stack leaves
                # out releases for what they need, and would send us after their ranges.
                for name, spec in await self._uncovered(learning.request, result):
                    ranges.setdefault(name, set()).add(spec)
                fresh = self._fresh(learning, state, ranges)
            if not fresh and result.complete and not result.missing:
                learning.update(
                    result=result,
                    gaps=(),
                    stop=LearningStop.COMPLETE,
                    message=f"complete after {learning.progress.round} round(s)",
                )
                return
            left = bounds.max_analyses - len(state.asked)
            if not fresh:
                failed = [
                    f"{name}{spec or ' (every release)'}"
                    for (name, spec), id in state.asked.items()
                    if name in gaps and state.outcome.get(id) is AnalysisStatus.FAILED
                ]
                why = f"; solver errors for {', '.join(failed)}" if failed else ""
                learning.update(
                    result=result,
                    gaps=gaps,
                    stop=LearningStop.NOT_SOLVED,
                    message=f"{len(gaps)} package(s) stay unknown after solving the ranges "
                    f"that reach them: {', '.join(gaps)}{why}",
                )
                return
            if left <= 0:
                learning.update(
                    result=result,
                    gaps=gaps,
                    stop=LearningStop.MAX_ANALYSES,
                    message=f"the bound of {bounds.max_analyses} analyses was reached with "
                    f"{len(gaps)} package(s) unknown: {', '.join(gaps)}",
                )
                return
            learning.update(round=learning.progress.round + 1, gaps=gaps)
            ids = await self._ask(learning, state, fresh[:left])
            await self._wait(learning, state, ids)

    def _fresh(
        self, learning: Learning, state: _Round, ranges: dict[str, set[str]]
    ) -> list[SolverSpec]:
        """The specs of `ranges` this learning has not asked for yet."""
        specs = solver_specs(
            ranges,
            environment=learning.request.environment,
            versions_per_range=learning.bounds.versions_per_range,
            index_url=learning.bounds.index_url,
        )
        return [spec for spec in specs if range_of(spec) not in state.asked]

    async def _uncovered(self, request: AdviseRequest, result: AdviseResult) -> set[Range]:
        names = [p.name for p in result.stacks[0].packages] if result.stacks else []
        snapshot = await self.advisor.snapshot(names or root_names(request.requirements))
        return uncovered(snapshot, request, result)

    async def _answer(self, request: AdviseRequest) -> AdviseResult | None:
        """An answer (stacks, a proof that none exists, or unknown packages to solve), or
        None when every try ran out of time with none of them."""
        for _ in range(UNANSWERED_TRIES):
            result = await self.advisor.advise(request)
            if result.stacks or result.unsatisfiable is not None or result.missing:
                return result
        return None

    async def _ask(
        self, learning: Learning, state: _Round, specs: Sequence[SolverSpec]
    ) -> list[str]:
        """Queue the specs, joining analyses of the same parameters already queued or
        running (another learning, `solveUnknown`, the scheduler asked for them)."""
        pending = await self._pending_by_parameters()
        ids: list[str] = []
        new: list[SolverSpec] = []
        for spec in specs:
            joined = pending.get(_key(spec.parameters()))
            if joined is not None:
                state.asked[range_of(spec)] = joined
                ids.append(joined)
            else:
                new.append(spec)
        queued = await self.analyses.request_many(new, learning.requester)
        for spec, analysis in zip(new, queued, strict=True):
            state.asked[range_of(spec)] = analysis.id
            ids.append(analysis.id)
        learning.update(
            queued=learning.progress.queued + len(ids),
            analyses=learning.progress.analyses + tuple(ids),
        )
        return ids

    async def _pending_by_parameters(self) -> dict[str, str]:
        found: dict[str, str] = {}
        for status in (AnalysisStatus.QUEUED, AnalysisStatus.RUNNING):
            listed = await self.graph.list_analyses(
                AnalysisFilter(status=status, kind=AnalysisKind.SOLVER), 1000
            )
            for analysis in listed:
                found.setdefault(_key(analysis.parameters), analysis.id)
        return found

    async def _wait(self, learning: Learning, state: _Round, ids: list[str]) -> None:
        """Until every analysis of the round has finished, counting outcomes as they land."""
        waiting = set(ids)
        while waiting:
            found: list[Analysis | None] = await self.graph.analyses(sorted(waiting))
            succeeded = failed = 0
            for analysis in found:
                if analysis is None or not analysis.status.finished:
                    continue
                waiting.discard(analysis.id)
                state.outcome[analysis.id] = analysis.status
                if analysis.status is AnalysisStatus.SUCCEEDED:
                    succeeded += 1
                else:
                    failed += 1
            if succeeded or failed:
                learning.update(
                    succeeded=learning.progress.succeeded + succeeded,
                    failed=learning.progress.failed + failed,
                )
            if waiting:
                await asyncio.sleep(self.poll_seconds)


def _key(parameters: dict[str, object]) -> str:
    """Solver parameters as one comparable text (environment dicts included)."""
    return json.dumps(parameters, sort_keys=True)

"""The advise service: loads a request's closure and what is known about it from the graph
store, caches both per graph generation, and runs the scorer off the event loop.

Per root set (the packages required, with the extras requested on them), one
`load_closure` call that follows only extras something can request (its round trips
follow the closure's depth), then
one `installability_of` call over every release of the closure (every type leaves out
what is known not to install) and, for SECURITY, one `advisories_of` call over its
packages. Stack observations are read per
runtime environment: those of every registered environment that agrees with the asked
one. All of it is cached until the store's generation moves, so repeated questions reuse
parsed versions, matched specifiers, evaluated markers and the observations.

Every phase runs inside the request's time limit: a closure still loading when it runs out
answers `optimal: false` (the load goes on for the next request), at most
`COMPUTATIONS` searches run at once and the rest wait their turn within their own limit,
and a search whose request has gone away is cancelled.
"""

from __future__ import annotations

import asyncio
import platform
import sysconfig
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace
from functools import cache, partial
from typing import Any, TypeVar

from packaging.requirements import InvalidRequirement, Requirement

from thoth_graphql.domain import (
    Advisory,
    Installability,
    RuntimeEnvironment,
    StackObservation,
    canonical_name,
)
from thoth_graphql.scorer import (
    DEFAULT_TIME_LIMIT_MS,
    AdviseRequest,
    AdviseResult,
    Observations,
    RecommendationType,
    Snapshot,
    recommend,
)
from thoth_graphql.scorer.budget import Budget
from thoth_graphql.scorer.evidence import same_environment
from thoth_graphql.store.port import KnowledgeGraph, ObservationCursor, ObservationFilter

K = TypeVar("K")
V = TypeVar("V")

SNAPSHOTS_KEPT = 32
"""How many snapshots (distinct root sets) stay cached for the current generation."""
RELEASES_KEPT = 330_000
"""How many releases the cached snapshots may hold together: about 1 GB, at the 2.1 KB
(cheroot, 7.4 edges a release) to 3.2 KB (bench.scale at 100x, 12.6 edges a release) that a
release with its edges costs (release files count too: Snapshot.weight); the newest
snapshot is kept even when it alone is larger."""
ENVIRONMENTS_KEPT = 32
"""How many runtime environments' stack observations stay cached."""
PAGE = 1000
"""Items per store call when reading listings whole."""
COMPUTATIONS = 2
"""Searches that run at once (one per core); more would only share the same cores."""


class AdviseBusy(Exception):
    """No search could start within the request's time limit: the server is saturated."""


_STACK_KINDS = frozenset(
    {RecommendationType.STABLE, RecommendationType.PERFORMANCE, RecommendationType.TESTING}
)


Roots = tuple[tuple[str, tuple[str, ...]], ...]
"""The packages a request's requirements name, each with the extras requested on it, by
name: what its closure depends on (and the key it is cached under)."""


def roots_of(requirements: Sequence[str]) -> Roots:
    """The canonical package names a request's requirements name, with their extras
    (invalid requirements are skipped; the scorer reports them as unresolved)."""
    extras: dict[str, set[str]] = {}
    for text in requirements:
        try:
            requirement = Requirement(text)
        except InvalidRequirement:
            continue
        named = extras.setdefault(canonical_name(requirement.name), set())
        named.update(canonical_name(e) for e in requirement.extras)
    return tuple((name, tuple(sorted(extras[name]))) for name in sorted(extras))


def root_names(requirements: Sequence[str]) -> list[str]:
    """The canonical package names a request's requirements name."""
    return [name for name, _ in roots_of(requirements)]


@cache
def server_environment() -> RuntimeEnvironment:
    """The server's own interpreter: advise's runtime environment when none is given."""
    tag = sysconfig.get_platform().replace("-", "_").replace(".", "_")
    return RuntimeEnvironment(python_version=platform.python_version(), platform=tag)


@dataclass(slots=True)
class Knowledge:
    """What the graph knows about one closure: its snapshot and, once asked for, the
    installability records of its releases and the advisories about its packages."""

    snapshot: Snapshot
    installability: tuple[Installability, ...] | None = None
    advisories: tuple[Advisory, ...] | None = None


class AdviseService:
    """Answers advise requests over what the store knows; one per store, shared by its requests."""

    def __init__(
        self,
        store: KnowledgeGraph,
        snapshots_kept: int = SNAPSHOTS_KEPT,
        releases_kept: int = RELEASES_KEPT,
    ) -> None:
        self.store = store
        self._computations = ThreadPoolExecutor(COMPUTATIONS, thread_name_prefix="advise")
        self._turns = asyncio.Semaphore(COMPUTATIONS)
        self._generation: int | None = None
        self._known: OrderedDict[Roots, Knowledge] = OrderedDict()
        self._stacks: OrderedDict[str, tuple[StackObservation, ...]] = OrderedDict()
        self._loading: dict[tuple[int, str, object], asyncio.Future[Any]] = {}
        self._snapshots_kept = snapshots_kept
        self._releases_kept = releases_kept
        self.closures_loaded = 0
        """Closures read from the store (for tests and benches)."""
        self.observations_loaded = 0
        """Observation reads (installability, advisories, stacks of an environment)."""

    async def advise(self, request: AdviseRequest) -> AdviseResult:
        """The scorer's answer for a request, over the closure of its requirements and what
        is known about it; the search runs in a worker thread, never on the event loop.

        Raises AdviseBusy when no search could start within the request's time limit."""
        limit_ms = request.time_limit_ms
        budget = Budget.of_ms(DEFAULT_TIME_LIMIT_MS if limit_ms is None else limit_ms)
        try:
            async with asyncio.timeout(budget.remaining()):
                generation = await self._current()
                known = await self._knowledge(generation, roots_of(request.requirements))
                observations = await self._observations(generation, known, request)
        except TimeoutError:
            return AdviseResult(optimal=False)
        try:
            async with asyncio.timeout(budget.remaining()):
                await self._turns.acquire()
        except TimeoutError:
            raise AdviseBusy("every search slot stayed busy for the request's time limit") from None
        loop = asyncio.get_running_loop()
        question = replace(request, observations=observations)
        work: Future[AdviseResult] = self._computations.submit(
            recommend, known.snapshot, question, budget
        )
        # The turn is given back when the computation ends, not when its request does.
        work.add_done_callback(lambda _: loop.call_soon_threadsafe(self._turns.release))
        try:
            return await asyncio.wrap_future(work)
        except asyncio.CancelledError:
            budget.cancel()  # nobody waits for it: stop at the next look at the budget
            raise

    async def snapshot(self, names: Sequence[str]) -> Snapshot:
        """The snapshot of these packages' closure (no extras) at the current generation."""
        generation = await self._current()
        roots = tuple((name, ()) for name in sorted(set(names)))
        return (await self._knowledge(generation, roots)).snapshot

    async def _current(self) -> int:
        generation = await self.store.generation()
        if generation != self._generation:
            # The graph moved on: nothing read before may answer again.
            self._known.clear()
            self._stacks.clear()
            self._generation = generation
        return generation

    async def _knowledge(self, generation: int, key: Roots) -> Knowledge:
        found = self._known.get(key)
        if found is not None:
            self._known.move_to_end(key)
            return found

        async def load() -> Knowledge:
            names = [name for name, _ in key]
            closure = await self.store.load_closure(names, dict(key))
            self.closures_loaded += 1
            snapshot = await asyncio.to_thread(Snapshot.from_closure, closure)
            return Knowledge(snapshot)

        known = await self._once(generation, "closure", key, load)
        self._keep(generation, self._known, key, known, self._snapshots_kept)
        # Snapshots differ in size by orders of magnitude: bound the releases held too.
        held = sum(k.snapshot.weight for k in self._known.values())
        while len(self._known) > 1 and held > self._releases_kept:
            _, dropped = self._known.popitem(last=False)
            held -= dropped.snapshot.weight
        return known

    async def _observations(
        self, generation: int, known: Knowledge, request: AdviseRequest
    ) -> Observations:
        kind = request.recommendation_type
        snapshot = known.snapshot
        if known.installability is None:
            known.installability = await self._once(
                generation, "installability", snapshot, partial(self._installability, snapshot)
            )
        advisories: tuple[Advisory, ...] = ()
        if kind is RecommendationType.SECURITY:
            if known.advisories is None:
                known.advisories = await self._once(
                    generation, "advisories", snapshot, partial(self._advisories, snapshot)
                )
            advisories = known.advisories
        stacks: tuple[StackObservation, ...] = ()
        if kind in _STACK_KINDS:
            stacks = await self._stack_observations(generation, request.environment)
        return Observations(
            stacks=stacks, installability=known.installability, advisories=advisories
        )

    async def _installability(self, snapshot: Snapshot) -> tuple[Installability, ...]:
        keys = [r.version.key for p in snapshot.by_id for r in p.releases]
        found = await self.store.installability_of(keys)
        self.observations_loaded += 1
        return tuple(i for per in found for i in per)

    async def _advisories(self, snapshot: Snapshot) -> tuple[Advisory, ...]:
        found = await self.store.advisories_of(list(snapshot.packages))
        self.observations_loaded += 1
        return tuple(a for per in found for a in per)

    async def _stack_observations(
        self, generation: int, environment: RuntimeEnvironment
    ) -> tuple[StackObservation, ...]:
        """The stack observations made in every registered environment that agrees with
        this one on the fields both state (hardware is narrowed later, by the scorer)."""
        found = self._stacks.get(environment.key)
        if found is not None:
            self._stacks.move_to_end(environment.key)
            return found

        async def load() -> tuple[StackObservation, ...]:
            keys: list[str] = []
            after: str | None = None
            while True:
                page = await self.store.list_environments(PAGE, after)
                keys += [e.key for e in page if same_environment(e, environment)]
                if len(page) < PAGE:
                    break
                after = page[-1].key
            observations: list[StackObservation] = []
            for key in keys:
                cursor: ObservationCursor | None = None
                while True:
                    where = ObservationFilter(environment_key=key)
                    listed = await self.store.list_stack_observations(where, PAGE, cursor)
                    observations += listed
                    if len(listed) < PAGE:
                        break
                    cursor = ObservationCursor(listed[-1].provenance.observed_at, listed[-1].key)
            self.observations_loaded += 1
            return tuple(observations)

        stacks = await self._once(generation, "stacks", environment.key, load)
        self._keep(generation, self._stacks, environment.key, stacks, ENVIRONMENTS_KEPT)
        return stacks

    async def _once(
        self, generation: int, what: str, key: object, load: Callable[[], Awaitable[V]]
    ) -> V:
        """Run `load` once for concurrent requests asking the same thing at one generation.

        A request that gives up (its time limit) does not cancel the read for the others.
        """
        token = (generation, what, key)
        pending = self._loading.get(token)
        if pending is None:
            pending = asyncio.ensure_future(load())
            self._loading[token] = pending
            pending.add_done_callback(lambda done: self._forget(token, done))
        result: V = await asyncio.shield(pending)
        return result

    def _forget(self, token: tuple[int, str, object], done: asyncio.Future[Any]) -> None:
        if self._loading.get(token) is done:
            del self._loading[token]
        if not done.cancelled():
            done.exception()  # retrieved here, raised to every waiter

    def _keep(self, generation: int, table: OrderedDict[K, V], key: K, value: V, size: int) -> None:
        """Cache a value read at `generation`, unless the graph has moved on since."""
        if generation != self._generation:
            return
        table[key] = value
        table.move_to_end(key)
        while len(table) > size:
            table.popitem(last=False)

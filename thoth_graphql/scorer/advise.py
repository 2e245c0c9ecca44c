"""advise(snapshot, request): the best stacks for a request, or why there is none."""

from __future__ import annotations

import time

from thoth_graphql.scorer.explanation import explain
from thoth_graphql.scorer.justification import justify
from thoth_graphql.scorer.objectives import Objective, objective_for
from thoth_graphql.scorer.requirements import read_demands
from thoth_graphql.scorer.search import Search, Solution
from thoth_graphql.scorer.snapshot import EnvironmentView, Snapshot
from thoth_graphql.scorer.types import (
    AdviseRequest,
    AdviseResult,
    LockedPackage,
    Stack,
)

DEFAULT_TIME_LIMIT_MS = 10_000
"""How long a search may run when the request sets no `time_limit_ms`."""


def advise(snapshot: Snapshot, request: AdviseRequest) -> AdviseResult:
    """The best `request.count` stacks for the request's objective over a snapshot."""
    started = time.monotonic()
    limit_ms = request.time_limit_ms if request.time_limit_ms is not None else DEFAULT_TIME_LIMIT_MS
    deadline = started + max(limit_ms, 0) / 1000
    view = snapshot.view(request.environment)
    demands = read_demands(view, request.requirements, request.constraints)
    if demands.unresolved:
        return AdviseResult(unresolved=tuple(demands.unresolved), missing=tuple(demands.missing))
    objective = objective_for(view, request)
    search = Search(view, demands.roots, demands.limits, objective, request.count, deadline)
    outcome = search.run()
    if outcome.solutions:
        stacks = tuple(_stack(view, s, objective) for s in outcome.solutions)
        return AdviseResult(stacks=stacks, optimal=outcome.complete, explored=outcome.nodes)
    if not outcome.complete:
        # Out of time before any stack: neither a stack nor a proof that none exists.
        return AdviseResult(optimal=False, explored=outcome.nodes)
    unsatisfiable = explain(view, demands, objective, outcome, deadline)
    missing = tuple(
        name
        for name in unsatisfiable.packages
        if name in outcome.missing or name in snapshot.missing
    )
    unresolved = tuple(
        f"{name}: not in the knowledge graph; request a solver analysis for it" for name in missing
    )
    return AdviseResult(
        unsatisfiable=unsatisfiable,
        unresolved=unresolved,
        optimal=True,
        missing=missing,
        explored=outcome.nodes,
    )


def _stack(view: EnvironmentView, solution: Solution, objective: Objective) -> Stack:
    packages = []
    for p in sorted(solution.chosen, key=lambda q: view.snapshot.by_id[q].name):
        package = view.snapshot.by_id[p]
        release = package.releases[solution.chosen[p]].version
        packages.append(
            LockedPackage(
                name=package.name,
                version=str(package.versions[solution.chosen[p]]),
                index=release.index_url,
                extras=solution.extras.get(p, ()),
                sha256=release.sha256,
                requires_python=release.requires_python,
                yanked=release.yanked,
                files=release.files,
            )
        )
    return Stack(
        packages=tuple(packages),
        score=-solution.cost,
        justifications=tuple(justify(view, solution, objective)),
        environment=view.environment,
    )

"""recommend(snapshot, request): the best stacks for a request, or why there is none."""

from __future__ import annotations

from dataclasses import replace

from thoth_graphql.scorer.budget import Budget
from thoth_graphql.scorer.decisions import Solution
from thoth_graphql.scorer.encoding import Encoding
from thoth_graphql.scorer.engines import encoding_of, engine_for
from thoth_graphql.scorer.explanation import explain
from thoth_graphql.scorer.justification import justify
from thoth_graphql.scorer.objectives import Objective, objective_for
from thoth_graphql.scorer.requirements import Demands, RootDemand, read_demands
from thoth_graphql.scorer.snapshot import EnvironmentView, PackageIndex, Snapshot
from thoth_graphql.scorer.solver import Problem, Solver
from thoth_graphql.scorer.types import (
    AdviseRequest,
    AdviseResult,
    KnowledgeGap,
    LockedPackage,
    Stack,
)

__all__ = ["DEFAULT_TIME_LIMIT_MS", "encoding_of", "recommend"]

DEFAULT_TIME_LIMIT_MS = 10_000
"""How long a search may run when the request sets no `time_limit_ms`."""


def recommend(
    snapshot: Snapshot,
    request: AdviseRequest,
    budget: Budget | None = None,
    solver: Solver | None = None,
) -> AdviseResult:
    """The best `request.count` stacks for the request's objective over a snapshot.

    The engine is the first of `engines.ENGINES` that applies to the objective and count
    (LATEST's SAT descent, the costed SAT engine, the branch and bound search), unless a
    `solver` is given (to compare engines). Whichever answers, when no stack exists the
    SAT engine's minimal unsat core is what the explanation starts from.
    """
    if budget is None:
        limit_ms = request.time_limit_ms
        budget = Budget.of_ms(DEFAULT_TIME_LIMIT_MS if limit_ms is None else limit_ms)
    view = snapshot.view(request.environment)
    result = _answer(view, request, budget, solver)
    undecidable = view.markers.undecidable
    if not undecidable:
        return result
    notes = tuple(
        f"marker {marker!r} cannot be evaluated here ({why}); its dependencies were left out"
        for marker, why in sorted(undecidable.items())
    )
    return replace(result, notes=result.notes + notes)


def _answer(
    view: EnvironmentView, request: AdviseRequest, budget: Budget, solver: Solver | None
) -> AdviseResult:
    demands = read_demands(view, request.requirements, request.constraints)
    if demands.unresolved:
        unresolved = AdviseResult(
            unresolved=tuple(demands.unresolved), missing=tuple(demands.missing)
        )
        if len(demands.unresolved) > len(demands.missing) or not demands.roots:
            return unresolved  # a requirement that cannot be read: nothing to search
        return _without_unknown_roots(view, request, demands, budget, solver) or unresolved
    objective = objective_for(view, request)
    if solver is None:
        solver = engine_for(objective, request.count)
    answer = solver.solve(Problem(view, demands, objective), request.count, budget)
    gaps = answer.gaps
    if answer.stacks:
        result = AdviseResult(
            stacks=tuple(_stack(view, s, objective) for s in answer.stacks),
            optimal=answer.proven,
            proven=answer.proven,
            explored=answer.explored,
        )
        return _honest(result, gaps)
    roots = answer.conflicting_roots
    if roots is None:
        # Out of time before any stack: neither a stack nor a proof that none exists.
        return _honest(AdviseResult(optimal=False, explored=answer.explored), gaps)
    # With no gaps, no stack exists even if every unknown package fitted: the explanation
    # then looks past unknown packages for the clash that remains.
    unknown_fits = not gaps
    encoding = encoding_of(view)
    result = _unsatisfiable(
        view, demands, roots, objective, encoding, budget, answer.explored, unknown_fits
    )
    return _honest(result, gaps)


def _without_unknown_roots(
    view: EnvironmentView,
    request: AdviseRequest,
    demands: Demands,
    budget: Budget,
    solver: Solver | None,
) -> AdviseResult | None:
    """The proof that no stack exists, for a request that names packages the graph does
    not know, when the requirements on known packages already have none even if every
    unknown package fitted (a requirement more only narrows): say, a pin on a package the
    index does not have. None when that is not proven; the unknown roots stay listed."""
    objective = objective_for(view, request)
    if solver is None:
        solver = engine_for(objective, 1)
    answer = solver.solve(Problem(view, demands, objective), 1, budget)
    roots = answer.conflicting_roots
    if answer.stacks or roots is None or answer.gaps:
        return None
    encoding = encoding_of(view)
    result = _unsatisfiable(
        view, demands, roots, objective, encoding, budget, answer.explored, unknown_fits=True
    )
    missing = tuple(dict.fromkeys([*demands.missing, *result.missing]))
    return replace(
        result,
        missing=missing,
        unresolved=tuple(dict.fromkeys([*demands.unresolved, *result.unresolved])),
    )


def _honest(result: AdviseResult, gaps: tuple[KnowledgeGap, ...]) -> AdviseResult:
    """The result with what the graph does not know that could change it: then it is
    provisional, never `optimal`, and the unknown packages are there to be solved."""
    if not gaps:
        return result
    missing = tuple(dict.fromkeys([*result.missing, *(g.package for g in gaps)]))
    listed = {u.split(":", 1)[0] for u in result.unresolved}
    unresolved = result.unresolved + tuple(
        f"{g.package}: not in the knowledge graph (required by {g.required_by} as "
        f"{g.requirement!r}); request a solver analysis for it"
        for g in gaps
        if g.package not in listed
    )
    return replace(
        result, optimal=False, complete=False, gaps=gaps, missing=missing, unresolved=unresolved
    )


def _unsatisfiable(
    view: EnvironmentView,
    demands: Demands,
    roots: list[RootDemand],
    objective: Objective,
    encoding: Encoding,
    budget: Budget,
    explored: int,
    unknown_fits: bool,
) -> AdviseResult:
    def admits(package: PackageIndex, bits: int, extras: tuple[str, ...]) -> bool:
        return encoding.admits(package, bits, extras, budget, unknown_fits)

    # The same clash is explained once per view: a repeated question (or one that adds
    # only constraints that change nothing) costs no second walk down the chains.
    key = (
        tuple(r.text for r in roots),
        tuple(limit.text for limit in demands.limits),
        tuple(sorted(objective.excluded.items())),
        unknown_fits,
    )
    unsatisfiable = encoding.explanations.get(key)
    if unsatisfiable is None:
        unsatisfiable = explain(view, demands, roots, objective, admits, budget, unknown_fits)
        if not budget.expired():  # an explanation cut short is not kept
            encoding.remember_explanation(key, unsatisfiable)
    missing = tuple(
        name
        for name in unsatisfiable.packages
        if name in encoding.missing or name in view.snapshot.missing
    )
    unresolved = tuple(
        f"{name}: not in the knowledge graph; request a solver analysis for it" for name in missing
    )
    return AdviseResult(
        unsatisfiable=unsatisfiable,
        unresolved=unresolved,
        optimal=True,
        proven=True,
        missing=missing,
        explored=explored,
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

"""recommend(snapshot, request): the best stacks for a request, or why there is none."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from thoth_graphql.scorer.budget import Budget
from thoth_graphql.scorer.encoding import Encoding
from thoth_graphql.scorer.explanation import explain
from thoth_graphql.scorer.justification import justify
from thoth_graphql.scorer.lexicographic import Lexicographic
from thoth_graphql.scorer.objectives import Objective, objective_for
from thoth_graphql.scorer.requirements import Demands, RootDemand, read_demands
from thoth_graphql.scorer.search import Search, Solution
from thoth_graphql.scorer.snapshot import EnvironmentView, PackageIndex, Snapshot
from thoth_graphql.scorer.types import (
    AdviseRequest,
    AdviseResult,
    GapReason,
    KnowledgeGap,
    LockedPackage,
    Stack,
)

DEFAULT_TIME_LIMIT_MS = 10_000
"""How long a search may run when the request sets no `time_limit_ms`."""


def recommend(
    snapshot: Snapshot, request: AdviseRequest, budget: Budget | None = None
) -> AdviseResult:
    """The best `request.count` stacks for the request's objective over a snapshot.

    LATEST (and any objective whose costs are all zero here) is answered by the SAT
    engine, one proven package at a time; the costed objectives and top-k by the branch
    and bound search. Either way, when no stack exists the SAT engine's minimal unsat core
    is what the explanation starts from.
    """
    if budget is None:
        limit_ms = request.time_limit_ms
        budget = Budget.of_ms(DEFAULT_TIME_LIMIT_MS if limit_ms is None else limit_ms)
    view = snapshot.view(request.environment)
    result = _answer(view, request, budget)
    undecidable = view.markers.undecidable
    if not undecidable:
        return result
    notes = tuple(
        f"marker {marker!r} cannot be evaluated here ({why}); its dependencies were left out"
        for marker, why in sorted(undecidable.items())
    )
    return replace(result, notes=result.notes + notes)


def _answer(view: EnvironmentView, request: AdviseRequest, budget: Budget) -> AdviseResult:
    demands = read_demands(view, request.requirements, request.constraints)
    if demands.unresolved:
        return AdviseResult(unresolved=tuple(demands.unresolved), missing=tuple(demands.missing))
    objective = objective_for(view, request)
    encoding = encoding_of(view)
    gaps: tuple[KnowledgeGap, ...] = ()
    if objective.lexicographic and request.count <= 1:
        found = Lexicographic(encoding, demands, objective, budget).run()
        gaps = tuple(found.gaps)
        if found.solution is not None:
            stack = _stack(view, found.solution, objective)
            return _honest(
                AdviseResult(
                    stacks=(stack,),
                    optimal=found.complete,
                    proven=found.complete,
                    explored=found.questions,
                ),
                gaps,
            )
        roots = found.conflicting_roots
        explored = found.questions
    else:
        # The branch and bound search, asking the SAT engine before each candidate whether
        # a valid stack still exists with it: it then never walks into a dead branch.
        with Lexicographic(encoding, demands, objective, budget).posed() as feasible:
            search = Search(
                view,
                demands.roots,
                demands.limits,
                objective,
                request.count,
                budget,
                feasible=feasible,
            )
            outcome = search.run()
        if outcome.solutions:
            stacks = tuple(_stack(view, s, objective) for s in outcome.solutions)
            gaps = _gaps_near(view, outcome.solutions)
            result = AdviseResult(
                stacks=stacks,
                optimal=outcome.complete,
                proven=outcome.complete,
                explored=outcome.nodes,
            )
            return _honest(result, gaps)
        roots = None
        if outcome.complete:
            found = Lexicographic(encoding, demands, objective, budget).run()
            roots, gaps = found.conflicting_roots, tuple(found.gaps)
        explored = outcome.nodes
    if roots is None:
        # Out of time before any stack: neither a stack nor a proof that none exists.
        return _honest(AdviseResult(optimal=False, explored=explored), gaps)
    # With no gaps, no stack exists even if every unknown package fitted: the explanation
    # then looks past unknown packages for the clash that remains.
    unknown_fits = not gaps
    result = _unsatisfiable(
        view, demands, roots, objective, encoding, budget, explored, unknown_fits
    )
    return _honest(result, gaps)


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


def _gaps_near(view: EnvironmentView, solutions: Sequence[Solution]) -> tuple[KnowledgeGap, ...]:
    """For the branch and bound search: the unknown packages that newer releases of a
    stack's packages depend on (what rules those releases out, and might not)."""
    gaps: dict[str, KnowledgeGap] = {}
    for solution in solutions:
        for p, v in solution.chosen.items():
            package = view.snapshot.by_id[p]
            for i in range(v):
                for edge in view.edges(package, i):
                    if edge.target is None and edge.target_name not in gaps:
                        gaps[edge.target_name] = KnowledgeGap(
                            edge.target_name,
                            GapReason.UNKNOWN_PACKAGE,
                            edge.text,
                            f"{package.name}=={package.versions[i]}",
                        )
    return tuple(gaps.values())


def encoding_of(view: EnvironmentView) -> Encoding:
    """The view's SAT encoding, made on first use and kept with the view."""
    with view.lock:
        if view.encoding is None:
            view.encoding = Encoding(view)
        return view.encoding


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

"""The scorer's engines behind the Solver protocol, and the rule that picks one.

- `LatestSat`: LATEST (no costs), one stack: the lexicographic SAT descent
  (`lexicographic.py`, docs/decisions/0008).
- `CostedSat`: any objective, any count: the least cost by implicit hitting sets, then
  the same descent among the stacks of that cost, the k best one after the other
  (`costed.py`, docs/decisions/0012).
- `BranchAndBound`: any objective, any count: the branch and bound search (`search.py`)
  with the SAT engine as its feasibility oracle; the reference the other engines are
  compared with (tests/scorer/test_solver.py), taken only when asked for.

All three are exact; `engine_for` takes the first that applies, in that order. The SAT
engines run with the cyclic collector paused (`domain/collector.py`): at 100x it took a
sixth to a third of a first search, scanning the snapshot while the encoding grew.
"""

from __future__ import annotations

from collections.abc import Sequence

from thoth_graphql.domain.collector import paused
from thoth_graphql.scorer.budget import Budget
from thoth_graphql.scorer.costed import Costed
from thoth_graphql.scorer.decisions import Solution
from thoth_graphql.scorer.encoding import Encoding
from thoth_graphql.scorer.lexicographic import Lexicographic, LexicographicOutcome
from thoth_graphql.scorer.objectives import Objective
from thoth_graphql.scorer.search import Search
from thoth_graphql.scorer.snapshot import EnvironmentView
from thoth_graphql.scorer.solver import Answer, Problem, Solver
from thoth_graphql.scorer.types import GapReason, KnowledgeGap


def encoding_of(view: EnvironmentView) -> Encoding:
    """The view's SAT encoding, made on first use and kept with the view."""
    with view.lock:
        if view.encoding is None:
            view.encoding = Encoding(view)
        return view.encoding


def _answer(problem: Problem, found: LexicographicOutcome) -> Answer:
    stacks = [] if found.solution is None else [problem.stack(found.solution.chosen)]
    return Answer(
        stacks=stacks,
        proven=found.complete,
        conflicting_roots=found.conflicting_roots if found.solution is None else None,
        gaps=tuple(found.gaps),
        explored=found.questions,
    )


class LatestSat:
    """LATEST's lexicographic optimum, one proven package at a time."""

    name = "latest-sat"

    def applies(self, objective: Objective, count: int) -> bool:
        return objective.lexicographic and count <= 1

    def solve(self, problem: Problem, count: int, budget: Budget) -> Answer:
        with paused():
            encoding = encoding_of(problem.view)
            found = Lexicographic(encoding, problem.demands, problem.objective, budget).run()
        return _answer(problem, found)


class CostedSat:
    """The least cost (implicit hitting sets over SAT cores), then LATEST's key."""

    name = "costed-sat"

    def applies(self, objective: Objective, count: int) -> bool:
        return True

    def solve(self, problem: Problem, count: int, budget: Budget) -> Answer:
        with paused():
            encoding = encoding_of(problem.view)
            costed = Costed(encoding, problem.demands, problem.objective, budget, count)
            found = costed.run()
        answer = _answer(problem, found)
        answer.stacks = [problem.stack(s.chosen) for s in costed.found]
        return answer


class BranchAndBound:
    """Depth-first in decision order, candidates by cost then rank, bounded by the k-th
    best stack found, asking the SAT engine before each candidate whether a valid stack
    still holds it."""

    name = "branch-and-bound"

    def applies(self, objective: Objective, count: int) -> bool:
        return True

    def solve(self, problem: Problem, count: int, budget: Budget) -> Answer:
        view, demands, objective = problem.view, problem.demands, problem.objective
        encoding = encoding_of(view)
        with Lexicographic(encoding, demands, objective, budget).posed() as feasible:
            search = Search(
                view, demands.roots, demands.limits, objective, count, budget, feasible=feasible
            )
            outcome = search.run()
        if outcome.solutions:
            return Answer(
                stacks=[problem.stack(s.chosen) for s in outcome.solutions],
                proven=outcome.complete,
                gaps=_gaps_near(view, outcome.solutions),
                explored=outcome.nodes,
            )
        if not outcome.complete:
            return Answer(explored=outcome.nodes)
        # No stack: the SAT engine's unsat core is the proof the explanation starts from.
        found = Lexicographic(encoding, demands, objective, budget).run()
        return Answer(
            proven=found.conflicting_roots is not None,
            conflicting_roots=found.conflicting_roots,
            gaps=tuple(found.gaps),
            explored=outcome.nodes,
        )


def _gaps_near(view: EnvironmentView, solutions: Sequence[Solution]) -> tuple[KnowledgeGap, ...]:
    """The unknown packages that newer releases of a stack's packages depend on (what
    rules those releases out, and might not)."""
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


ENGINES: tuple[Solver, ...] = (LatestSat(), CostedSat(), BranchAndBound())
"""Every engine, in the order `engine_for` tries them."""


def engine_for(objective: Objective, count: int) -> Solver:
    """The first engine that answers this objective and count."""
    return next(engine for engine in ENGINES if engine.applies(objective, count))

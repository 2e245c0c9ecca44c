"""The Solver protocol: what every engine of the scorer is asked, and what it answers.

An engine gets a problem (a request read against a snapshot view, and its objective), how
many stacks to return and a budget; it answers with the best stacks it proved, or a proof
that none exists (a minimal set of the request's roots with no stack), or, out of time,
what it has. Stacks are answered as chosen releases and described in decision order by
`decisions.describe`, the same way for every engine: justifications and explanations read
the answer, never an engine's internal state. So engines can be compared on the same
problems (tests/scorer/test_solver.py) and swapped (`advise(..., solver=...)`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from thoth_graphql.scorer.budget import Budget
from thoth_graphql.scorer.decisions import Solution, describe
from thoth_graphql.scorer.objectives import Objective
from thoth_graphql.scorer.requirements import Demands, RootDemand
from thoth_graphql.scorer.snapshot import EnvironmentView
from thoth_graphql.scorer.types import KnowledgeGap


@dataclass(frozen=True, slots=True)
class Problem:
    """A request as every engine sees it: its demands on a view, and the objective."""

    view: EnvironmentView
    demands: Demands
    objective: Objective

    def stack(self, chosen: dict[int, int]) -> Solution:
        """The stack of these releases, described in decision order, with its cost."""
        return describe(
            self.view,
            self.demands,
            self.objective.excluded,
            chosen,
            self.objective.cost_of(chosen),
        )


@dataclass(slots=True)
class Answer:
    """What an engine proved about a problem."""

    stacks: list[Solution] = field(default_factory=list)
    """The best stacks found, best first (by cost, then LATEST's key)."""
    proven: bool = False
    """The stacks are the best that exist, or (without stacks) none exists."""
    conflicting_roots: list[RootDemand] | None = None
    """The proof that no stack exists: a minimal set of roots that already has none."""
    gaps: tuple[KnowledgeGap, ...] = ()
    """Unknown packages that could change the answer (then it is provisional)."""
    explored: int = 0
    """Search nodes or SAT questions (for benches)."""


class Solver(Protocol):
    """An exact engine for some objectives and counts."""

    @property
    def name(self) -> str: ...

    def applies(self, objective: Objective, count: int) -> bool:
        """Whether this engine answers such problems (exactly)."""
        ...

    def solve(self, problem: Problem, count: int, budget: Budget) -> Answer:
        """The best `count` stacks of the problem, or the proof that none exists."""
        ...

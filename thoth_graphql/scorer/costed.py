"""The costed objectives on the SAT engine: the least cost, then LATEST's key among the
stacks of that cost.

The cost of a stack is a sum over costed releases and costed pairs of releases
(docs/advise.md). Each costed release is its own variable; each costed pair gets an
auxiliary variable that the pair implies, guarded by the request's selector. A *core* is
a set of costed literals one of which every valid stack makes true (the SAT solver's
unsat core when it is asked for a stack with all of them false), and it holds whenever
the other assumptions it was found with hold. Cores give a lower bound (the least-cost
set meeting all of them, `hitting.py`); the solver, asked for a stack whose costed
literals lie in that set, either finds one (its cost is the bound: optimal) or returns
one more core (implicit hitting sets, as MaxHS does). The costs stay exact floats: no
scaling to integers.

LATEST's descent (`lexicographic.py`) then runs with every question asked that way under
the optimal cost as the bound: each package, in decision order, takes the newest release
with which a valid stack *of optimal cost* still exists, so ties in cost are broken by
LATEST's key, and every step is proven. Whole-stack rules (pre-releases, yanked) are
checked as in LATEST; a violation is learned and the optimum computed again.
"""

from __future__ import annotations

from dataclasses import dataclass

from thoth_graphql.scorer.budget import Budget, OutOfTime
from thoth_graphql.scorer.decisions import Decisions, Solution
from thoth_graphql.scorer.encoding import Encoding
from thoth_graphql.scorer.hitting import EPSILON, minimum_hitting_set
from thoth_graphql.scorer.lexicographic import (
    RESTARTS,
    Broken,
    Lexicographic,
    LexicographicOutcome,
    Question,
    decisions,
)
from thoth_graphql.scorer.objectives import Objective
from thoth_graphql.scorer.requirements import Demands


@dataclass(frozen=True, slots=True)
class _Core:
    others: frozenset[int]
    """The assumptions (not costed) it was found under: it holds whenever they do."""
    costed: frozenset[int]


class Costed(Lexicographic):
    """One costed question over an encoding: the `count` best stacks by (cost, key)."""

    def __init__(
        self,
        encoding: Encoding,
        demands: Demands,
        objective: Objective,
        budget: Budget,
        count: int = 1,
    ) -> None:
        super().__init__(encoding, demands, objective, budget)
        self.count = max(1, count)
        self.found: list[Solution] = []
        """The best stacks proven so far, best first (by cost, then key)."""
        self.weight: dict[int, float] = {}
        """costed literal -> its cost."""
        self._cores: list[_Core] = []
        self._bound: float | None = None
        """The cost every stack asked for must stay within (None: any cost)."""
        self.optimum: float | None = None
        self._fallback: Solution | None = None

    def _pose(self) -> Question:
        question = super()._pose()
        self._costed_literals(question.common)
        return question

    def _costed_literals(self, common: int) -> None:
        """A literal per costed release, and per costed pair an auxiliary variable that
        the pair implies (for this request only). Packages the request does not reach
        have no variables, and no stack of it holds them."""
        encoding = self.encoding
        weight = self.weight
        for p, costs in self.objective.single.items():
            if not encoding.encoded(p):
                continue
            for v, cost in costs.items():
                if cost > 0:
                    literal = encoding.release(p, v)
                    weight[literal] = weight.get(literal, 0.0) + cost
        pairs: dict[tuple[tuple[int, int], tuple[int, int]], float] = {}
        for first, others in self.objective.pairs.items():
            for q, w, cost in others:
                second = (q, w)
                if first < second and cost > 0:
                    pairs[(first, second)] = pairs.get((first, second), 0.0) + cost
        for (first, second), cost in pairs.items():
            if not (encoding.encoded(first[0]) and encoding.encoded(second[0])):
                continue
            both = encoding.new_var()
            x, y = encoding.release(*first), encoding.release(*second)
            encoding.add([-common, -x, -y, both])
            weight[both] = cost

    # -- questions under a cost bound ---------------------------------------------------

    def _solve(self, assumptions: list[int]) -> bool:
        if self._bound is None:
            return super()._solve(assumptions)
        return self._within(assumptions, self._bound) is not None

    def _within(self, assumptions: list[int], bound: float) -> float | None:
        """Whether a valid stack under the assumptions costs at most `bound`: the least
        cost it can have when one does (and the solver's model is such a stack), None
        when none does (proven)."""
        held = set(assumptions)
        weight = self.weight
        forced = [frozenset((lit,)) for lit in weight if lit in held]
        while True:
            cores = forced + [c.costed for c in self._cores if c.others <= held]
            hit = minimum_hitting_set(cores, weight, bound, self.budget.expired)
            if hit is None:
                return None
            allowed, cost = hit
            off = [-lit for lit in weight if lit not in allowed]
            if super()._solve([*assumptions, *off]):
                return cost
            core = set(self.encoding.solver.get_core() or ())
            costed = frozenset(-lit for lit in off if lit in core)
            if not costed:
                return None  # no stack under the assumptions at any cost
            others = frozenset(core.difference(off))
            self._cores.append(_Core(others, costed))

    # -- the answer -----------------------------------------------------------------------

    def run(self) -> LexicographicOutcome:
        outcome = super().run()
        if not self.found and outcome.conflicting_roots is None and self._fallback:
            # Out of time: the best stack seen, unproven (its cost is optimal, its key not).
            outcome.solution = self._fallback
            self.found.append(self._fallback)
        return outcome

    def _model_stack(self, common: int) -> Solution | None:
        """The stack of the solver's model (decision order, the model's releases), when
        it keeps the whole-stack rules."""
        state = Decisions(self.view, self.objective.excluded)
        state.start(self.demands)
        while (p := state.next()) != -1:
            state.decide(p, self._chosen(p))
        solution = state.solution(self.objective.cost_of(state.chosen))
        if not self._whole_stack_rules_hold(solution, common, learn=False):
            return None
        return solution

    def _run(self, question: Question) -> None:
        base, relaxed, roots = question.base, question.relaxed, question.roots
        self._bound = None
        if not self._solve(base):
            self._no_stack(base, relaxed, roots)
            return
        restarts = 0
        previous: tuple[float, list[tuple[int, int]]] | None = None
        """The last descent's optimum and its decisions before it broke a rule."""
        while len(self.found) < self.count:
            kept: list[tuple[int, int]] = []
            self._bound = None
            optimum = self._within(base, float("inf"))
            if optimum is None:
                if not self.found:  # the whole-stack rules learned left no stack
                    self._no_stack(base, relaxed, roots)
                    return
                break  # fewer stacks than asked for exist
            self._bound = optimum
            if not self.found:
                self.optimum = optimum
                self._fallback = self._model_stack(question.common) or self._fallback
            if previous is not None and abs(previous[0] - optimum) <= EPSILON:
                # The same optimum over fewer stacks: the decisions before the broken
                # rule that still fit are still the newest that fit (`_still_fitting`).
                kept = self._still_fitting(base, previous[1]) or []
            try:
                solution = self._descend(base, kept, question.common)
                violated = self._whole_stack_rules_violated(solution, question.common)
                broken = None if violated is None else decisions(solution, violated)
            except Broken as stopped:
                broken = stopped.decided
            if broken is not None:
                previous = (optimum, broken)
                restarts += 1
                if restarts > RESTARTS:
                    raise OutOfTime
                continue
            previous = None
            solution.cost = self.objective.cost_of(solution.chosen)
            if not self.found:
                self.outcome.solution = solution
                self._check_gaps(relaxed, solution)
            self.found.append(solution)
            # The next best is the best other stack: a founded stack holding every release
            # of this one is this one.
            encoding = self.encoding
            encoding.add(
                [-question.common, *(-encoding.release(p, v) for p, v in solution.chosen.items())]
            )
        self.outcome.complete = True

    def _check_gaps(self, relaxed: list[int], found: Solution | None) -> None:
        """With unknown packages free to fit: a cheaper stack, or one of the same cost
        with a better key, means knowing them could change the answer."""
        if found is None or not self.encoding.unknown:
            self._bound = None
            super()._check_gaps(relaxed, found)
            return
        optimum = self._within(relaxed, float("inf"))
        if optimum is None:
            return
        self._bound = optimum
        better = self._descend(relaxed)
        if optimum >= found.cost - EPSILON and (better.order, better.key) == (
            found.order,
            found.key,
        ):
            return
        self.outcome.closure_complete = False
        self.outcome.gaps = self._gaps(better)

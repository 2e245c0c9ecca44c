"""LATEST as a sequence of SAT questions: each package, in the decision order of
docs/advise.md, gets the newest release with which a valid stack still exists.

A CDCL solver (CaDiCaL) answers "is there a valid stack with these releases fixed and
this package among these versions?", learning from every conflict over the whole
encoding, which is what deep backtracking (boto3 against an old urllib3) needs. The
first model already picks the newest release of most packages (the encoding asks it to
try them first), so a package costs a question only when a newer release than the
model's might still fit: then one question asks whether its newest candidate fits, and
if not a binary search over the candidates before the model's finds the newest that
does. The releases fixed so far are assumptions, so every answer is proven: a package
keeps an older release only when the solver refuted each newer one.

Honesty: a dependency on a package the graph does not know rules its release out. When
that happens anywhere in the closure, one more descent, where unknown packages are
assumed to fit, tells whether knowing them could change the answer: if it finds the same
stack (or also none), the answer is final; if not, the packages that descent needed are
the gaps to fill, and the answer is provisional.

The rules that depend on the whole stack (a pre-release only when no final release fits,
a yanked release only when pinned) are checked on the stack found; a violation adds a
clause for this request and the descent starts again, keeping the decisions before the
violation that still fit (they are still the newest that fit: learning only removes
stacks). A pre-release has its rule learned as soon as the descent meets it, with the
requirements known then, so that most violations stop a descent where they happen. A
model may satisfy a rule with releases or extras that nothing in the stack requires
(bystanders): when the final check finds the rule broken again, their support is learned
("a release needs an active dependency on it"), and a loop formula for bystanders that
support each other.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field

from thoth_graphql.scorer.bitset import members, newest
from thoth_graphql.scorer.budget import Budget, OutOfTime
from thoth_graphql.scorer.decisions import Constraint, Decisions, Solution
from thoth_graphql.scorer.encoding import Encoding
from thoth_graphql.scorer.objectives import Objective
from thoth_graphql.scorer.requirements import Demands, RootDemand
from thoth_graphql.scorer.snapshot import Edge, EnvironmentView
from thoth_graphql.scorer.types import GapReason, KnowledgeGap

RESTARTS = 64
"""Descents restarted for whole-stack rules before the search gives up unproven."""


class Broken(Exception):
    """A descent stopped at a pre-release that the rule just learned rules out."""

    def __init__(self, decided: list[tuple[int, int]]) -> None:
        super().__init__("a pre-release no longer fits")
        self.decided = decided
        """The decisions made before it, in decision order."""


def decisions(solution: Solution, end: int) -> list[tuple[int, int]]:
    """The first `end` decisions of a stack, in decision order."""
    return [(p, solution.chosen[p]) for p in solution.order[:end]]


@dataclass(slots=True)
class LexicographicOutcome:
    """A proven LATEST stack, or the minimal roots that have none, or neither in time."""

    solution: Solution | None = None
    complete: bool = False
    conflicting_roots: list[RootDemand] | None = None
    """When no stack exists: a minimal subset of the roots that already has none."""
    closure_complete: bool = True
    """Whether nothing unknown could change the answer (checked by a relaxed descent)."""
    gaps: list[KnowledgeGap] = field(default_factory=list)
    questions: int = 0
    """SAT calls made (for benches and tests)."""


@dataclass(frozen=True, slots=True)
class Question:
    """A request as posed to the solver: its selectors and the assumptions to solve under."""

    common: int
    """Switches on the request's constraints and exclusions."""
    roots: dict[int, RootDemand]
    """selector -> the root requirement it switches on."""
    base: list[int]
    """Everything on, unknown packages ruled out: what the answer is computed under."""
    relaxed: list[int]
    """The same with unknown packages free to fit: the honesty check."""


@dataclass(frozen=True, slots=True)
class Reason:
    """A dependency that satisfies a learned rule when its literal is true."""

    package: int
    version: int
    """-1: the literal is the package's 'older' variable."""
    extra: str
    literal: int


@dataclass(frozen=True, slots=True)
class Learned:
    """The reasons of a clause learned for a whole-stack rule."""

    reasons: list[Reason]
    older: frozenset[int]
    """The packages whose 'older' variable is among them (`Lexicographic._relearn`)."""

    @classmethod
    def of(cls, reasons: list[Reason]) -> Learned:
        return cls(reasons, frozenset(r.package for r in reasons if r.version < 0))


RuleKey = tuple[str, int, int | str, int]
"""("pre", package, final, selector), ("support", package, extra or "", selector) or
("loop", its number in `_loops`, "", selector)."""


class Lexicographic:
    """One LATEST question over an encoding, holding the encoding's lock while it runs."""

    def __init__(
        self, encoding: Encoding, demands: Demands, objective: Objective, budget: Budget
    ) -> None:
        self.encoding = encoding
        self.view: EnvironmentView = encoding.view
        self.packages = self.view.snapshot.by_id
        self.demands = demands
        self.objective = objective
        self.budget = budget
        self.outcome = LexicographicOutcome()
        self._model: list[int] = []
        self._selectors: list[int] = []
        self._rules: dict[RuleKey, Learned] = {}
        """The clauses learned for the whole-stack rules, and their reasons: a pre-release
        rule (`_learn_final_instead`) or the support of a package or an extra
        (`_learn_support`)."""
        self._loops: list[tuple[RuleKey, ...]] = []
        """The supports each loop formula learned is over (`_learn_unfounded`)."""
        self._implied: dict[tuple[int, int, int], int] = {}
        """(package, releases, selector) -> the literal they imply (`_any_of`)."""

    def run(self) -> LexicographicOutcome:
        with self.encoding.lock:
            try:
                self._run(self._pose())
            except OutOfTime:
                self.outcome.complete = False
                if self.encoding.missing and self.outcome.closure_complete:
                    # Not checked in time: every unknown package could matter.
                    self.outcome.closure_complete = False
                    self.outcome.gaps = self._gaps(None)
            finally:
                self._withdraw()
        return self.outcome

    @contextmanager
    def posed(self) -> Iterator[Callable[[dict[int, int]], bool]]:
        """The request posed to the solver, for another engine to ask, while it runs,
        whether chosen releases can still be part of a valid stack (False is a proof that
        they cannot; out of time answers True)."""
        with self.encoding.lock:
            try:
                try:
                    question = self._pose()
                except OutOfTime:
                    # The encoding is not built yet (it goes on next time): no oracle, and
                    # the caller's search meets the same spent budget at once.
                    yield lambda chosen: True
                    return

                def feasible(chosen: dict[int, int]) -> bool:
                    release = self.encoding.release
                    picks = [release(p, v) for p, v in chosen.items()]
                    answer = self.encoding.solve([*question.base, *picks], self.budget)
                    return answer is not False

                yield feasible
            finally:
                self._withdraw()

    # -- the question ---------------------------------------------------------------------

    def _pose(self) -> Question:
        """Add the request's clauses under fresh selectors: its roots, its constraints and
        its exclusions; the assumptions that switch them on."""
        encoding = self.encoding
        encoding.on_expand.append(self._relearn)
        common = self._selector()
        roots = {self._selector(): root for root in self.demands.roots}
        for selector, root in roots.items():
            self._require_root(selector, root)
        for limit in self.demands.limits:
            p = limit.package.id
            for v in members(self.view.usable(limit.package) & ~limit.bits):
                encoding.add([-common, -encoding.release(p, v)])
        for p, mask in self.objective.excluded.items():
            for v in members(mask):
                encoding.add([-common, -encoding.release(p, v)])
        if not encoding.flush(self.budget):
            raise OutOfTime  # the encoding goes on with the next request
        encoding.apply_phases()
        pinned = {r.package.id for r in self.demands.roots if r.pinned}
        relaxed = [common, *roots]
        relaxed += [-tail for (p, _), tail in encoding.yank_tails().items() if p not in pinned]
        base = relaxed + [-unknown for unknown in encoding.unknown.values()]
        return Question(common, roots, base, relaxed)

    def _withdraw(self) -> None:
        if self._relearn in self.encoding.on_expand:
            self.encoding.on_expand.remove(self._relearn)
        for selector in self._selectors:
            self.encoding.add([-selector])  # this request's clauses are gone
        self._selectors.clear()

    def _run(self, question: Question) -> None:
        base, relaxed, roots = question.base, question.relaxed, question.roots
        if not self._solve(base):
            self._no_stack(base, relaxed, roots)
            return
        kept: list[tuple[int, int]] | None = []
        for _ in range(RESTARTS):
            try:
                solution = self._descend(base, kept or (), question.common)
            except Broken as broken:
                kept = self._still_fitting(base, broken.decided)
            else:
                violated = self._whole_stack_rules_violated(solution, question.common)
                if violated is None:
                    self.outcome.solution = solution
                    self._check_gaps(relaxed, solution)
                    self.outcome.complete = True
                    return
                kept = self._still_fitting(base, decisions(solution, violated))
            if kept is None:
                self._no_stack(base, relaxed, roots)
                return
        raise OutOfTime

    def _no_stack(self, base: list[int], relaxed: list[int], roots: dict[int, RootDemand]) -> None:
        """No stack over what the graph knows: whether unknown packages could change
        that, and the minimal roots that clash under the same assumption, so that the
        explanation shows the gap, or the clash that remains whatever fills it."""
        self._check_gaps(relaxed, None)
        clashing = base if self.outcome.gaps else relaxed
        self._solve(clashing)  # no stack again: its core seeds the shrinking
        self.outcome.conflicting_roots = self._minimal_roots(clashing, roots)
        self.outcome.complete = True

    def _check_gaps(self, relaxed: list[int], found: Solution | None) -> None:
        """Whether knowing the unknown packages could change the answer, and which."""
        if not self.encoding.unknown:
            return  # nothing unknown
        if found is not None and not self._better_exists(relaxed, found):
            return  # the relaxed descent would find the same stack
        if not self._solve(relaxed):
            return  # no stack even if every unknown package fitted
        better = self._descend(relaxed)
        if found is not None and (better.order, better.key) == (found.order, found.key):
            return
        self.outcome.closure_complete = False
        self.outcome.gaps = self._gaps(better)

    def _better_exists(self, relaxed: list[int], found: Solution) -> bool:
        """Whether the descent under `relaxed` would leave `found`, in one SAT question
        instead of a whole descent (which cost half a second at 100x).

        That descent decides `found`'s packages in the same order as long as it takes the
        same releases, and at each it takes the first candidate that fits with the
        releases before it; so it finds `found` exactly when no stack under `relaxed`
        holds, for some i, `found`'s first i decisions and a candidate of the next package
        that comes before `found`'s. False is a proof of that (the solver expands what it
        needs); True means the descent must run."""
        encoding = self.encoding
        release = encoding.release
        state = Decisions(self.view, self.objective.excluded)
        state.start(self.demands)
        options: list[int] = []
        made: list[int] = []
        before = 0
        """A literal that implies every decision so far (0: none yet)."""
        for p in found.order:
            v = found.chosen[p]
            candidates = state.candidates(p)
            if v not in candidates:
                return True  # not a stack this descent takes: let it run
            newer = candidates[: candidates.index(v)]
            if newer:
                option = encoding.new_var()
                encoding.add([-option, *(release(p, c) for c in newer)])
                if before:
                    encoding.add([-option, before])
                options.append(option)
            prefix = encoding.new_var()
            made.append(prefix)
            encoding.add([-prefix, release(p, v)])
            if before:
                encoding.add([-prefix, before])
            before = prefix
            state.decide(p, v)
        try:
            if not options:
                return False
            selector = self._selector()
            encoding.add([-selector, *options])
            return self._solve([*relaxed, selector])
        finally:
            for var in (*options, *made):
                encoding.add([-var])  # gone, not left free to steer later models

    def _gaps(self, stack: Solution | None) -> list[KnowledgeGap]:
        """The unknown packages the releases of `stack` name (every one when None)."""
        gaps: dict[str, KnowledgeGap] = {}
        for name in sorted(self.encoding.missing):
            for p, v, text in sorted(self.encoding.missing[name]):
                if stack is not None and stack.chosen.get(p) != v:
                    continue
                package = self.packages[p]
                gaps[name] = KnowledgeGap(
                    name, GapReason.UNKNOWN_PACKAGE, text, f"{package.name}=={package.versions[v]}"
                )
                break
        return list(gaps.values())

    def _selector(self) -> int:
        selector = self.encoding.new_var()
        self._selectors.append(selector)
        return selector

    def _require_root(self, selector: int, root: RootDemand) -> None:
        encoding = self.encoding
        p = root.package.id
        admitted = root.bits & self.view.usable(root.package)
        encoding.add([-selector, *(encoding.release(p, v) for v in members(admitted))])
        for extra in root.extras:
            encoding.add([-selector, encoding.extra_var(p, extra)])

    def _solve(self, assumptions: list[int]) -> bool:
        self.outcome.questions += 1
        answer = self.encoding.solve(assumptions, self.budget)
        if answer is None:
            raise OutOfTime
        if answer:
            self._model = self.encoding.solver.get_model() or []
        return answer

    def _chosen(self, p: int) -> int:
        first = self.encoding.release(p, 0)
        model = self._model
        for v in range(len(self.packages[p].versions)):
            if model[first + v - 1] > 0:
                return v
        raise AssertionError(f"{self.packages[p].name} is required but the model has none")

    # -- the descent ----------------------------------------------------------------------

    def _descend(
        self, base: list[int], kept: Sequence[tuple[int, int]] = (), common: int | None = None
    ) -> Solution:
        """Fix packages in decision order, each at the newest release that still fits;
        the first `kept` decisions are taken as they are (`_still_fitting` proved them
        the newest that fit, and the solver's model holds them).

        With the request's `common` selector, a pre-release that the requirements known
        so far would not allow has its rule learned at once (`_learn_pre_release`), and
        the descent stops (`Broken`) if it no longer fits, rather than finishing a stack
        the final check would reject."""
        state = Decisions(self.view, self.objective.excluded)
        state.start(self.demands)
        assumptions = list(base)
        release = self.encoding.release
        while (p := state.next()) != -1:
            i = len(state.order)
            if i < len(kept) and kept[i][0] == p:
                v = kept[i][1]
            else:
                kept = ()
                v = self._newest_that_fits(p, state.candidates(p), assumptions)
                if (
                    common is not None
                    and self._learn_pre_release(p, v, state.constraints.get(p, []), common)
                    and not self._solve([*assumptions, release(p, v)])
                ):
                    raise Broken([(q, state.chosen[q]) for q in state.order])
            assumptions.append(release(p, v))
            state.decide(p, v)
        return state.solution()

    def _still_fitting(
        self, base: list[int], decided: list[tuple[int, int]]
    ) -> list[tuple[int, int]] | None:
        """After a descent broke a whole-stack rule (and the rule was learned), given its
        decisions before the break: the longest prefix of them with which a valid stack
        still exists, and the solver's model holding it; None when no stack exists any
        more.

        Learning only removes stacks, so each decision of that prefix is still the newest
        that fits: nothing newer fitted before, and one that fits now is still there. The
        next descent keeps them and asks only about the packages after them, instead of
        starting again from the roots."""
        release = self.encoding.release
        picks = [release(p, v) for p, v in decided]
        if decided and self._solve([*base, *picks]):
            return decided
        if not self._solve(base):
            return None
        lo, hi = 0, len(decided)  # decided[:lo] fits (the model holds it), [:hi] does not
        while hi - lo > 1:
            mid = (lo + hi) // 2
            if self._solve([*base, *picks[:mid]]):
                lo = mid
            else:
                hi = mid
        return decided[:lo]

    def _newest_that_fits(self, p: int, order: list[int], assumptions: list[int]) -> int:
        """The first of p's candidates, newest first, that fits: the model's choice unless
        the solver finds a newer one.

        First: does the newest candidate fit? Often it does, and the model had left it
        for no reason of its own; a binary search over the candidates before the model's
        choice, led by each model, took up to five satisfiable questions to get there.
        Otherwise the binary search runs over the rest. A satisfiable question assigns
        every variable (8-12 ms at 100x), a refutation often stops early (1-4 ms): on
        bench.scale's 100x request #5, 121 satisfiable questions became 66 and the first
        LATEST search took 2.3 s instead of 3.3 s.

        (Tried and not kept: asking next whether anything between the newest and the
        model's choice fits, which settles the packages where the model's choice is the
        answer in one refutation: more satisfiable questions overall, #5 97 against 66.
        Before: asking first whether anything newer than the model's choice fits took
        fewer questions but more satisfiable ones, and their models moved later packages
        off their newest releases: cold searches 10-50% longer.)"""
        chosen = self._chosen(p)
        hi = order.index(chosen) if chosen in order else len(order)
        if hi == 0:
            return chosen
        if self._fits(p, order[:1], assumptions):
            return order[0]
        lo = 1  # order[:lo] is refuted; order[hi] (or the model's choice) fits
        while lo < hi:
            mid = (lo + hi) // 2
            if self._fits(p, order[lo : mid + 1], assumptions):
                hi = order.index(self._chosen(p))
            else:
                lo = mid + 1
        return order[hi] if hi < len(order) else chosen

    def _fits(self, p: int, versions: list[int], assumptions: list[int]) -> bool:
        """Whether a valid stack holds `assumptions` and one of these releases of p (its
        model then holds one of them)."""
        encoding = self.encoding
        if len(versions) == 1:
            return self._solve([*assumptions, encoding.release(p, versions[0])])
        probe = self._selector()
        encoding.add([-probe, *(encoding.release(p, v) for v in versions)])
        try:
            return self._solve([*assumptions, probe])
        finally:
            encoding.add([-probe])

    # -- whole-stack rules ----------------------------------------------------------------

    def _whole_stack_rules_hold(self, solution: Solution, common: int, learn: bool = True) -> bool:
        """Pre-releases and yanked releases, checked on the stack; a violation is learned
        as a clause of this request (unless `learn` is False)."""
        return self._whole_stack_rules_violated(solution, common, learn) is None

    def _whole_stack_rules_violated(
        self, solution: Solution, common: int, learn: bool = True
    ) -> int | None:
        """`_whole_stack_rules_hold`, answering the first position in the stack's decision
        order that breaks a rule (None when none does)."""
        encoding = self.encoding
        position = {p: i for i, p in enumerate(solution.order)}
        first: int | None = None
        for p, v in solution.chosen.items():
            package = self.packages[p]
            constraints = solution.constraints[p]
            bit = 1 << v
            if package.yanked_mask & bit and not any(c.pinned for c in constraints):
                if not learn:
                    return position[p]
                encoding.add([-common, -encoding.release(p, v)])
                first = min(position[p], first if first is not None else position[p])
                continue
            final = self._final_instead(p, v, constraints)
            if final is not None:
                if not learn:
                    return position[p]
                self._support_bystanders(solution, p, common)
                self._learn_final_instead(p, final, common)
                first = min(position[p], first if first is not None else position[p])
        return first

    def _final_instead(self, p: int, v: int, constraints: Sequence[Constraint]) -> int | None:
        """When release v of p is a pre-release that these requirements on p do not allow
        (none names a pre-release, and they admit a final release): the newest final
        release they admit."""
        package = self.packages[p]
        if (package.final_mask >> v) & 1 or any(c.names_pre for c in constraints):
            return None
        allowed = self.view.usable(package) & ~self.objective.excluded.get(p, 0)
        for c in constraints:
            allowed &= c.bits
        finals = allowed & package.final_mask & ~package.yanked_mask
        return newest(finals) if finals else None

    def _learn_final_instead(self, p: int, final: int, common: int) -> None:
        """The pre-release rule for p's pre-releases, as clauses of this request: each
        needs an active dependency on p that names a pre-release or leaves out `final`
        (which the roots admit). It holds for every valid stack, whatever requirements
        led to `final`, so it may be learned as soon as the descent meets a pre-release.

        The reasons are the same for every pre-release of p, so all of them get the rule
        at once (through one literal that each implies): learned for the newest one only,
        the next one was met, learned and broke the descent again."""
        package = self.packages[p]
        reasons = self._reasons(
            p, final, lambda edge: edge.names_pre or not (edge.bits >> final) & 1
        )
        subject = self._any_of(p, package.full_mask & ~package.final_mask, common)
        self.encoding.add([-common, -subject, *(r.literal for r in reasons)])
        self._rules[("pre", p, final, common)] = Learned.of(reasons)

    def _learn_support(self, q: int, extra: str, common: int) -> bool:
        """The support of package q (or of `extra` on it), as clauses of this request: a
        release of q (the extra) needs an active dependency on q (naming the extra).

        A stack decoded from a model holds only what its roots reach; the model may hold
        more, releases and extras that nothing requires. Such a bystander can satisfy a
        pre-release rule (`q 1.0 -> w -> p>=2.0rc1`: the model keeps w for nothing and p's
        pre-release with it, while the stack takes q 2.0); the final check then breaks the
        rule again and again. So when it does, the bystanders that satisfied the rule get
        their support (`_support_bystanders`), and so on up, as long as it happens.
        Whether it learned anything (a root needs no support)."""
        roots = self.demands.roots
        if any(r.package.id == q and (not extra or extra in r.extras) for r in roots):
            return False
        reasons = self._reasons(q, None, lambda edge: not extra or extra in edge.extras)
        self.encoding.add(
            [-common, -self._subject(q, extra, common), *(r.literal for r in reasons)]
        )
        self._rules[("support", q, extra, common)] = Learned.of(reasons)
        return True

    def _reasons(self, t: int, final: int | None, counts: Callable[[Edge], bool]) -> list[Reason]:
        """The dependencies on package t that count for a rule (`Dependents.get`)."""
        encoding = self.encoding
        return [
            Reason(q, w, extra, encoding.activation(q, w, extra))
            for q, w, extra, edge in encoding.into.get(t, (), final)
            if counts(edge)
        ]

    def _support_bystanders(self, solution: Solution, p: int, common: int) -> None:
        """Before p's pre-release rule is learned again (the final check found it broken):
        learn the support of each bystander of the model that satisfied one of p's rules,
        or one of the supports learned before (`_learn_support`). When every such
        bystander has its support already, they support each other for nothing: a cycle,
        which a loop formula rules out (`_learn_unfounded`)."""
        rules = [key for key in self._rules if key[0] == "pre" and key[1] == p and key[3] == common]
        seen = set(rules)
        met: list[RuleKey] = []
        """The supports of bystanders, learned before, that the model satisfies."""
        learned = False
        while rules:
            for reason in self._rules[rules.pop()].reasons:
                q, extra = reason.package, reason.extra
                if not self._holds(reason.literal):
                    continue
                if q in solution.chosen:
                    if not extra or extra in solution.extras.get(q, ()) or reason.version < 0:
                        continue  # the stack holds it
                else:
                    extra = ""
                key: RuleKey = ("support", q, extra, common)
                if key in seen:
                    continue
                seen.add(key)
                if key in self._rules:
                    met.append(key)
                    rules.append(key)
                else:
                    learned |= self._learn_support(q, extra, common)
        if met and not learned:
            self._loops.append(tuple(met))
            self._learn_unfounded(len(self._loops) - 1, common)

    def _learn_unfounded(self, loop: int, common: int) -> None:
        """A loop formula (as answer set solvers learn them): for a set of packages and
        extras, each needs a dependency on one of them from outside the set. Every valid
        stack holds it, as the first of them its roots reach is reached from outside."""
        members = {(key[1], str(key[2])) for key in self._loops[loop]}
        packages = {q for q, extra in members if not extra}
        outside: dict[int, Reason] = {}
        for key in self._loops[loop]:
            for reason in self._rules[key].reasons:
                extra = "" if reason.version < 0 else reason.extra
                if reason.package not in packages and (reason.package, extra) not in members:
                    outside[reason.literal] = reason
        for q, extra in members:
            self.encoding.add([-common, -self._subject(q, extra, common), *outside])
        self._rules[("loop", loop, "", common)] = Learned.of(list(outside.values()))

    def _subject(self, q: int, extra: str, common: int) -> int:
        """The literal a support or a loop formula is about: `extra` requested on q, or
        (without one) any release of q."""
        if extra:
            return self.encoding.extra_var(q, extra)
        return self._any_of(q, self.packages[q].full_mask, common)

    def _holds(self, literal: int) -> bool:
        """Whether the last model holds a literal."""
        model = self._model
        return abs(literal) <= len(model) and model[abs(literal) - 1] == literal

    def _any_of(self, p: int, versions: int, common: int) -> int:
        """A literal that each of these releases of p implies in this request (made once: a
        rule learned again reuses it)."""
        key = (p, versions, common)
        found = self._implied.get(key)
        if found is None:
            encoding = self.encoding
            releases = [encoding.release(p, v) for v in members(versions)]
            if len(releases) == 1:
                found = releases[0]
            else:
                found = encoding.new_var()
                for release in releases:
                    encoding.add([-common, -release, found])
            self._implied[key] = found
        return found

    def _relearn(self, expanded: list[int]) -> None:
        """Learn again the rules whose clause names the 'older' variable of a package just
        expanded: that variable no longer stands for releases not encoded yet (it is
        free), and the clause learned now names the releases themselves. The old clause
        stays, implied by the new one.

        Without it a stack kept a pre-release on the strength of an 'older' variable the
        solver set for nothing, the final check broke it, and the descent started again,
        seven times for one pre-release on bench.scale's 100x request #3."""
        for (kind, subject, detail, common), learned in list(self._rules.items()):
            if learned.older.isdisjoint(expanded):
                continue
            if kind == "pre":
                self._learn_final_instead(subject, int(detail), common)
            elif kind == "support":
                self._learn_support(subject, str(detail), common)
            else:
                self._learn_unfounded(subject, common)

    def _learn_pre_release(
        self, p: int, v: int, constraints: Sequence[Constraint], common: int
    ) -> bool:
        """Learn the pre-release rule for release v of p when the requirements on p known
        so far do not allow it; whether it did."""
        final = self._final_instead(p, v, constraints)
        if final is None:
            return False
        self._learn_final_instead(p, final, common)
        return True

    # -- unsatisfiable --------------------------------------------------------------------

    def _minimal_roots(self, base: list[int], roots: dict[int, RootDemand]) -> list[RootDemand]:
        """Shrink the roots of the unsat core: drop each whose absence keeps it unsat."""
        others = [a for a in base if a not in roots]
        core = set(self.encoding.solver.get_core() or roots)
        kept = [s for s in roots if s in core]
        for selector in list(kept):
            if len(kept) == 1 or self.budget.expired():
                break
            trial = [s for s in kept if s != selector]
            if not self._solve(others + trial):
                found = set(self.encoding.solver.get_core() or trial)
                kept = [s for s in trial if s in found]
        return [roots[s] for s in kept]

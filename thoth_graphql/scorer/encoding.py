"""The CNF encoding of a snapshot view: one boolean per release, built package by package.

A release variable is true when the release is in the stack. Each package has at most one
release; a chosen release implies, for each dependency that holds in the environment, one
of the releases it admits (and the extras it names); an extra variable says that an extra
is requested on a package, which adds the extra's dependencies to its chosen release.
Releases the environment cannot install (requires-python) are false. A dependency on a
package the graph does not know implies that package's 'unknown' variable: requests
assume it false (such a release cannot be chosen), and the honesty check leaves it free,
which asks what the answer could be once the package is known.

The encoding is built lazily: only packages some request reaches get variables, and they
stay for the requests after it, with what the SAT solver learned about them. What one
request adds (its roots, constraints, exclusions) is guarded by selector literals that it
assumes while it runs and switches off for good when it ends, so requests never see each
other's clauses. Yanked releases need a pin: each yanked release implies one of the
releases that pin it with `==`, or an open tail variable that a request assumes false
unless it pins the package itself.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable, Sequence

from pysat.card import CardEnc, EncType
from pysat.solvers import Solver

from thoth_graphql.scorer.bitset import members
from thoth_graphql.scorer.budget import Budget
from thoth_graphql.scorer.snapshot import Edge, EnvironmentView, PackageIndex
from thoth_graphql.scorer.types import Unsatisfiable

SOLVER = "cadical195"
"""CaDiCaL 1.9.5 through PySAT: incremental, with assumptions and unsat cores."""

_CONFLICTS_PER_SLICE = 500
"""Conflicts per SAT call between two looks at the budget (CaDiCaL holds the GIL while it
runs, so a slice is also how long the event loop may wait: a few milliseconds)."""
_EXPLANATIONS_KEPT = 64
_PACKAGES_PER_LOOK = 16
"""Packages encoded between two looks at the budget."""

Into = tuple[int, int, str, Edge]
"""A dependency on a package: (requiring package id, its version, extra or "", edge)."""


class Encoding:
    """One incremental SAT solver over one environment view; one request at a time."""

    def __init__(self, view: EnvironmentView) -> None:
        self.view = view
        self.solver = Solver(name=SOLVER)
        self.lock = threading.Lock()
        self.top = 0
        self.clauses = 0
        self._first: dict[int, int] = {}
        """package id -> the variable of its version 0 (version i is first + i)."""
        self._extras: dict[tuple[int, str], int] = {}
        self._activations: dict[tuple[int, int, str], int] = {}
        self._yank_tails: dict[tuple[int, int], int] = {}
        self._ranges: dict[tuple[int, int], int] = {}
        """(package id, admitted versions) -> a literal implying one of them."""
        self._pending: list[int] = []
        self._pending_extras: list[tuple[int, str]] = []
        self.into: dict[int, list[Into]] = {}
        """package id -> every encoded dependency on it (for the pre-release rule)."""
        self.missing: dict[str, set[tuple[int, int, str]]] = {}
        """unknown package name -> the releases (package, version, requirement) naming it."""
        self.unknown: dict[str, int] = {}
        """unknown package name -> its variable: 'assume it would fit'."""
        self.phases: list[int] = []
        self.explanations: OrderedDict[Hashable, Unsatisfiable] = OrderedDict()
        """Explanations of unsatisfiable requests over this view, most recent last."""

    # -- variables ------------------------------------------------------------------------

    def new_var(self) -> int:
        self.top += 1
        return self.top

    def add(self, clause: Sequence[int]) -> None:
        self.solver.add_clause(clause)
        self.clauses += 1

    def release(self, p: int, v: int) -> int:
        """The variable of version v of package p (the package is encoded on first use)."""
        first = self._first.get(p)
        if first is None:
            first = self._allocate(p)
        return first + v

    def extra_var(self, p: int, extra: str) -> int:
        """The variable 'extra is requested on package p' (its clauses on first use)."""
        key = (p, extra)
        var = self._extras.get(key)
        if var is None:
            var = self._extras[key] = self.new_var()
            self.release(p, 0)
            self._pending_extras.append(key)
        return var

    def activation(self, q: int, w: int, extra: str) -> int:
        """A literal true exactly when release (q, w) is chosen and `extra` is active."""
        if not extra:
            return self.release(q, w)
        key = (q, w, extra)
        var = self._activations.get(key)
        if var is None:
            var = self._activations[key] = self.new_var()
            chosen, active = self.release(q, w), self.extra_var(q, extra)
            self.add([-var, chosen])
            self.add([-var, active])
            self.add([var, -chosen, -active])
        return var

    def yank_tails(self) -> dict[tuple[int, int], int]:
        return self._yank_tails

    # -- building -----------------------------------------------------------------------

    def flush(self, budget: Budget) -> bool:
        """Write the clauses of every package and extra reached since the last flush;
        False when the budget ran out first. The rest stays queued for the next request,
        and nothing may be solved until a flush has finished: a package with variables but
        no clauses yet would be unconstrained."""
        while self._pending or self._pending_extras:
            if budget.expired():
                return False
            while self._pending:
                self._encode_package(self._pending.pop())
                if len(self._pending) % _PACKAGES_PER_LOOK == 0 and budget.expired():
                    return False
            while self._pending_extras:
                self._encode_extra(*self._pending_extras.pop())
        return True

    def _allocate(self, p: int) -> int:
        package = self.view.snapshot.by_id[p]
        first = self.top + 1
        self.top += len(package.versions)
        self._first[p] = first
        self._pending.append(p)
        return first

    def _encode_package(self, p: int) -> None:
        view = self.view
        package = view.snapshot.by_id[p]
        first = self._first[p]
        usable = view.usable(package)
        for v in range(len(package.versions)):
            if not (usable >> v) & 1:
                self.add([-(first + v)])
        candidates = [first + v for v in members(usable)]
        self._at_most_one(candidates)
        final = usable & package.final_mask & ~package.yanked_mask
        if final:
            # Ask the solver to try the newest final release first: for LATEST the first
            # model is then usually the answer already.
            self.phases.append(first + members(final)[0])
        for v in members(usable & package.yanked_mask):
            tail = self._yank_tails[(p, v)] = self.new_var()
            self.add([-(first + v), tail])
        for v in members(usable):
            for edge in view.edges(package, v):
                self._encode_edge(p, v, "", edge, [-(first + v)])

    def _encode_extra(self, p: int, extra: str) -> None:
        view = self.view
        package = view.snapshot.by_id[p]
        first = self._first[p]
        active = self._extras[(p, extra)]
        for v in members(view.usable(package)):
            for edge in view.extra_edges(package, v, extra):
                self._encode_edge(p, v, extra, edge, [-(first + v), -active])

    def _encode_edge(self, p: int, v: int, extra: str, edge: Edge, guard: list[int]) -> None:
        target = edge.target
        if target is None:
            name = edge.target_name
            self.missing.setdefault(name, set()).add((p, v, edge.text))
            unknown = self.unknown.get(name)
            if unknown is None:
                unknown = self.unknown[name] = self.new_var()
            self.add([*guard, unknown])
            return
        t = target.id
        admitted = edge.bits & self.view.usable(target)
        self.add([*guard, self._range(t, admitted)])
        for name in edge.extras:
            self.add([*guard, self.extra_var(t, name)])
        self.into.setdefault(t, []).append((p, v, extra, edge))
        if edge.pinned:
            for w in members(admitted & target.yanked_mask):
                self._pin_yanked(t, w, p, v, extra)

    def _range(self, t: int, admitted: int) -> int:
        """A literal that implies one of the releases `admitted` of package t: shared by
        every dependency that admits the same releases (closures repeat the same
        specifiers on the same packages massively), so each dependency costs one binary
        clause instead of one literal per release it admits."""
        key = (t, admitted)
        var = self._ranges.get(key)
        if var is None:
            first = self.release(t, 0)
            var = self._ranges[key] = self.new_var()
            self.add([-var, *(first + w for w in members(admitted))])
        return var

    def _pin_yanked(self, t: int, w: int, p: int, v: int, extra: str) -> None:
        # The chain 'tail -> this pin or a new tail' lets later pins extend it.
        tail = self._yank_tails.get((t, w))
        if tail is None:
            return
        new_tail = self._yank_tails[(t, w)] = self.new_var()
        self.add([-tail, self.activation(p, v, extra), new_tail])

    def _at_most_one(self, literals: list[int]) -> None:
        if len(literals) < 2:
            return
        encoding = EncType.pairwise if len(literals) <= 6 else EncType.seqcounter
        cnf = CardEnc.atmost(lits=literals, bound=1, top_id=self.top, encoding=encoding)
        self.top = max(self.top, cnf.nv)
        for clause in cnf.clauses:
            self.add(clause)

    def apply_phases(self) -> None:
        """Hand the preferred phases collected while encoding to the solver."""
        if self.phases:
            self.solver.set_phases(self.phases)
            self.phases = []

    def solve(self, assumptions: list[int], budget: Budget) -> bool | None:
        """Whether the clauses hold with these assumptions; None when the budget ran out.

        CaDiCaL cannot be interrupted from another thread, so it runs in slices of a few
        thousand conflicts (milliseconds each), and the budget is checked between them; what
        it learned in one slice stays for the next. The caller holds the lock."""
        while not budget.expired():
            self.solver.conf_budget(_CONFLICTS_PER_SLICE)
            answer = self.solver.solve_limited(assumptions=assumptions)
            if answer is not None:
                return bool(answer)
        return None

    def admits(
        self,
        package: PackageIndex,
        bits: int,
        extras: tuple[str, ...],
        budget: Budget,
        unknown_fits: bool = False,
    ) -> bool:
        """Whether some valid stack has a release of `package` in `bits` with `extras`:
        False is a proof that none has; running out of time answers True. With
        `unknown_fits`, packages the graph does not know are assumed to fit."""
        with self.lock:
            selector = self.new_var()
            try:
                admitted = bits & self.view.usable(package)
                self.add([-selector, *(self.release(package.id, v) for v in members(admitted))])
                for extra in extras:
                    self.add([-selector, self.extra_var(package.id, extra)])
                if not self.flush(budget):
                    return True  # not encoded in time: nothing proven
                assumptions = [selector, *(-tail for tail in self._yank_tails.values())]
                if not unknown_fits:
                    assumptions += [-unknown for unknown in self.unknown.values()]
                return self.solve(assumptions, budget) is not False
            finally:
                self.add([-selector])

    def remember_explanation(self, key: Hashable, unsatisfiable: Unsatisfiable) -> None:
        with self.lock:
            self.explanations[key] = unsatisfiable
            self.explanations.move_to_end(key)
            while len(self.explanations) > _EXPLANATIONS_KEPT:
                self.explanations.popitem(last=False)

    def close(self) -> None:
        self.solver.delete()

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

import re
import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from typing import cast

from pysat.card import CardEnc, EncType
from pysat.solvers import Solver

from thoth_graphql.domain import Dependency, canonical_name
from thoth_graphql.scorer.bitset import members
from thoth_graphql.scorer.budget import Budget
from thoth_graphql.scorer.snapshot import Edge, EnvironmentView, Match, PackageIndex
from thoth_graphql.scorer.types import Unsatisfiable

SOLVER = "cadical195"
"""CaDiCaL 1.9.5 through PySAT: incremental, with assumptions and unsat cores."""

SOLVER_OPTIONS = {"elim": 0}
"""No bounded variable elimination. An encoding answers request after request, and after
enough conflicts CaDiCaL ran an elimination round inside one of their calls: 1.8 s for
one question of a warm STABLE search at 100x (request #5, otherwise 1.2 s in all). Off,
bench.scale's warm p95 at 100x went 1.55 -> 0.99 s (LATEST) and 2.1-2.6 -> 1.2-1.4 s
(STABLE), cold the same (decision 0014, fifth pass)."""

_CONFLICTS_PER_SLICE = 500
"""Conflicts per SAT call between two looks at the budget (CaDiCaL holds the GIL while it
runs, so a slice is also how long the event loop may wait: a few milliseconds)."""
_EXPLANATIONS_KEPT = 64
_PACKAGES_PER_LOOK = 16
"""Packages encoded between two looks at the budget."""

WINDOW = 24
"""Usable releases per package whose dependencies are encoded at once, newest first; the
older ones wait behind the package's 'older' variable (module docstring)."""

Into = tuple[int, int, str, Edge]
"""A dependency on a package: (requiring package id, its version, extra or "", edge)."""

_OLDER = "\0older"
"""The pseudo-extra of an `Into` entry whose activation is a package's 'older' variable."""
_ANY_PRE = Edge(Dependency("\0older", "", ()), None, Match(0, True, False))
"""The edge of such an entry: it counts as naming a pre-release."""
_EXTRA_IN_MARKER = re.compile(r"""\bextra\s*==\s*["']([^"']+)["']""")


class Dependents:
    """`encoding.into`: for a package, every dependency on it that a chosen release may
    activate, for the pre-release rule's reasons (and the support of a package or extra
    that a model holds for nothing, `Lexicographic._learn_support`).

    It reads every release of every package with variables, encoded or not, through every
    extra its markers name, so the reasons are complete whatever gets expanded later; and
    one entry per package with older releases not expanded yet, whose activation is its
    'older' variable: a stack that reaches the package through one of them (a package
    without variables yet can only be reached so) also satisfies the reasons."""

    def __init__(self, encoding: Encoding) -> None:
        self._encoding = cast(Encoding, weakref.proxy(encoding))
        self._by_target: dict[str, list[tuple[int, list[int], Dependency]]] = {}
        self._indexed: set[str] = set()
        """The names whose dependents `_by_target` lists."""

    def get(self, t: int, default: Sequence[Into] = (), final: int | None = None) -> Sequence[Into]:
        """The dependencies on package t, and the 'older' entries only when a package
        without variables has one (with `final`, for a rule that only dependencies naming
        a pre-release or leaving out release `final` of t satisfy: one such): a stack can
        only reach such a package through an older release not expanded yet, and the
        dependencies of packages with variables are all listed, expanded or not (the
        'older' entries of a hub's pre-release otherwise put every 'older' assumption in
        the refutation, and every package was expanded: 83 of request #6 at 100x)."""
        encoding = self._encoding
        view = encoding.view
        packages = view.snapshot.by_id
        target = packages[t]
        if target.name not in self._indexed:
            # The packages with pre-releases at once (the rule asks about no other), any
            # other one when it is first asked about.
            wanted = {target.name}
            if not self._indexed:
                wanted |= {p.name for p in packages if p.final_mask != p.full_mask}
            self._by_target.update(self._index(packages, wanted))
            self._indexed |= wanted
        found: list[Into] = []
        unreached = False
        """Whether a package without variables may activate a dependency that counts."""
        for q, versions, dependency in self._by_target.get(target.name, ()):
            if q not in encoding._first:
                if final is None:
                    unreached = True
                elif not unreached:
                    edge = view.edge(dependency)
                    unreached = edge.names_pre or not (edge.bits >> final) & 1
                continue
            usable = view.usable(packages[q])
            edge = view.edge(dependency)
            marker = dependency.marker
            if marker is None or view.markers.holds(marker):
                extras = [""]
            elif "extra" in marker:
                names = dict.fromkeys(map(canonical_name, _EXTRA_IN_MARKER.findall(marker)))
                extras = [e for e in names if view.markers.holds(marker, e)]
            else:
                continue
            for w in versions:
                if (usable >> w) & 1:
                    found.extend((q, w, extra, edge) for extra in extras)
        if unreached:
            for q in encoding._older:
                found.append((q, -1, _OLDER, _ANY_PRE))
        return found or default

    @staticmethod
    def _index(
        packages: Sequence[PackageIndex], names: set[str]
    ) -> dict[str, list[tuple[int, list[int], Dependency]]]:
        """Dependency name -> (package, its releases declaring it, the dependency), for
        these names only, each list of dependencies that releases share read once."""
        index: dict[str, list[tuple[int, list[int], Dependency]]] = {}
        for package in packages:
            shared: dict[int, list[int]] = {}
            for v, release in enumerate(package.releases):
                dependencies = release.dependencies
                versions = shared.get(id(dependencies))
                if versions is None:
                    versions = shared[id(dependencies)] = []
                    for dependency in dependencies:
                        if dependency.name in names:
                            index.setdefault(dependency.name, []).append(
                                (package.id, versions, dependency)
                            )
                versions.append(v)
        return index


class Encoding:
    """One incremental SAT solver over one environment view; one request at a time."""

    def __init__(self, view: EnvironmentView) -> None:
        self.view = cast(EnvironmentView, weakref.proxy(view))
        """Weak: the view holds its encoding (see `EnvironmentView.snapshot`)."""
        self.solver = Solver(name=SOLVER)
        self.solver.configure(SOLVER_OPTIONS)
        self.lock = threading.Lock()
        self.top = 0
        self.clauses = 0
        self._first: dict[int, int] = {}
        """package id -> the variable of its version 0 (version i is first + i)."""
        self._extras: dict[tuple[int, str], int] = {}
        self._activations: dict[tuple[int, int, str], int] = {}
        self._yank_tails: dict[tuple[int, int], int] = {}
        """(package, yanked version) -> the open end of its chain of pins."""
        self._yank_heads: dict[tuple[int, int], int] = {}
        """(package, yanked version) -> the start of that chain, which the release implies."""
        self._ranges: dict[tuple[int, int], int] = {}
        """(package id, admitted versions) -> a literal implying one of them."""
        self._literals: dict[int, tuple[list[int], list[Edge]]] = {}
        """id of an edge tuple of the view -> what it implies (`_encode_edges`)."""
        self._pending: list[int] = []
        self._pending_extras: list[tuple[int, str]] = []
        self.into = Dependents(self)
        """package id -> every dependency on it (for the pre-release rule)."""
        self._older: dict[int, tuple[int, list[int]]] = {}
        """package id -> its 'older' variable and the usable releases not expanded yet."""
        self._older_var: dict[int, int] = {}
        """package id -> its 'older' variable, kept after the package is expanded."""
        self._extras_encoded: set[tuple[int, str]] = set()
        self._retired_tails: dict[int, tuple[int, int]] = {}
        """A yank tail replaced by a longer chain -> its (package, version)."""
        self.missing: dict[str, set[tuple[int, int, str]]] = {}
        """unknown package name -> the releases (package, version, requirement) naming it."""
        self.unknown: dict[str, int] = {}
        """unknown package name -> its variable: 'assume it would fit'."""
        self.on_expand: list[Callable[[list[int]], None]] = []
        """What the request running now does when packages are expanded (before the
        solver is asked again): its pre-release rules name them differently then."""
        self.phases: list[int] = []
        self.explanations: OrderedDict[Hashable, Unsatisfiable] = OrderedDict()
        """Explanations of unsatisfiable requests over this view, most recent last."""
        # Every yanked release's chain starts now, so the tails a request assumes false
        # are all there when it poses its question, whatever gets encoded while it runs.
        for package in view.snapshot.by_id:
            for v in members(package.yanked_mask):
                self._yank_head(package.id, v)

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

    def encoded(self, p: int) -> bool:
        """Whether package p has variables (some request reached it)."""
        return p in self._first

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
        """A literal true exactly when release (q, w) is chosen and `extra` is active (for
        Dependents' pseudo-extra: the package's 'older' variable)."""
        if extra == _OLDER:
            return self._older_var[q]
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
        final = usable & package.final_mask & ~package.yanked_mask
        if final:
            # Ask the solver to try the newest final release first: for LATEST the first
            # model is then usually the answer already.
            self.phases.append(first + members(final)[0])
        for v in members(usable & package.yanked_mask):
            tail = self._yank_head(p, v)
            self.add([-(first + v), tail])
        now: list[int] = []
        later: list[int] = []
        for v in members(usable):
            if len(now) < WINDOW or self._pins_yanked(package, v):
                now.append(v)
            else:
                later.append(v)
        if later:
            # At most one of the window and 'older'; among the older releases (each
            # implies 'older'), at most one once they are expanded: the counter over
            # hundreds of releases waits until a proof needs them.
            older = self._older_var[p] = self.new_var()
            self._older[p] = (older, later)
            for v in later:
                self.add([-(first + v), older])
            self._at_most_one([*(first + v for v in now), older])
        else:
            self._at_most_one([first + v for v in now])
        for v in now:
            self._encode_edges(p, v, "", view.edges(package, v), -(first + v))

    def _pins_yanked(self, package: PackageIndex, v: int) -> bool:
        """Whether a release may pin a yanked release (which needs every pin encoded: a
        yanked release is refuted by the pins encoded so far, with no 'older' variable
        in the proof), read from the specifiers, to be safe."""
        packages = self.view.snapshot.packages
        for dependency in package.releases[v].dependencies:
            if "==" in dependency.specifier:
                target = packages.get(dependency.name)
                if target is not None and target.yanked_mask:
                    return True
        return False

    def older_packages(self) -> set[int]:
        """The packages whose older releases are not encoded yet."""
        return set(self._older)

    def expand(self, p: int) -> None:
        """Encode the older releases of package p: what a proof that needed them asks."""
        _, later = self._older.pop(p)
        view = self.view
        package = view.snapshot.by_id[p]
        first = self._first[p]
        self._at_most_one([first + v for v in later])
        for v in later:
            self._encode_edges(p, v, "", view.edges(package, v), -(first + v))
        for q, extra in sorted(self._extras_encoded):
            if q == p:
                active = self._extras[(p, extra)]
                for v in later:
                    edges = view.extra_edges(package, v, extra)
                    self._encode_edges(p, v, extra, edges, -(first + v), -active)

    def _encode_extra(self, p: int, extra: str) -> None:
        view = self.view
        package = view.snapshot.by_id[p]
        first = self._first[p]
        active = self._extras[(p, extra)]
        self._extras_encoded.add((p, extra))
        later = set(self._older[p][1]) if p in self._older else set()
        for v in members(view.usable(package)):
            if v in later:
                continue  # encoded with the package's older releases
            edges = view.extra_edges(package, v, extra)
            self._encode_edges(p, v, extra, edges, -(first + v), -active)

    def _encode_edges(
        self, p: int, v: int, extra: str, edges: tuple[Edge, ...], *guard: int
    ) -> None:
        """The clauses of a release's dependencies: `guard` (the release, and the extra
        when they come with one) implies each dependency's literal.

        Releases share their edge tuples (`EnvironmentView.edges`), so what a tuple
        implies is worked out once per tuple: the literals of its dependencies on known
        packages (distinct ones), and apart the edges that need the release itself (on
        unknown packages, and pins of yanked releases, which start a chain per pin)."""
        found = self._literals.get(id(edges))
        if found is None:
            literals: dict[int, None] = {}
            special: list[Edge] = []
            usable = self.view.usable
            for edge in edges:
                target = edge.target
                if target is None:
                    special.append(edge)
                    continue
                admitted = edge.bits & usable(target)
                if edge.pinned and admitted & target.yanked_mask:
                    special.append(edge)
                    continue
                literals[self._range(target.id, admitted)] = None
                for name in edge.extras:
                    literals[self.extra_var(target.id, name)] = None
            found = self._literals[id(edges)] = (list(literals), special)
        add = self.add
        for literal in found[0]:
            add([*guard, literal])
        for edge in found[1]:
            self._encode_edge(p, v, extra, edge, list(guard))

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

    def _yank_head(self, t: int, w: int) -> int:
        """The start of the pin chain of yanked release (t, w), made on first use: by the
        release's package or by a pin encoded before it (pins are never lost)."""
        head = self._yank_heads.get((t, w))
        if head is None:
            head = self._yank_heads[(t, w)] = self._yank_tails[(t, w)] = self.new_var()
        return head

    def _pin_yanked(self, t: int, w: int, p: int, v: int, extra: str) -> None:
        # The chain 'tail -> this pin or a new tail' lets later pins extend it.
        tail = self._yank_tails.get((t, w))
        if tail is None:
            self._yank_head(t, w)
            tail = self._yank_tails[(t, w)]
        new_tail = self._yank_tails[(t, w)] = self.new_var()
        self._retired_tails[tail] = (t, w)
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

        Older releases not expanded yet are assumed out; when the solver refutes the
        assumptions with one of those in its core, the packages named are expanded and it
        asks again, so False is a proof over the whole closure. What expansion changes is
        assumed as the caller's: a yank tail that pins extended is replaced by the chain's
        new end, unknown packages are false unless the caller left the known ones free.

        CaDiCaL cannot be interrupted from another thread, so it runs in slices of a few
        thousand conflicts (milliseconds each), and the budget is checked between them; what
        it learned in one slice stays for the next. The caller holds the lock."""
        mine = list(assumptions)
        given = set(mine)
        closed = not self.unknown or any(-u in given for u in self.unknown.values())
        unknown = set(self.unknown.values())
        while True:
            if not self.flush(budget):
                return None
            if self._retired_tails:
                mine = self._current_tails(mine)
            if closed and len(self.unknown) > len(unknown):
                mine += [-u for u in self.unknown.values() if u not in unknown]
                unknown = set(self.unknown.values())
            older = {var: p for p, (var, _) in self._older.items()}
            answer = self._solve_sliced([*mine, *(-var for var in older)], budget)
            if answer is not False:
                return answer
            needed = [older[-lit] for lit in self.solver.get_core() or () if -lit in older]
            if not needed:
                return False
            for p in needed:
                self.expand(p)
            for react in self.on_expand:
                react(needed)

    def _current_tails(self, assumptions: list[int]) -> list[int]:
        """The assumptions with each retired yank tail replaced by its chain's end."""
        out: list[int] = []
        for lit in assumptions:
            retired = self._retired_tails.get(-lit)
            out.append(-self._yank_tails[retired] if retired is not None else lit)
        return out

    def _solve_sliced(self, assumptions: list[int], budget: Budget) -> bool | None:
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

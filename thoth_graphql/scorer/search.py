"""The exact search: depth-first in breadth-first package order, newest first, with
forward checking on version bitsets, conflict-directed backjumping, and branch and bound.

Packages are decided in a fixed rule: the required, undecided package nearest to the
roots (then by name). Each takes its candidates in the objective's order. So for LATEST
the first complete stack found is the optimum (docs/advise.md), and the search is a
greedy newest-first descent whenever nothing conflicts. Backjumping only skips subtrees
proven to hold no stack, so it never changes which stack is found first.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass, field

from thoth_graphql.scorer.bitset import members
from thoth_graphql.scorer.budget import Budget
from thoth_graphql.scorer.decisions import Constraint, Solution
from thoth_graphql.scorer.objectives import Objective
from thoth_graphql.scorer.requirements import RootDemand
from thoth_graphql.scorer.snapshot import Edge, EnvironmentView

ROOT = 0
"""The decision level of the roots: what is required there is never undone."""


@dataclass(slots=True)
class Outcome:
    """What a search found: the best stacks, whether that is proven, and conflict sites."""

    solutions: list[Solution]
    complete: bool
    nodes: int
    conflict_sites: dict[int, int] = field(default_factory=dict)
    missing: set[str] = field(default_factory=set)
    clashes: dict[int, list[tuple[int, str]]] = field(default_factory=dict)
    """package id -> the (requirer id, requirement) on it at its last conflict."""
    missing_by: dict[str, set[tuple[int, str]]] = field(default_factory=dict)
    """unknown package -> the (requirer id, requirement) that named it."""
    root_conflict: bool = False
    """The roots clash before anything is chosen."""


class _Stop(Exception):
    """Raised to unwind the search when it is done or out of time."""


class _Saved:
    __slots__ = ("cons_len", "depth", "dom", "extras", "npin", "npre", "package", "req_level")

    def __init__(
        self,
        package: int,
        dom: int,
        npre: int,
        npin: int,
        req_level: int,
        depth: int,
        cons_len: int,
        extras: dict[str, int] | None,
    ) -> None:
        self.package = package
        self.dom = dom
        self.npre = npre
        self.npin = npin
        self.req_level = req_level
        self.depth = depth
        self.cons_len = cons_len
        self.extras = extras


class Search:
    """One search over a snapshot view for root demands, an objective and a time limit."""

    def __init__(
        self,
        view: EnvironmentView,
        roots: list[RootDemand],
        limits: list[RootDemand],
        objective: Objective,
        count: int = 1,
        budget: Budget | None = None,
        unknown_fits: bool = False,
        feasible: Callable[[dict[int, int]], bool] | None = None,
    ) -> None:
        self.view = view
        self.packages = view.snapshot.by_id
        self.objective = objective
        self.count = max(1, count)
        self.budget = budget
        self.unknown_fits = unknown_fits
        self.feasible = feasible
        """An oracle (the SAT engine): can these chosen releases still be part of a valid
        stack? Asked before each candidate, so the search only enters branches that hold
        one, and backtracks only for the bound."""
        """Take dependencies on packages the graph does not know as met (for explaining
        a clash that remains whatever they turn out to be)."""
        n = len(self.packages)
        self.dom = [-1] * n  # -1: not touched in this search yet
        self.chosen = [-1] * n
        self.level = [-1] * n
        self.req_level = [-1] * n
        self.depth = [0] * n
        self.npre = [0] * n
        self.npin = [0] * n
        self.stamp = [-1] * n
        self.cons: list[list[Constraint]] = [[] for _ in range(n)]
        self.extras: list[dict[str, int] | None] = [None] * n
        self.open: dict[int, None] = {}
        self.decided: list[int] = []  # package id per decision level - 1
        self.saved: list[list[_Saved]] = [[]]
        self.cost = 0.0
        self.solutions: list[Solution] = []
        self.nodes = 0
        self.complete = True
        self.conflict_sites: dict[int, int] = {}
        self.missing: set[str] = set()
        self.clashes: dict[int, list[tuple[int, str]]] = {}
        self.missing_by: dict[str, set[tuple[int, str]]] = {}
        self.dead = [0] * n
        """Versions proven to fail whatever else is chosen (learned, kept on backtrack)."""
        self.nogoods: dict[tuple[int, int], list[tuple[tuple[int, int], ...]]] = {}
        """release -> the other choices it is known to fail with."""
        self.learning = True
        self.conflicts = 0
        self._impure = False
        self._roots = roots
        self._limits = limits

    # -- state --------------------------------------------------------------------------

    def _touch(self, p: int, lvl: int) -> None:
        if self.dom[p] == -1:
            package = self.packages[p]
            self.dom[p] = self.view.usable(package) & ~self.objective.excluded.get(p, 0)
            self.stamp[p] = -1
        if self.stamp[p] != lvl:
            extras = self.extras[p]
            self.saved[lvl].append(
                _Saved(
                    p,
                    self.dom[p],
                    self.npre[p],
                    self.npin[p],
                    self.req_level[p],
                    self.depth[p],
                    len(self.cons[p]),
                    dict(extras) if extras is not None else None,
                )
            )
            self.stamp[p] = lvl

    def _undo(self, lvl: int) -> None:
        for s in reversed(self.saved[lvl]):
            p = s.package
            self.dom[p] = s.dom
            self.npre[p] = s.npre
            self.npin[p] = s.npin
            if s.req_level == -1 and self.req_level[p] != -1:
                self.open.pop(p, None)
            self.req_level[p] = s.req_level
            self.depth[p] = s.depth
            del self.cons[p][s.cons_len :]
            self.extras[p] = s.extras
            self.stamp[p] = -1
        self.saved[lvl].clear()

    # -- constraints --------------------------------------------------------------------

    def _conflict_at(self, p: int) -> None:
        self.conflict_sites[p] = self.conflict_sites.get(p, 0) + 1
        self.conflicts += 1
        if self.conflicts == _THRASHING and not self.unknown_fits:
            self._learn_dead_releases()
        self.clashes[p] = [(c.requirer, c.text) for c in self.cons[p]]
        v = self.chosen[p]
        if v != -1:
            self.clashes[p].append((p, f"{self.packages[p].name}=={self.packages[p].versions[v]}"))

    def _constrain(
        self,
        p: int,
        bits: int,
        names_pre: bool,
        pinned: bool,
        lvl: int,
        requirer: int,
        text: str,
        because: set[int],
    ) -> set[int] | None:
        """Narrow p's versions at level `lvl`; return a conflict set when none is left."""
        self._touch(p, lvl)
        self.cons[p].append(Constraint(lvl, bits, names_pre, pinned, requirer, text))
        if names_pre:
            self.npre[p] += 1
        if pinned:
            self.npin[p] += 1
        v = self.chosen[p]
        if v != -1:
            if not (bits >> v) & 1:
                self._conflict_at(p)
                return because | {self.level[p]}
            return None
        dom = self.dom[p] & bits
        self.dom[p] = dom
        if not dom & ~self.dead[p]:
            self._conflict_at(p)
            return because | self._blame(p)
        return None

    def _learn_dead_releases(self) -> None:
        """Mark every release the environment can never install, once the search thrashes.

        Easy requests never get here, so they never pay for reading the whole closure.
        """
        dead = self.view.dead([r.package for r in self._roots])
        for p, mask in dead.items():
            self.dead[p] |= mask

    def _blame(self, p: int) -> set[int]:
        """The levels whose requirements exclude the versions of p not proven dead."""
        alive = self._base(p) & ~self.dead[p]
        return {c.level for c in self.cons[p] if alive & ~c.bits}

    def _base(self, p: int) -> int:
        return self.view.usable(self.packages[p]) & ~self.objective.excluded.get(p, 0)

    def _require(self, p: int, lvl: int, depth: int) -> None:
        if self.req_level[p] == -1:
            self._touch(p, lvl)
            self.req_level[p] = lvl
            self.depth[p] = depth
            if self.chosen[p] == -1:
                self.open[p] = None

    def _apply_edges(
        self, p: int, edges: tuple[Edge, ...], lvl: int, because: set[int]
    ) -> set[int] | None:
        """Apply the dependencies of chosen package p; `because` is why they are active."""
        depth = self.depth[p] + 1
        for edge in edges:
            target = edge.target
            if target is None:
                if self.unknown_fits:
                    continue
                self.missing.add(edge.target_name)
                self.missing_by.setdefault(edge.target_name, set()).add((p, edge.text))
                return because
            t = target.id
            self._require(t, lvl, depth)
            conflict = self._constrain(
                t, edge.bits, edge.names_pre, edge.pinned, lvl, p, edge.text, because
            )
            if conflict is not None:
                return conflict
            if edge.extras:
                conflict = self._add_extras(t, edge.extras, lvl, because)
                if conflict is not None:
                    return conflict
        return None

    def _add_extras(
        self, t: int, extras: tuple[str, ...], lvl: int, because: set[int]
    ) -> set[int] | None:
        self._touch(t, lvl)
        active = self.extras[t]
        if active is None:
            active = self.extras[t] = {}
        for extra in extras:
            if extra in active:
                continue
            active[extra] = lvl
            v = self.chosen[t]
            if v != -1:
                edges = self.view.extra_edges(self.packages[t], v, extra)
                if edges:
                    conflict = self._apply_edges(t, edges, lvl, because | {self.level[t]})
                    if conflict is not None:
                        return conflict
        return None

    def _assign(self, p: int, v: int, lvl: int) -> set[int] | None:
        """Choose version v of p at level lvl and check every dependency it brings."""
        self._touch(p, lvl)
        self.chosen[p] = v
        self.level[p] = lvl
        self.open.pop(p, None)
        package = self.packages[p]
        conflict = self._apply_edges(p, self.view.edges(package, v), lvl, set())
        if conflict is not None:
            return conflict
        active = self.extras[p]
        if active:
            # A copy: an extra's dependencies may request more extras of p itself
            # (`a[all]` -> `a[b]`), which _add_extras applies as it adds them.
            for extra, since in list(active.items()):
                edges = self.view.extra_edges(package, v, extra)
                if edges:
                    conflict = self._apply_edges(p, edges, lvl, {since})
                    if conflict is not None:
                        return conflict
        return None

    def _unassign(self, p: int, lvl: int) -> None:
        self._undo(lvl)
        self.chosen[p] = -1
        self.level[p] = -1
        self.open[p] = None

    # -- the search ---------------------------------------------------------------------

    def run(self) -> Outcome:
        conflict = self._start()
        if conflict is None:
            with contextlib.suppress(_Stop):
                self._descend(1)
        return Outcome(
            self.solutions,
            self.complete,
            self.nodes,
            self.conflict_sites,
            self.missing,
            self.clashes,
            self.missing_by,
            conflict is not None,
        )

    def _start(self) -> set[int] | None:
        for limit in self._limits:
            p = limit.package.id
            conflict = self._constrain(
                p, limit.bits, limit.names_pre, limit.pinned, ROOT, -1, limit.text, set()
            )
            if conflict is not None:
                return conflict
        for root in self._roots:
            p = root.package.id
            self._require(p, ROOT, 0)
            conflict = self._constrain(
                p, root.bits, root.names_pre, root.pinned, ROOT, -1, root.text, set()
            )
            if conflict is None and root.extras:
                conflict = self._add_extras(p, root.extras, ROOT, set())
            if conflict is not None:
                return conflict
        return None

    def _next(self) -> int:
        best = -1
        best_key: tuple[int, str] | None = None
        for p in self.open:
            key = (self.depth[p], self.packages[p].name)
            if best_key is None or key < best_key:
                best, best_key = p, key
        return best

    def _candidates(self, p: int) -> list[int]:
        dom = self.dom[p]
        package = self.packages[p]
        regular = dom & ~package.yanked_mask
        if not self.npre[p]:
            finals = regular & package.final_mask
            # Pre-releases come after every final release; the end check keeps them only
            # when no final release satisfies the stack's requirements (pip's rule).
            ordered = members(finals) + members(regular & ~finals)
        else:
            ordered = sorted(members(regular), key=lambda i: package.versions[i], reverse=True)
        ordered += members(dom & package.yanked_mask)
        costs = self.objective.single.get(p)
        if costs:
            ordered.sort(key=lambda i: costs.get(i, 0.0))
        return ordered

    def _descend(self, lvl: int) -> set[int]:
        """Decide the next package at level lvl; return the levels a failure depends on.

        A failure that depends on no level is learned as a dead release; one that depends
        on a few is learned as a nogood. Neither is learned when the failure came from the
        bound or from stacks already found, which are not conflicts.
        """
        self.nodes += 1
        if self.budget is not None and self.nodes & 63 == 1 and self.budget.expired():
            self.complete = False
            raise _Stop
        p = self._next()
        if p == -1:
            return self._complete(lvl)
        self.decided.append(p)
        if len(self.saved) <= lvl:
            self.saved.append([])
        objective = self.objective
        why: set[int] = set()
        pure = True
        for v in self._candidates(p):
            if (self.dead[p] >> v) & 1:
                continue
            step = objective.step_cost(p, v, self.chosen)
            if self._bounded(self.cost + step, lvl, v):
                why.update(range(1, lvl))
                pure = False
                continue
            if self.feasible is not None and not self._holds_a_stack(p, v):
                # Refuted by the oracle from every choice made so far: no learning.
                why.update(range(1, lvl))
                pure = False
                continue
            conflict = self._nogood_hit(p, v)
            if conflict is None:
                conflict = self._assign(p, v, lvl)
            if conflict is None:
                self.cost += step
                below = self._descend(lvl + 1)
                self.cost -= step
                self._unassign(p, lvl)
                if lvl not in below:
                    self.decided.pop()
                    return below
                below.discard(lvl)
                if self._impure:
                    pure = False
                    self._impure = False
                elif self.learning:
                    self._learn(p, v, below)
                why |= below
            else:
                self._unassign(p, lvl)
                conflict.discard(lvl)
                conflict.discard(ROOT)
                if self.learning:
                    self._learn(p, v, conflict)
                why |= conflict
        # Every candidate failed: so did the versions requirements had ruled out, and p
        # is only here because something required it.
        why |= self._blame(p)
        why.add(self.req_level[p])
        active = self.extras[p]
        if active:
            why.update(active.values())
        why.discard(ROOT)
        why.discard(lvl)
        self.decided.pop()
        self._impure = not pure
        return why

    def _holds_a_stack(self, p: int, v: int) -> bool:
        assert self.feasible is not None
        chosen = {q: self.chosen[q] for q in self.decided[:-1]}
        chosen[p] = v
        return self.feasible(chosen)

    def _learn(self, p: int, v: int, levels: set[int]) -> None:
        """Remember that version v of p fails with the choices at these levels."""
        if not levels:
            self.dead[p] |= 1 << v
            return
        if len(levels) > _NOGOOD_SIZE:
            return
        # Kept under the failing release only: it is met again when p is decided after
        # the same choices, which is how the breadth-first order revisits it.
        nogood = tuple((q, self.chosen[q]) for q in (self.decided[lvl - 1] for lvl in levels))
        known = self.nogoods.setdefault((p, v), [])
        known.append(nogood)
        if len(known) > _NOGOODS_PER_RELEASE:
            del known[0]

    def _nogood_hit(self, p: int, v: int) -> set[int] | None:
        """The levels of a learned nogood that choosing v for p would complete."""
        chosen = self.chosen
        for nogood in self.nogoods.get((p, v), ()):
            for q, w in nogood:
                if chosen[q] != w:
                    break
            else:
                return {self.level[q] for q, _ in nogood}
        return None

    def _key(self) -> tuple[int, ...]:
        return tuple(self.chosen[p] for p in self.decided)

    def _bounded(self, cost: float, lvl: int, v: int) -> bool:
        """Whether this branch cannot beat the k-th best stack found so far."""
        if len(self.solutions) < self.count:
            return False
        worst = self.solutions[-1]
        if cost > worst.cost + 1e-12:
            return True
        if cost < worst.cost - 1e-12:
            return False
        prefix = (*(self.chosen[q] for q in self.decided[:-1]), v)
        return prefix > worst.key[: len(prefix)]

    def _valid_end(self) -> bool:
        """The rules that only a complete stack can check: pre-releases and yanked."""
        for p in self.decided:
            package = self.packages[p]
            v = self.chosen[p]
            bit = 1 << v
            if package.yanked_mask & bit and not self.npin[p]:
                return False
            if (
                not package.final_mask & bit
                and not self.npre[p]
                and self.dom_final(p) & package.final_mask & ~package.yanked_mask
            ):
                return False
        return True

    def dom_final(self, p: int) -> int:
        """Versions of p admitted by every requirement on it in this branch."""
        bits = self._base(p)
        for c in self.cons[p]:
            bits &= c.bits
        return bits

    def _complete(self, lvl: int) -> set[int]:
        everything = set(range(1, lvl))
        self._impure = True
        if not self._valid_end():
            return everything
        chosen = {p: self.chosen[p] for p in self.decided}
        solution = Solution(
            chosen=chosen,
            extras={p: tuple(sorted(e)) for p in self.decided if (e := self.extras[p]) is not None},
            # Summed afresh: the running cost of the branch carries the rounding of every
            # step taken and undone on the way (-1e-16 for a stack of cost 0).
            cost=self.objective.cost_of(chosen),
            key=self._key(),
            order=tuple(self.decided),
            constraints={p: list(self.cons[p]) for p in self.decided},
            depth={p: self.depth[p] for p in self.decided},
            required_by={p: self.req_level[p] for p in self.decided},
        )
        self.solutions.append(solution)
        self.solutions.sort(key=lambda s: (s.cost, s.key))
        del self.solutions[self.count :]
        if self.objective.lexicographic and len(self.solutions) >= self.count:
            raise _Stop
        if self.objective.proven([s.cost for s in self.solutions], self.count):
            raise _Stop
        return everything


_THRASHING = 32
"""Conflicts after which the search first learns every dead release of the closure."""

_NOGOOD_SIZE = 4
_NOGOODS_PER_RELEASE = 8
"""Nogoods over more choices than this are rarely met again; they are not kept."""

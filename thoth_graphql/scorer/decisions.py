"""A stack as the decision order of docs/advise.md sees it, whichever engine found it.

Packages are decided one at a time: the required, undecided package nearest to the roots
(then by name). Deciding a release applies its dependencies (and those of the extras
requested on it), which requires and narrows further packages. `Decisions` follows that
order; the LATEST descent uses it to decide, and `describe` replays it over any engine's
chosen releases to give the stack's key, order and the requirements on each package that
justifications read. So what a justification says depends on the stack, not on how an
engine kept its state.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from thoth_graphql.scorer.bitset import members
from thoth_graphql.scorer.requirements import Demands
from thoth_graphql.scorer.snapshot import Edge, EnvironmentView


@dataclass(slots=True)
class Constraint:
    """One requirement on a package in a stack (or a search's branch)."""

    level: int
    bits: int
    names_pre: bool
    pinned: bool
    requirer: int
    """The package id that declares it, or -1 for a root requirement or constraint."""
    text: str


@dataclass(slots=True)
class Solution:
    """A complete stack: version index per package id, its cost, and its decision order."""

    chosen: dict[int, int]
    extras: dict[int, tuple[str, ...]]
    cost: float
    key: tuple[int, ...]
    order: tuple[int, ...]
    constraints: dict[int, list[Constraint]]
    depth: dict[int, int]
    required_by: dict[int, int]


class Decisions:
    """The packages decided so far, in order, with what requires and narrows each."""

    def __init__(self, view: EnvironmentView, excluded: dict[int, int]) -> None:
        self.view = view
        self.packages = view.snapshot.by_id
        self.excluded = excluded
        self.frontier: dict[int, int] = {}
        """required, undecided package -> its depth."""
        self.depth: dict[int, int] = {}
        self.required_at: dict[int, int] = {}
        self.chosen: dict[int, int] = {}
        self.order: list[int] = []
        self.constraints: dict[int, list[Constraint]] = {}
        self.extras: dict[int, dict[str, int]] = {}

    def start(self, demands: Demands) -> None:
        """The request's constraints and roots, at level 0."""
        for limit in demands.limits:
            p = limit.package.id
            self.constrain(p, 0, -1, limit.bits, limit.names_pre, limit.pinned, limit.text)
        for root in demands.roots:
            p = root.package.id
            self.require(p, 0)
            self.constrain(p, 0, -1, root.bits, root.names_pre, root.pinned, root.text)
            self.add_extras(p, root.extras, 0)

    def next(self) -> int:
        """The package to decide next (-1 when every required package is decided)."""
        if not self.frontier:
            return -1
        return min(self.frontier, key=lambda q: (self.frontier[q], self.packages[q].name))

    def require(self, p: int, depth: int) -> None:
        if p not in self.depth:
            self.depth[p] = depth
            self.required_at[p] = len(self.order)
            if p not in self.chosen:
                self.frontier[p] = depth

    def constrain(
        self, p: int, level: int, requirer: int, bits: int, pre: bool, pin: bool, text: str
    ) -> None:
        self.constraints.setdefault(p, []).append(Constraint(level, bits, pre, pin, requirer, text))

    def add_extras(self, p: int, extras: Iterable[str], level: int) -> None:
        active = self.extras.setdefault(p, {})
        for extra in extras:
            if extra in active:
                continue
            active[extra] = level
            v = self.chosen.get(p)
            if v is not None:
                self._apply(p, self.view.extra_edges(self.packages[p], v, extra), level)

    def candidates(self, p: int) -> list[int]:
        """p's admitted releases in LATEST's order: finals, then pre-releases, newest first
        (by version alone once a requirement names a pre-release); yanked ones last."""
        package = self.packages[p]
        admitted = self.view.usable(package) & ~self.excluded.get(p, 0)
        constraints = self.constraints.get(p, ())
        for c in constraints:
            admitted &= c.bits
        regular = admitted & ~package.yanked_mask
        if any(c.names_pre for c in constraints):
            ordered = members(regular)
        else:
            finals = regular & package.final_mask
            ordered = members(finals) + members(regular & ~finals)
        return ordered + members(admitted & package.yanked_mask)

    def decide(self, p: int, v: int) -> None:
        self.frontier.pop(p, None)
        self.chosen[p] = v
        self.order.append(p)
        level = len(self.order)
        package = self.packages[p]
        self._apply(p, self.view.edges(package, v), level)
        for extra in list(self.extras.get(p, {})):
            self._apply(p, self.view.extra_edges(package, v, extra), level)

    def _apply(self, p: int, edges: tuple[Edge, ...], level: int) -> None:
        depth = self.depth[p] + 1
        for edge in edges:
            target = edge.target
            if target is None:
                continue  # an engine never lets such a release be chosen
            t = target.id
            self.require(t, depth)
            self.constrain(t, level, p, edge.bits, edge.names_pre, edge.pinned, edge.text)
            if edge.extras:
                self.add_extras(t, edge.extras, level)

    def solution(self, cost: float = 0.0) -> Solution:
        return Solution(
            chosen=dict(self.chosen),
            extras={p: tuple(sorted(self.extras[p])) for p in self.order if self.extras.get(p)},
            cost=cost,
            key=tuple(self.chosen[p] for p in self.order),
            order=tuple(self.order),
            constraints={p: self.constraints.get(p, []) for p in self.order},
            depth={p: self.depth[p] for p in self.order},
            required_by={p: self.required_at[p] for p in self.order},
        )


def describe(
    view: EnvironmentView,
    demands: Demands,
    excluded: dict[int, int],
    chosen: dict[int, int],
    cost: float,
) -> Solution:
    """The stack of these chosen releases in decision order, with the requirements on each
    package: what justifications are built from."""
    decisions = Decisions(view, excluded)
    decisions.start(demands)
    while (p := decisions.next()) != -1:
        decisions.decide(p, chosen[p])
    return decisions.solution(cost)

"""Minimum-cost hitting sets: the lower bound of the costed SAT engine.

Each core is a set of costed literals of which every valid stack (under the assumptions
the core was found with) makes at least one true. A set of literals that meets every core
and costs least is a lower bound on the cost of every such stack; the engine then asks
the SAT solver for a stack whose costed literals all lie in that set. Cores are few and
small (a handful of releases with failure reports, advisories or observations), so an
exact depth-first search with a disjoint-cores bound is enough.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from thoth_graphql.scorer.budget import OutOfTime

EPSILON = 1e-9
"""Costs closer than this are equal (sums of the same floats in another order)."""


def minimum_hitting_set(
    cores: Sequence[frozenset[int]],
    weight: dict[int, float],
    bound: float = float("inf"),
    expired: Callable[[], bool] = lambda: False,
) -> tuple[frozenset[int], float] | None:
    """A least-cost set of literals meeting every core, with its cost; None when every
    such set costs more than `bound` (or a core is empty)."""
    if any(not core for core in cores):
        return None
    ordered = sorted(set(cores), key=len)
    best: list[tuple[frozenset[int], float]] = []
    limit = [bound + EPSILON]
    nodes = [0]

    def lower(chosen: set[int], excluded: set[int]) -> float | None:
        """A lower bound on what the cores still unmet add: the cheapest literal of each
        of a set of pairwise disjoint unmet cores (None if a core cannot be met)."""
        used: set[int] = set()
        total = 0.0
        for core in ordered:
            if core & chosen:
                continue
            open_ = core - excluded
            if not open_:
                return None
            if open_ & used:
                continue
            used |= open_
            total += min(weight[lit] for lit in open_)
        return total

    def search(chosen: set[int], excluded: set[int], cost: float) -> None:
        nodes[0] += 1
        if nodes[0] & 1023 == 0 and expired():
            raise OutOfTime
        extra = lower(chosen, excluded)
        if extra is None or cost + extra > limit[0]:
            return
        unmet = next((core for core in ordered if not core & chosen), None)
        if unmet is None:
            best[:] = [(frozenset(chosen), cost)]
            limit[0] = cost - EPSILON
            return
        skipped: list[int] = []
        for lit in sorted(unmet - excluded, key=lambda x: (weight[x], x)):
            chosen.add(lit)
            excluded.update(skipped)
            search(chosen, excluded, cost + weight[lit])
            excluded.difference_update(skipped)
            chosen.discard(lit)
            skipped.append(lit)

    search(set(), set(), 0.0)
    return best[0] if best else None

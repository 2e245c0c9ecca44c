"""Why no stack exists: minimal chains of requirements from the roots to the clash.

The SAT engine first shrinks the request to a minimal set of requirements that still has
no stack (an unsat core, each requirement left out in turn), so no bystander appears.
Then either every release a requirement admits is dead (it needs, at some depth, a
package the graph does not know, that the index does not have, or that no valid stack
can hold), and the chains follow that down to it; or versions clash, and the chains lead
from the roots to each requirement on the clashing package. Every step honours the
request's budget; what is not found in time is left out, never waited for.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable

from thoth_graphql.scorer.bitset import members
from thoth_graphql.scorer.budget import Budget
from thoth_graphql.scorer.objectives import Objective
from thoth_graphql.scorer.requirements import Demands, RootDemand
from thoth_graphql.scorer.search import Search
from thoth_graphql.scorer.snapshot import EnvironmentView, PackageIndex
from thoth_graphql.scorer.types import Unsatisfiable

_MAX_CHAINS = 6
_DEPTH = 12
_CLASH_SHARE = 0.5
_CLASH_SECONDS = 1.0
"""The share of the remaining budget, and the most seconds, that the search for the
clashing package may use: it only names a culprit, the proof is already there."""

Admits = Callable[[PackageIndex, int, tuple[str, ...]], bool]
"""Whether some valid stack holds a release of the package in the bits with the extras."""


def explain(
    view: EnvironmentView,
    demands: Demands,
    roots: list[RootDemand],
    objective: Objective,
    admits: Admits,
    budget: Budget,
    unknown_fits: bool = False,
) -> Unsatisfiable:
    """The Unsatisfiable answer for a request whose minimal conflicting roots are known."""
    chains: list[str] = []
    culprits: list[str] = []
    memo: dict[tuple[int, int, tuple[str, ...]], bool] = {}

    def alive(package: PackageIndex, bits: int, extras: tuple[str, ...]) -> bool:
        key = (package.id, bits, extras)
        found = memo.get(key)
        if found is None:
            found = memo[key] = budget.expired() or admits(package, bits, extras)
        return found

    for root in roots:
        found = _dead_chains(
            view, alive, budget, root.package, root.bits, root.extras, root.text, set()
        )
        if found:
            for chain, culprit in found:
                if chain not in chains:
                    chains.append(chain)
                if culprit not in culprits:
                    culprits.append(culprit)
            break
    if not chains:
        minimal = Demands(roots=roots, limits=demands.limits)
        share = budget.share(_CLASH_SHARE, _CLASH_SECONDS)
        search = Search(view, minimal.roots, minimal.limits, objective, 1, share, unknown_fits)
        sites = search.run().conflict_sites
        if sites and not budget.expired():
            top = max(sites.values())
            clashing = sorted(p for p, n in sites.items() if n == top)[:1]
            culprits = [view.snapshot.by_id[p].name for p in clashing]
            chains = _clash_chains(view, minimal, clashing[0], budget) if clashing else []
    if not chains:
        for root in roots:
            chains.append(f"{root.text}: {_why_no_release(view, root)}")
            culprits.append(root.package.name)
    message = (
        "no stack satisfies every requirement: "
        + (", ".join(culprits) if culprits else "the requirements")
        + " cannot be satisfied"
    )
    return Unsatisfiable(message, tuple(chains[:_MAX_CHAINS]), tuple(culprits))


def _why_no_release(view: EnvironmentView, root: RootDemand) -> str:
    package = root.package
    absence = _not_on_index(view, package)
    if absence:
        return absence
    admitted = root.bits & view.usable(package)
    if not admitted:
        return "no release matches that is usable here"
    if not admitted & ~package.yanked_mask:
        return "only yanked releases match"
    return "no combination of its dependencies fits"


def _not_on_index(view: EnvironmentView, package: PackageIndex) -> str | None:
    """ "<name> is not on the index (seen <date>)" for a package the index did not have."""
    absence = view.snapshot.absent.get(package.name)
    if absence is None:
        return None
    return f"{package.name} is not on the index (seen {absence.seen_date})"


def _label(package: PackageIndex, index: int) -> str:
    return f"{package.name}=={package.versions[index]}"


def _dead_chains(
    view: EnvironmentView,
    alive: Admits,
    budget: Budget,
    package: PackageIndex,
    bits: int,
    extras: tuple[str, ...],
    head: str,
    visited: set[int],
) -> list[tuple[str, str]]:
    """Chains showing that no release of `package` admitted by `bits` can be installed.

    A package already on the chain is not followed again, so a cycle ends the chain."""
    if len(visited) > _DEPTH or package.id in visited or alive(package, bits, extras):
        return []
    visited = visited | {package.id}
    admitted = bits & view.usable(package)
    if not admitted:
        why = _not_on_index(view, package) or f"no release of {package.name} is usable here"
        return [(f"{head}: {why}", package.name)]
    out: list[tuple[str, str]] = []
    seen_edges: set[str] = set()
    for i in members(admitted):
        if budget.expired():
            break
        edges = list(view.edges(package, i))
        for extra in extras:
            edges += view.extra_edges(package, i, extra)
        for edge in edges:
            if edge.text in seen_edges:
                continue
            target = edge.target
            step = f"{head} -> {edge.text} ({_label(package, i)})"
            if target is None:
                seen_edges.add(edge.text)
                missing = f"{step}: {edge.target_name} is not in the knowledge graph"
                out.append((missing, edge.target_name))
                break
            if not alive(target, edge.bits, edge.extras):
                seen_edges.add(edge.text)
                out += _dead_chains(
                    view, alive, budget, target, edge.bits, edge.extras, step, visited
                )
                break
        if len(out) >= _MAX_CHAINS:
            break
    return out


def _clash_chains(
    view: EnvironmentView, demands: Demands, culprit: int, budget: Budget
) -> list[str]:
    """Shortest chains from the roots to every distinct requirement on the culprit."""
    chains: list[str] = []
    texts: set[str] = set()
    queue: deque[tuple[PackageIndex, int, tuple[str, ...], str]] = deque()
    visited: set[int] = set()
    for root in demands.roots:
        if root.package.id == culprit:
            chains.append(root.text)
            texts.add(root.text)
        queue.append((root.package, root.bits, root.extras, root.text))
        visited.add(root.package.id)
    for limit in demands.limits:
        if limit.package.id == culprit:
            chains.append(f"{limit.text} (constraint)")
    while queue and len(chains) < _MAX_CHAINS and not budget.expired():
        package, bits, extras, head = queue.popleft()
        for i in members(bits & view.usable(package)):
            edges = list(view.edges(package, i))
            for extra in extras:
                edges += view.extra_edges(package, i, extra)
            for edge in edges:
                target = edge.target
                if target is None:
                    continue
                step = f"{head} -> {edge.text} ({_label(package, i)})"
                if target.id == culprit and edge.text not in texts:
                    texts.add(edge.text)
                    chains.append(step)
                if target.id not in visited:
                    visited.add(target.id)
                    queue.append((target, edge.bits, edge.extras, step))
    return chains

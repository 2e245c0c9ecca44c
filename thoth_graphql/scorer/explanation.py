"""Why no stack exists: minimal chains of requirements from the roots to the clash.

First the request is shrunk to a minimal set of requirements that still has no stack
(each one left out in turn), so no bystander appears. Then either every release a
requirement admits is dead (it needs, at some depth, a package the graph does not know
or that has no usable release), and the chains follow that down to it; or versions
clash, and the chains lead from the roots to each requirement on the clashing package.
"""

from __future__ import annotations

import time
from collections import deque

from thoth_graphql.scorer.bitset import members
from thoth_graphql.scorer.objectives import Objective
from thoth_graphql.scorer.requirements import Demands, RootDemand
from thoth_graphql.scorer.search import Outcome, Search
from thoth_graphql.scorer.snapshot import EnvironmentView, PackageIndex
from thoth_graphql.scorer.types import Unsatisfiable

_MAX_CHAINS = 6
_DEPTH = 12


def explain(
    view: EnvironmentView,
    demands: Demands,
    objective: Objective,
    outcome: Outcome,
    deadline: float,
) -> Unsatisfiable:
    """The Unsatisfiable answer for a request whose search found no stack."""
    roots = _minimal_roots(view, demands, objective, deadline)
    chains: list[str] = []
    culprits: list[str] = []
    for root in roots:
        found = _dead_chains(view, root.package, root.bits, root.extras, root.text, 0)
        if found:
            for chain, culprit in found:
                if chain not in chains:
                    chains.append(chain)
                if culprit not in culprits:
                    culprits.append(culprit)
            break
    if not chains:
        minimal = Demands(roots=roots, limits=demands.limits)
        rerun = Search(view, minimal.roots, minimal.limits, objective, 1, deadline).run()
        sites = rerun.conflict_sites or outcome.conflict_sites
        if sites:
            top = max(sites.values())
            clashing = sorted(p for p, n in sites.items() if n == top)[:1]
            culprits = [view.snapshot.by_id[p].name for p in clashing]
            chains = _clash_chains(view, minimal, clashing[0]) if clashing else []
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
    admitted = root.bits & view.usable(package)
    if not admitted:
        return "no release matches that is usable here"
    if not admitted & ~package.yanked_mask:
        return "only yanked releases match"
    return "no combination of its dependencies fits"


def _minimal_roots(
    view: EnvironmentView, demands: Demands, objective: Objective, deadline: float
) -> list[RootDemand]:
    """Leave out each requirement in turn; keep it only if the rest have a stack."""
    kept = list(demands.roots)
    for demand in list(kept):
        if len(kept) == 1 or time.monotonic() > deadline:
            break
        trial = [d for d in kept if d is not demand]
        outcome = Search(view, trial, demands.limits, objective, 1, deadline).run()
        if not outcome.solutions and outcome.complete:
            kept = trial
    return kept


def _label(package: PackageIndex, index: int) -> str:
    return f"{package.name}=={package.versions[index]}"


def _alive(view: EnvironmentView, package: PackageIndex, bits: int, extras: tuple[str, ...]) -> int:
    """The admitted releases not proven dead, counting the dependencies extras add."""
    dead = view.dead([package])
    alive = bits & view.usable(package) & ~dead.get(package.id, 0)
    if not extras:
        return alive
    keep = 0
    for i in members(alive):
        ok = True
        for extra in extras:
            for edge in view.extra_edges(package, i, extra):
                if edge.target is None or not _alive(view, edge.target, edge.bits, edge.extras):
                    ok = False
        if ok:
            keep |= 1 << i
    return keep


def _dead_chains(
    view: EnvironmentView,
    package: PackageIndex,
    bits: int,
    extras: tuple[str, ...],
    head: str,
    depth: int,
) -> list[tuple[str, str]]:
    """Chains showing that no release of `package` admitted by `bits` can be installed."""
    if depth > _DEPTH or _alive(view, package, bits, extras):
        return []
    admitted = bits & view.usable(package)
    if not admitted:
        return [(f"{head}: no release of {package.name} is usable here", package.name)]
    out: list[tuple[str, str]] = []
    seen_edges: set[str] = set()
    for i in members(admitted):
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
            if not _alive(view, target, edge.bits, edge.extras):
                seen_edges.add(edge.text)
                out += _dead_chains(view, target, edge.bits, edge.extras, step, depth + 1)
                break
        if len(out) >= _MAX_CHAINS:
            break
    return out


def _clash_chains(view: EnvironmentView, demands: Demands, culprit: int) -> list[str]:
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
    while queue and len(chains) < _MAX_CHAINS:
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

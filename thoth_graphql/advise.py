"""The advise service: loads a request's closure from the graph store and asks the scorer.

One `load_closure` call per request (its round trips follow the closure's depth). The
snapshot built from it is cached per graph generation and per set of root packages,
so repeated questions reuse parsed versions, matched specifiers and evaluated markers.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence

from packaging.requirements import InvalidRequirement, Requirement

from thoth_graphql.domain import canonical_name
from thoth_graphql.scorer import AdviseRequest, AdviseResult, Snapshot, advise
from thoth_graphql.store.port import GraphStore

SNAPSHOTS_KEPT = 32
"""How many snapshots (distinct root sets) stay cached for the current generation."""


def root_names(requirements: Sequence[str]) -> list[str]:
    """The canonical package names a request's requirements name (invalid ones skipped;
    the scorer reports them as unresolved)."""
    names: list[str] = []
    for text in requirements:
        try:
            names.append(canonical_name(Requirement(text).name))
        except InvalidRequirement:
            continue
    return list(dict.fromkeys(names))


class AdviseService:
    """Answers advise requests over a GraphStore; safe to share between requests."""

    def __init__(self, store: GraphStore, snapshots_kept: int = SNAPSHOTS_KEPT) -> None:
        self.store = store
        self._generation: int | None = None
        self._snapshots: OrderedDict[tuple[str, ...], Snapshot] = OrderedDict()
        self._kept = snapshots_kept
        self.closures_loaded = 0

    async def snapshot(self, roots: Sequence[str]) -> Snapshot:
        """The snapshot of these roots' closure at the store's current generation."""
        generation = await self.store.generation()
        if generation != self._generation:
            self._snapshots.clear()
            self._generation = generation
        key = tuple(sorted(set(roots)))
        found = self._snapshots.get(key)
        if found is not None:
            self._snapshots.move_to_end(key)
            return found
        closure = await self.store.load_closure(list(key))
        self.closures_loaded += 1
        snapshot = Snapshot.from_closure(closure)
        self._snapshots[key] = snapshot
        if len(self._snapshots) > self._kept:
            self._snapshots.popitem(last=False)
        return snapshot

    async def advise(self, request: AdviseRequest) -> AdviseResult:
        """The scorer's answer for a request, over the closure of its requirements.

        The search itself is CPU work measured in milliseconds; it runs on the event
        loop's thread rather than paying a thread hand-off for every request.
        """
        snapshot = await self.snapshot(root_names(request.requirements))
        return advise(snapshot, request)

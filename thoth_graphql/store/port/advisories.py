"""The advisories facet: what is known to be vulnerable, per (OSV id, package)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from thoth_graphql.domain import Advisory
from thoth_graphql.store.port.values import AdvisoryKey


class Advisories(Protocol):
    """Advisories upserted by key; a new text of a known advisory replaces the old."""

    async def write_advisories(self, advisories: Sequence[Advisory]) -> list[bool]:
        """Upsert advisories by (id, package), in one transaction; for each, in input order,
        whether it changed the graph (a new advisory, or a new text of a known one)."""

    async def advisories(self, keys: Sequence[AdvisoryKey]) -> list[Advisory | None]:
        """Advisories by key, in key order; None where unknown."""

    async def advisories_of(self, names: Sequence[str]) -> list[list[Advisory]]:
        """For each package name, the advisories about it, by id."""

    async def list_advisories(
        self, package: str | None, first: int, after: AdvisoryKey | None = None
    ) -> list[Advisory]:
        """Up to `first` advisories (of one package, or all) by (id, package), after a key."""

    async def count_advisories(self, package: str | None = None) -> int: ...

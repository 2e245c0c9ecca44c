"""The observations facet: runtime environments and what was observed in them (stacks that
ran or failed, versions that did or did not install)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from thoth_graphql.domain import Installability, RuntimeEnvironment, StackObservation, VersionKey
from thoth_graphql.store.port.values import ObservationCursor, ObservationFilter


class Observations(Protocol):
    """Environments and observations, each stored once by key; an observation registers its
    environment in the same transaction."""

    # -- runtime environments -----------------------------------------------------------

    async def register_environments(self, environments: Sequence[RuntimeEnvironment]) -> list[bool]:
        """Store environments by key; for each, in input order, whether it was new."""

    async def environments(self, keys: Sequence[str]) -> list[RuntimeEnvironment | None]:
        """Environments by key, in key order; None where unknown."""

    async def list_environments(
        self, first: int, after: str | None = None
    ) -> list[RuntimeEnvironment]:
        """Up to `first` environments by key, after the key `after`."""

    async def count_environments(self) -> int: ...

    # -- stack observations -------------------------------------------------------------

    async def record_stack_observations(
        self, observations: Sequence[StackObservation]
    ) -> list[bool]:
        """Store observations (and register their environments) by key, in one transaction;
        for each, in input order, whether it was new."""

    async def stack_observations(self, keys: Sequence[str]) -> list[StackObservation | None]:
        """Observations by key, in key order; None where unknown."""

    async def list_stack_observations(
        self, where: ObservationFilter, first: int, after: ObservationCursor | None = None
    ) -> list[StackObservation]:
        """Up to `first` matching observations, newest `observed_at` first, then by key
        descending, after the cursor."""

    async def count_stack_observations(self, where: ObservationFilter) -> int: ...

    # -- installability -----------------------------------------------------------------

    async def record_installability(self, observations: Sequence[Installability]) -> list[bool]:
        """Store installability observations by key, in one transaction; for each, in input
        order, whether it was new."""

    async def installability_of(self, versions: Sequence[VersionKey]) -> list[list[Installability]]:
        """For each version, what was observed about installing it, newest first."""

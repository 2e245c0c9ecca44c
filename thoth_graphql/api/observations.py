"""Observations as clients see them: stack observations with their outcome, message, metrics
and provenance, installability of versions, and the filtered listing of stack observations."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Annotated, Self

import strawberry
from strawberry import relay

from thoth_graphql import domain
from thoth_graphql.api.context import Context, Info
from thoth_graphql.api.environments import RuntimeEnvironment
from thoth_graphql.api.nodes import context_of, decode_node_id, loaded_nodes
from thoth_graphql.api.pagination import (
    DEFAULT_PAGE_SIZE,
    decode_cursor,
    fetched_page,
    page_size,
)
from thoth_graphql.store.port.values import ObservationCursor, ObservationFilter

if TYPE_CHECKING:
    from thoth_graphql.api.types import PackageVersion

# The domain's enums are the GraphQL enums: registered once here, used by their own names.
strawberry.enum(
    domain.StackOutcome, description="How a stack fared: it worked, or where it failed."
)
strawberry.enum(domain.ObservationSource, description="Where an observation came from.")
StackOutcome = domain.StackOutcome
ObservationSource = domain.ObservationSource


@strawberry.type(description="Where an observation came from, and when.")
class Provenance:
    source: ObservationSource
    document_ref: str = strawberry.field(description="The document the observation was read from.")
    observed_at: str = strawberry.field(description="When it was observed (ISO 8601).")

    @classmethod
    def from_domain(cls, provenance: domain.Provenance) -> Self:
        return cls(
            source=provenance.source,
            document_ref=provenance.document_ref,
            observed_at=provenance.observed_at,
        )


@strawberry.type(description="A named figure measured with a stack, e.g. a benchmark result.")
class Metric:
    name: str
    value: float


async def _package_version(
    root: LockedVersion, info: Info
) -> Annotated[PackageVersion, strawberry.lazy("thoth_graphql.api.types")] | None:
    from thoth_graphql.api.types import PackageVersion

    versions = await info.context.loaders.versions.load(root.name)
    for version in versions:
        if version.version == root.version and version.index_url == root.index_url:
            return PackageVersion.from_domain(version)
    return None


@strawberry.type(description="A version named by an observation, whether or not the graph has it.")
class LockedVersion:
    name: str = strawberry.field(description="The canonical package name.")
    version: str = strawberry.field(description="The version.")
    index_url: str = strawberry.field(description="The index it came from.")
    package_version: (
        Annotated[PackageVersion, strawberry.lazy("thoth_graphql.api.types")] | None
    ) = strawberry.field(
        resolver=_package_version, description="The release in the graph; null if unknown."
    )

    @classmethod
    def from_domain(cls, key: domain.VersionKey) -> Self:
        return cls(name=key.name, version=key.version, index_url=key.index_url)


@strawberry.type(description="A locked stack observed in a runtime environment, and how it went.")
class StackObservation(relay.Node):
    key: strawberry.Private[str]
    packages: list[LockedVersion] = strawberry.field(description="The locked versions.")
    runtime_environment: RuntimeEnvironment = strawberry.field(
        description="Where the stack was installed and run."
    )
    outcome: StackOutcome
    message: str = strawberry.field(description="What the run said, e.g. the error.")
    metrics: list[Metric] = strawberry.field(description="Figures measured, by name.")
    provenance: Provenance

    @classmethod
    def from_domain(cls, observation: domain.StackObservation) -> Self:
        return cls(
            key=observation.key,
            packages=[LockedVersion.from_domain(k) for k in observation.packages],
            runtime_environment=RuntimeEnvironment.from_domain(observation.environment),
            outcome=observation.outcome,
            message=observation.message,
            metrics=[Metric(name=n, value=v) for n, v in sorted(observation.metrics.items())],
            provenance=Provenance.from_domain(observation.provenance),
        )

    @classmethod
    def resolve_id(cls, root: Self, *, info: strawberry.Info) -> str:
        return root.key

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: strawberry.Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Self | None]:
        keys = list(node_ids)
        found = await context_of(info).loaders.stack_observations.load_many(keys)
        return loaded_nodes(found, cls.from_domain, keys, required)


@strawberry.type(description="Whether a version installs in a runtime environment.")
class Installability:
    runtime_environment: RuntimeEnvironment
    installable: bool
    error: str | None = strawberry.field(description="Why it does not install.")
    provenance: Provenance

    @classmethod
    def from_domain(cls, observation: domain.Installability) -> Self:
        return cls(
            runtime_environment=RuntimeEnvironment.from_domain(observation.environment),
            installable=observation.installable,
            error=observation.error,
            provenance=Provenance.from_domain(observation.provenance),
        )


@strawberry.input(description="Which stack observations to list; every field narrows.")
class StackObservationFilter:
    runtime_environment: relay.GlobalID | None = strawberry.field(
        default=None, description="The id of a RuntimeEnvironment."
    )
    outcome: StackOutcome | None = None
    source: ObservationSource | None = None
    package: str | None = strawberry.field(
        default=None, description="Only stacks that contain this package."
    )

    def to_store(self, path: str) -> ObservationFilter:
        environment_key = None
        if self.runtime_environment is not None:
            environment_key = decode_node_id(
                self.runtime_environment, "RuntimeEnvironment", f"{path}.runtimeEnvironment"
            )
        return ObservationFilter(
            environment_key=environment_key,
            outcome=self.outcome,
            source=self.source,
            package=None if self.package is None else domain.canonical_name(self.package),
        )


async def _count_observations(root: StackObservationConnection, info: Info) -> int:
    return await info.context.reads.count_stack_observations(root.where)


@strawberry.type(description="A page of stack observations, newest first.")
class StackObservationConnection(relay.Connection[StackObservation]):
    where: strawberry.Private[ObservationFilter]
    total_count: int = strawberry.field(
        resolver=_count_observations, description="The number of matching observations."
    )


async def list_stack_observations(
    context: Context,
    where: ObservationFilter,
    first: int | None = DEFAULT_PAGE_SIZE,
    after: str | None = None,
) -> StackObservationConnection:
    """One page of the stack observations `where` selects."""
    size = page_size(first)
    cursor = None
    if after is not None:
        observed_at, key = decode_cursor(after, "StackObservation", 2)
        cursor = ObservationCursor(observed_at, key)
    found = await context.reads.stack_observation_page(where, size + 1, cursor)
    edges, paging = fetched_page(
        found,
        size,
        after,
        "StackObservation",
        lambda o: (o.provenance.observed_at, o.key),
        StackObservation.from_domain,
    )
    return StackObservationConnection(edges=edges, page_info=paging, where=where)

"""Advisories as clients see them (OSV records, one per affected package), and their listing."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Self

import strawberry
from strawberry import relay

from thoth_graphql import domain
from thoth_graphql.api.context import Context, Info
from thoth_graphql.api.errors import UserInputError
from thoth_graphql.api.nodes import context_of, loaded_nodes
from thoth_graphql.api.pagination import (
    DEFAULT_PAGE_SIZE,
    decode_cursor,
    fetched_page,
    page_size,
)
from thoth_graphql.store.port.values import AdvisoryKey


@strawberry.type(description="A range of affected versions: from `introduced` up to `fixed`.")
class AffectedRange:
    introduced: str | None = strawberry.field(description="The first affected version.")
    fixed: str | None = strawberry.field(description="The first version no longer affected.")
    last_affected: str | None = strawberry.field(
        description="The last affected version, for records that know no fix."
    )


@strawberry.type(description="An OSV advisory about one package.")
class Advisory(relay.Node):
    advisory_id: str = strawberry.field(description='The OSV id, e.g. "PYSEC-2021-856".')
    package: str = strawberry.field(description="The canonical name of the affected package.")
    ranges: list[AffectedRange] = strawberry.field(description="The affected version ranges.")
    versions: list[str] = strawberry.field(description="Affected versions listed one by one.")
    severity: float | None = strawberry.field(description="The CVSS base score, when known.")
    summary: str

    @classmethod
    def from_domain(cls, advisory: domain.Advisory) -> Self:
        return cls(
            advisory_id=advisory.id,
            package=advisory.package,
            ranges=[
                AffectedRange(introduced=r.introduced, fixed=r.fixed, last_affected=r.last_affected)
                for r in advisory.ranges
            ],
            versions=list(advisory.versions),
            severity=advisory.severity,
            summary=advisory.summary,
        )

    @classmethod
    def resolve_id(cls, root: Self, *, info: strawberry.Info) -> str:
        return f"{root.package}/{root.advisory_id}"

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: strawberry.Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Self | None]:
        ids = list(node_ids)
        keys = [_advisory_key(i) for i in ids]
        found = await context_of(info).loaders.advisories.load_many(keys)
        return loaded_nodes(found, cls.from_domain, ids, required)


def _advisory_key(node_id: str) -> AdvisoryKey:
    package, sep, advisory_id = node_id.partition("/")
    if not (sep and package and advisory_id):
        raise UserInputError(f"Not the id of an Advisory: {node_id!r}.")
    return AdvisoryKey(advisory_id, package)


async def _count_advisories(root: AdvisoryConnection, info: Info) -> int:
    return await info.context.reads.count_advisories(root.package)


@strawberry.type(description="A page of advisories, by OSV id.")
class AdvisoryConnection(relay.Connection[Advisory]):
    package: strawberry.Private[str | None]
    total_count: int = strawberry.field(
        resolver=_count_advisories, description="The number of advisories listed."
    )


async def list_advisories(
    context: Context,
    package: str | None,
    first: int | None = DEFAULT_PAGE_SIZE,
    after: str | None = None,
) -> AdvisoryConnection:
    """One page of the advisories (of one package, or all)."""
    size = page_size(first)
    cursor = None
    if after is not None:
        advisory_id, advisory_package = decode_cursor(after, "Advisory", 2)
        cursor = AdvisoryKey(advisory_id, advisory_package)
    found = await context.reads.advisory_page(package, size + 1, cursor)
    edges, paging = fetched_page(
        found, size, after, "Advisory", lambda a: (a.id, a.package), Advisory.from_domain
    )
    return AdvisoryConnection(edges=edges, page_info=paging, package=package)

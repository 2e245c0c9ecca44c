"""The GraphQL schema: the Query root, the request limits, and its SDL export."""

from __future__ import annotations

import logging
from functools import partial

import strawberry
from graphql import GraphQLError
from strawberry import relay
from strawberry.extensions import MaxAliasesLimiter, MaxTokensLimiter, QueryDepthLimiter
from strawberry.schema.config import StrawberryConfig
from strawberry.types import ExecutionContext

from thoth_graphql.api.context import Info
from thoth_graphql.api.errors import ErrorPolicy, UserInputError, is_internal
from thoth_graphql.api.pagination import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE
from thoth_graphql.api.types import Package, PackageConnection, search_packages
from thoth_graphql.domain import canonical_name

MAX_DEPTH = 10
MAX_ALIASES = 30
MAX_TOKENS = 5000

logger = logging.getLogger(__name__)


async def _package(info: Info, name: str) -> Package | None:
    found = await info.context.loaders.packages.load(canonical_name(name))
    return Package(name=found.name) if found is not None else None


async def _packages(
    info: Info,
    prefix: str = "",
    first: int | None = DEFAULT_PAGE_SIZE,
    after: str | None = None,
) -> PackageConnection:
    return await search_packages(info, prefix, first, after)


async def _node(info: Info, id: relay.GlobalID) -> relay.Node | None:
    try:
        return await id.resolve_node(info)
    except relay.GlobalIDValueError as error:
        raise UserInputError(f"Not the id of an object: {id}.") from error


@strawberry.type(description="Read the knowledge graph.")
class Query:
    package: Package | None = strawberry.field(
        resolver=_package,
        description="A package by name (any spelling of it); null when unknown.",
    )
    packages: PackageConnection = strawberry.field(
        resolver=_packages,
        description="Packages whose canonical name starts with `prefix`, by name.",
    )
    node: relay.Node | None = strawberry.field(
        resolver=_node, description="The object with this global ID; null when unknown."
    )


class Schema(strawberry.Schema):
    """Logs internal errors with their traceback, and refused requests briefly."""

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        internal = [e for e in errors if is_internal(e)]
        if internal:
            super().process_errors(internal, execution_context)
        for error in errors:
            if not is_internal(error):
                logger.debug("refused a request: %s", error.message)


schema = Schema(
    query=Query,
    extensions=[
        partial(QueryDepthLimiter, max_depth=MAX_DEPTH),
        partial(MaxAliasesLimiter, max_alias_count=MAX_ALIASES),
        partial(MaxTokensLimiter, max_token_count=MAX_TOKENS),
        ErrorPolicy,
    ],
    config=StrawberryConfig(relay_max_results=MAX_PAGE_SIZE),
)


def sdl() -> str:
    """The schema in GraphQL SDL, as committed in schema/schema.graphql."""
    return schema.as_str() + "\n"

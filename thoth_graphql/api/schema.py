"""The GraphQL schema: the Query, Mutation and Subscription roots, the request limits and
extensions every operation passes through, and its SDL export."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncGenerator, Iterable
from functools import partial
from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry import relay
from strawberry.extensions import (
    AddValidationRules,
    MaxTokensLimiter,
    ValidationCache,
)
from strawberry.extensions.max_aliases import create_validator as aliases_rule
from strawberry.extensions.query_depth_limiter import create_validator as depth_rule
from strawberry.schema.config import StrawberryConfig
from strawberry.types import ExecutionContext, ExecutionResult
from strawberry.types.graphql import OperationType

from thoth_graphql.api import limits
from thoth_graphql.api.advise import AdviseResult, advise
from thoth_graphql.api.advisories import AdvisoryConnection, list_advisories
from thoth_graphql.api.analyses import (
    Analysis,
    AnalysisConnection,
    AnalysisKind,
    AnalysisStatus,
    analysis_status,
    find_analysis,
    list_analyses,
)
from thoth_graphql.api.cache import ReadCacheExtension
from thoth_graphql.api.context import Info
from thoth_graphql.api.environments import RuntimeEnvironmentConnection, list_environments
from thoth_graphql.api.errors import CodedError, ErrorCode, ErrorPolicy, UserInputError, is_internal
from thoth_graphql.api.metrics import OperationMetrics, record_error
from thoth_graphql.api.mutations import Mutation
from thoth_graphql.api.observations import (
    StackObservationConnection,
    StackObservationFilter,
    list_stack_observations,
)
from thoth_graphql.api.pagination import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE
from thoth_graphql.api.tokens import ApiTokenInfo, list_tokens
from thoth_graphql.api.types import Package, PackageConnection, search_packages
from thoth_graphql.domain import canonical_name
from thoth_graphql.store.port import AnalysisFilter

MAX_DEPTH = 10
MAX_ALIASES = 30
MAX_TOKENS = 5000

# The depth and alias rules are built once: strawberry's limiters build a new rule class
# for every operation, and ValidationCache keys on the rules, so it never hit (measured by
# bench/api_throughput: cached reads went from 0.29x to 0.79x of raw starlette).
LIMIT_RULES = (depth_rule(MAX_DEPTH, None, None), aliases_rule(MAX_ALIASES))

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


async def _runtime_environments(
    info: Info, first: int | None = DEFAULT_PAGE_SIZE, after: str | None = None
) -> RuntimeEnvironmentConnection:
    return await list_environments(info.context, first, after)


async def _stack_observations(
    info: Info,
    filter: StackObservationFilter | None = None,
    first: int | None = DEFAULT_PAGE_SIZE,
    after: str | None = None,
) -> StackObservationConnection:
    where = (filter or StackObservationFilter()).to_store("filter")
    return await list_stack_observations(info.context, where, first, after)


async def _advisories(
    info: Info,
    package: str | None = None,
    first: int | None = DEFAULT_PAGE_SIZE,
    after: str | None = None,
) -> AdvisoryConnection:
    name = None if package is None else canonical_name(package)
    return await list_advisories(info.context, name, first, after)


async def _analysis(info: Info, id: strawberry.ID) -> Analysis | None:
    return await find_analysis(info, id)


async def _analyses(
    info: Info,
    status: AnalysisStatus | None = None,
    kind: AnalysisKind | None = None,
    first: int | None = DEFAULT_PAGE_SIZE,
    after: str | None = None,
) -> AnalysisConnection:
    return await list_analyses(info.context, AnalysisFilter(status, kind), first, after)


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
    runtime_environments: RuntimeEnvironmentConnection = strawberry.field(
        resolver=_runtime_environments, description="The registered runtime environments."
    )
    stack_observations: StackObservationConnection = strawberry.field(
        resolver=_stack_observations,
        description="Stack observations, newest first; `filter` narrows them.",
    )
    advisories: AdvisoryConnection = strawberry.field(
        resolver=_advisories, description="Advisories (of one package, or all), by OSV id."
    )
    advise: AdviseResult = strawberry.field(
        resolver=advise,
        description=(
            "The best fully locked stacks for `input.requirements` in a runtime environment, "
            "for one recommendation type, with a justification for every package; or why "
            "no stack exists. Semantics: docs/advise.md."
        ),
    )
    analysis: Analysis | None = strawberry.field(
        resolver=_analysis,
        description="An analysis by its id (or its global ID); null when unknown.",
    )
    analyses: AnalysisConnection = strawberry.field(
        resolver=_analyses, description="Analyses, newest first, by status and kind."
    )
    node: relay.Node | None = strawberry.field(
        resolver=_node, description="The object with this global ID; null when unknown."
    )
    tokens: list[ApiTokenInfo] = strawberry.field(
        resolver=list_tokens,
        description="Every API token, oldest first, never its secret (needs an ADMIN token).",
    )


def _analysis_status(info: Info, id: strawberry.ID) -> AsyncGenerator[Analysis, None]:
    return analysis_status(info, id)


@strawberry.type(description="Follow changes over graphql-transport-ws.")
class Subscription:
    analysis_status: AsyncGenerator[Analysis, None] = strawberry.subscription(
        resolver=_analysis_status,
        description=(
            "The analysis now, then again each time its status changes; completes when it "
            "has SUCCEEDED or FAILED. An unknown id is an error with code NOT_FOUND."
        ),
    )


class Schema(strawberry.Schema):
    """Logs internal errors with their traceback, refused requests briefly, and holds every
    query and mutation to a time limit."""

    time_limit_seconds = limits.TIME_LIMIT_SECONDS

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        internal = [e for e in errors if is_internal(e)]
        if internal:
            super().process_errors(internal, execution_context)
        for error in errors:
            if not is_internal(error):
                logger.debug("refused a request: %s", error.message)

    async def execute(
        self,
        query: str | None,
        variable_values: dict[str, Any] | None = None,
        context_value: Any | None = None,
        root_value: Any | None = None,
        operation_name: str | None = None,
        allowed_operation_types: Iterable[OperationType] | None = None,
        operation_extensions: dict[str, Any] | None = None,
    ) -> ExecutionResult:
        try:
            async with asyncio.timeout(self.time_limit_seconds):
                return await super().execute(
                    query,
                    variable_values=variable_values,
                    context_value=context_value,
                    root_value=root_value,
                    operation_name=operation_name,
                    allowed_operation_types=allowed_operation_types,
                    operation_extensions=operation_extensions,
                )
        except TimeoutError:
            error = CodedError(
                ErrorCode.TIMEOUT,
                f"The operation took longer than {self.time_limit_seconds:g} s and was stopped.",
            )
            record_error(operation_name, error)
            return ExecutionResult(data=None, errors=[error])


schema = Schema(
    query=Query,
    mutation=Mutation,
    subscription=Subscription,
    extensions=[
        partial(AddValidationRules, list(LIMIT_RULES)),
        partial(MaxTokensLimiter, max_token_count=MAX_TOKENS),
        # (strawberry's ParserCache raises parse errors outside of on_operation, where they
        # would escape ErrorPolicy; validation is the dearer step anyway.)
        partial(ValidationCache, maxsize=256),
        OperationMetrics,
        ReadCacheExtension,
        ErrorPolicy,
    ],
    config=StrawberryConfig(relay_max_results=MAX_PAGE_SIZE),
)


def sdl() -> str:
    """The schema in GraphQL SDL, as committed in schema/schema.graphql."""
    return schema.as_str() + "\n"

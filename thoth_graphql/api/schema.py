"""The GraphQL schema: the Query, Mutation and Subscription roots, the request limits and
extensions every operation passes through, and its SDL export."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncGenerator, AsyncIterator, Iterable
from contextlib import aclosing
from functools import partial
from typing import Any, TypeVar

import strawberry
from graphql import GraphQLError
from strawberry import relay
from strawberry.extensions import MaxTokensLimiter
from strawberry.schema.config import StrawberryConfig
from strawberry.schema.schema import StreamResult
from strawberry.types import ExecutionContext, ExecutionResult
from strawberry.types.graphql import OperationType

from thoth_graphql.api import cost, limits
from thoth_graphql.api.advise_query import AdviseResult, resolve_advise
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
from thoth_graphql.api.arguments import ArgumentBounds
from thoth_graphql.api.cache import ReadCacheExtension
from thoth_graphql.api.context import Info
from thoth_graphql.api.environments import RuntimeEnvironmentConnection, list_environments
from thoth_graphql.api.errors import CodedError, ErrorCode, ErrorPolicy, UserInputError, is_internal
from thoth_graphql.api.learning import Learning, follow_learning
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
from thoth_graphql.api.validation import DocumentValidation
from thoth_graphql.domain import canonical_name
from thoth_graphql.store.port.values import AnalysisFilter

MAX_DEPTH = cost.MAX_DEPTH
MAX_ALIASES = cost.MAX_ALIASES
MAX_TOKENS = 5000
T = TypeVar("T")

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
        resolver=resolve_advise,
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


async def _analysis_status(info: Info, id: strawberry.ID) -> AsyncIterator[Analysis]:
    return await _held(info, analysis_status(info, id))


async def _learning(info: Info, id: strawberry.ID) -> AsyncIterator[Learning]:
    return await _held(info, follow_learning(info, id))


async def _held(info: Info, source: AsyncGenerator[T, None]) -> AsyncIterator[T]:
    """`source` in one of the server's subscription slots, or RATE_LIMITED when none is left
    for this client (anonymous clients share a smaller pool than token holders)."""
    anonymous = await info.context.token() is None
    slots = limits.subscription_slots
    if not slots.take(anonymous):
        await source.aclose()
        who = "clients without a token" if anonymous else "this server"
        raise CodedError(
            ErrorCode.RATE_LIMITED,
            f"The subscriptions {who} may hold are all taken; retry later.",
        )
    return limits.HeldSubscription(source, slots, anonymous)


@strawberry.type(description="Follow changes over graphql-transport-ws.")
class Subscription:
    analysis_status: AsyncIterator[Analysis] = strawberry.subscription(
        resolver=_analysis_status,
        description=(
            "The analysis now, then again each time its status changes; completes when it "
            "has SUCCEEDED or FAILED. An unknown id is an error with code NOT_FOUND."
        ),
    )
    learning: AsyncIterator[Learning] = strawberry.subscription(
        resolver=_learning,
        description=(
            "A learning (`learn`) now, then after every change (a round started, analyses "
            "queued, succeeded or failed); completes when it has finished, with the final "
            "advise answer in `result` and why it stopped in `stopReason`. Only the token "
            "that started it, or an admin's, may follow it; for others it is NOT_FOUND."
        ),
    )


class Schema(strawberry.Schema):
    """Logs internal errors with their traceback, refused requests briefly, and holds every
    query and mutation to a time limit, over HTTP (`execute`) and WebSocket (`stream`)."""

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
            return self._timed_out(operation_name)

    async def stream(
        self,
        query: str | None,
        variable_values: dict[str, Any] | None = None,
        context_value: Any | None = None,
        root_value: Any | None = None,
        operation_name: str | None = None,
        operation_extensions: dict[str, Any] | None = None,
        allowed_operation_types: Iterable[OperationType] | None = None,
    ) -> StreamResult:
        source = await super().stream(
            query,
            variable_values=variable_values,
            context_value=context_value,
            root_value=root_value,
            operation_name=operation_name,
            operation_extensions=operation_extensions,
            allowed_operation_types=allowed_operation_types,
        )
        return self._first_in_time(source, operation_name)

    async def _first_in_time(
        self, source: StreamResult, operation_name: str | None
    ) -> StreamResult:
        """`source`, whose first result (a query's or mutation's only one; a subscription's
        first) must come within the time limit, as an HTTP response must."""
        async with aclosing(source):
            try:
                async with asyncio.timeout(self.time_limit_seconds):
                    first = await anext(source)
            except StopAsyncIteration:
                return
            except TimeoutError:
                yield self._timed_out(operation_name)
                return
            yield first
            async for result in source:
                yield result

    def _timed_out(self, operation_name: str | None) -> ExecutionResult:
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
        partial(MaxTokensLimiter, max_token_count=MAX_TOKENS),
        # Depth, aliases and fields are measured by DocumentValidation, each fragment once:
        # strawberry's depth and alias rules expand every spread anew, so 2 KB of nested
        # fragments held the event loop for minutes (tests/security/test_fragment_bomb.py).
        # (strawberry's ParserCache raises parse errors outside of on_operation, where they
        # would escape ErrorPolicy; validation is the dearer step anyway.)
        DocumentValidation,
        OperationMetrics,
        ArgumentBounds,
        ReadCacheExtension,
        ErrorPolicy,
    ],
    config=StrawberryConfig(relay_max_results=MAX_PAGE_SIZE),
)


def sdl() -> str:
    """The schema in GraphQL SDL, as committed in schema/schema.graphql."""
    return schema.as_str() + "\n"

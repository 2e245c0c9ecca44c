"""Analyses as clients see them: one by id, a filtered listing, and a subscription to the
status of one, which polls the store and ends when the analysis is finished.

What an analysis was asked (index URLs, inspection scripts), why it failed and where its
result lies are its requester's and admins' to see; everyone else sees its id, kind,
status and times, and null for the rest."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncGenerator, Iterable
from typing import Self

import strawberry
from strawberry import relay
from strawberry.scalars import JSON

from thoth_graphql import domain
from thoth_graphql.api.context import Context, Info
from thoth_graphql.api.errors import CodedError, ErrorCode
from thoth_graphql.api.nodes import context_of, loaded_nodes
from thoth_graphql.api.pagination import (
    DEFAULT_PAGE_SIZE,
    decode_cursor,
    fetched_page,
    page_size,
)
from thoth_graphql.domain import TokenScope
from thoth_graphql.store.port.values import AnalysisCursor, AnalysisFilter

# The domain's enums are the GraphQL enums: registered once here, used by their own names.
strawberry.enum(domain.AnalysisKind, description="What an analysis does.")
strawberry.enum(domain.AnalysisStatus, description="QUEUED -> RUNNING -> SUCCEEDED | FAILED.")
AnalysisKind = domain.AnalysisKind
AnalysisStatus = domain.AnalysisStatus

POLL_SECONDS = 0.25
"""How often a status subscription reads the store."""


async def may_see_details(info: Info, requester: str | None) -> bool:
    """Whether the request's token asked for the analysis, or is an admin's."""
    token = await info.context.token() if info.context.bearer_secret() else None
    if token is None:
        return False
    return token.scope is TokenScope.ADMIN or (
        requester is not None and token.token_hash == requester
    )


async def _parameters(root: Analysis, info: Info) -> JSON | None:
    if not await may_see_details(info, root.requester):
        return None
    parameters: JSON = json.loads(json.dumps(root.hidden.parameters))
    return parameters


async def _error(root: Analysis, info: Info) -> str | None:
    return root.hidden.error if await may_see_details(info, root.requester) else None


async def _result_ref(root: Analysis, info: Info) -> str | None:
    return root.hidden.result_ref if await may_see_details(info, root.requester) else None


@strawberry.type(description="A requested piece of sandboxed work and the state it is in.")
class Analysis(relay.Node):
    analysis_id: str = strawberry.field(description="The id `analysis(id:)` takes.")
    kind: AnalysisKind
    status: AnalysisStatus
    created_at: str | None
    started_at: str | None
    finished_at: str | None
    parameters: JSON | None = strawberry.field(
        resolver=_parameters,
        description="What the analysis was asked to do; null unless the request's token "
        "asked for it or is an admin's.",
    )
    error: str | None = strawberry.field(
        resolver=_error, description="Why it failed; null for whoever may not see parameters."
    )
    result_ref: str | None = strawberry.field(
        resolver=_result_ref,
        description="Where its raw result is stored; null for whoever may not see parameters.",
    )
    requester: strawberry.Private[str | None]
    hidden: strawberry.Private[domain.Analysis]

    @classmethod
    def from_domain(cls, analysis: domain.Analysis) -> Self:
        return cls(
            analysis_id=analysis.id,
            kind=analysis.kind,
            status=analysis.status,
            created_at=analysis.created_at,
            started_at=analysis.started_at,
            finished_at=analysis.finished_at,
            requester=analysis.requester,
            hidden=analysis,
        )

    @classmethod
    def resolve_id(cls, root: Self, *, info: strawberry.Info) -> str:
        return root.analysis_id

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: strawberry.Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Self | None]:
        ids = list(node_ids)
        context = context_of(info)
        context.reads_queue = True
        found = await context.loaders.analyses.load_many(ids)
        return loaded_nodes(found, cls.from_domain, ids, required)


def analysis_id(value: str) -> str:
    """The analysis id a client gave: its own id, or the global ID of an Analysis."""
    try:
        decoded = relay.GlobalID.from_id(value)
    except relay.GlobalIDValueError:
        return value
    return decoded.node_id if decoded.type_name == "Analysis" else value


async def find_analysis(info: Info, id: str) -> Analysis | None:
    info.context.reads_queue = True
    found = await info.context.loaders.analyses.load(analysis_id(id))
    return None if found is None else Analysis.from_domain(found)


async def _count_analyses(root: AnalysisConnection, info: Info) -> int:
    info.context.reads_queue = True
    return await info.context.reads.count_analyses(root.where)


@strawberry.type(description="A page of analyses, newest first.")
class AnalysisConnection(relay.Connection[Analysis]):
    where: strawberry.Private[AnalysisFilter]
    total_count: int = strawberry.field(
        resolver=_count_analyses, description="The number of matching analyses."
    )


async def list_analyses(
    context: Context,
    where: AnalysisFilter,
    first: int | None = DEFAULT_PAGE_SIZE,
    after: str | None = None,
) -> AnalysisConnection:
    """One page of the analyses `where` selects."""
    size = page_size(first)
    cursor = None
    if after is not None:
        created_at, id = decode_cursor(after, "Analysis", 2)
        cursor = AnalysisCursor(created_at, id)
    context.reads_queue = True
    found = await context.reads.analysis_page(where, size + 1, cursor)
    edges, paging = fetched_page(
        found, size, after, "Analysis", lambda a: (a.created_at or "", a.id), Analysis.from_domain
    )
    return AnalysisConnection(edges=edges, page_info=paging, where=where)


async def analysis_status(info: Info, id: str) -> AsyncGenerator[Analysis, None]:
    """The analysis now, then each time it changes, until it is finished."""
    wanted = analysis_id(id)
    reads = info.context.reads
    last: domain.Analysis | None = None
    while True:
        found = await reads.analysis_now(wanted)
        if found is None:
            raise CodedError(ErrorCode.NOT_FOUND, f"No analysis has the id {wanted!r}.")
        if found != last:
            last = found
            yield Analysis.from_domain(found)
        if found.status.finished:
            return
        await asyncio.sleep(POLL_SECONDS)

"""The read cache: results of read-only operations, keyed by what they asked and by the
knowledge generation they were computed at, so a write is never followed by a stale read.

Analyses and tokens have a generation of their own (the queue's), which the dispatcher
moves all the time; it does not empty the cache. An answer that read the queue (a resolver
set `Context.reads_queue`) is kept with the queue generation it was computed at and served
only while that is still current; an answer that consulted the token is never kept.

`ReadCacheExtension` is a schema extension: every transport (POST, GET, WebSocket) that
executes through the schema gets it, with nothing to wire in the view. The cache is one of
the process' `Services`, found through the request's Context.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from collections.abc import AsyncIterator
from typing import Any

from graphql import ExecutionResult as GraphQLExecutionResult
from strawberry.extensions import SchemaExtension
from strawberry.types.graphql import OperationType

from thoth_graphql.domain.token import hash_secret
from thoth_graphql.graph_reads import GraphReads
from thoth_graphql.store.port import Generations

CACHED_RESULTS = 1024

CacheKey = tuple[str, str, str, str]


class ReadCache:
    """Results of the current knowledge generation, least recently used dropped first; each
    with the queue generation it read at, or None if it read nothing of the queue."""

    def __init__(self, size: int = CACHED_RESULTS) -> None:
        self.size = size
        self.hits = 0
        self.misses = 0
        self._generation: int | None = None
        self._results: OrderedDict[CacheKey, tuple[int | None, GraphQLExecutionResult]] = (
            OrderedDict()
        )

    def get(
        self, key: CacheKey, generation: int, queue: int | None = None
    ) -> GraphQLExecutionResult | None:
        """The result cached for `key` at knowledge `generation`, unless it read the queue
        at another generation than `queue`."""
        if generation != self._generation:
            self.misses += 1
            return None
        found = self._results.get(key)
        if found is None or (found[0] is not None and found[0] != queue):
            self.misses += 1
            return None
        self._results.move_to_end(key)
        self.hits += 1
        return found[1]

    def put(
        self,
        key: CacheKey,
        generation: int,
        result: GraphQLExecutionResult,
        queue: int | None = None,
    ) -> None:
        """Keep `result`, computed at knowledge `generation` and, if it read the queue, at
        queue generation `queue`."""
        if self._generation is None or generation > self._generation:
            # The graph moved on: nothing computed before can be served again.
            self._results.clear()
            self._generation = generation
        elif generation < self._generation:
            return  # computed from an older graph while a newer one was cached
        self._results[key] = (queue, result)
        self._results.move_to_end(key)
        while len(self._results) > self.size:
            self._results.popitem(last=False)

    def __len__(self) -> int:
        return len(self._results)


def cache_key(
    query: str, variables: dict[str, Any] | None, operation: str | None, viewer: str = ""
) -> CacheKey:
    """What makes two operations the same: document, variables, operation name, and who
    asks (the hash of the bearer secret, or ""): an analysis' details are shown to its
    requester only, so one viewer's answer must never be served to another."""
    variables_text = json.dumps(variables or {}, sort_keys=True, default=str)
    return (query, variables_text, operation or "", viewer)


class ReadCacheExtension(SchemaExtension):
    """Serves a query from the cache of its store, or caches its error-free result unless
    the token of the request was consulted to compute it."""

    async def on_execute(self) -> AsyncIterator[None]:
        execution = self.execution_context
        context = execution.context
        cache: ReadCache | None = getattr(context, "cache", None)
        reads: GraphReads | None = getattr(context, "reads", None)
        if (
            cache is None
            or reads is None
            or execution.query is None
            or execution.operation_type is not OperationType.QUERY
        ):
            yield
            return
        try:
            generations: Generations = await reads.generations()
        except Exception:  # no cache then; the resolvers meet the failure and report it
            yield
            return
        secret = context.bearer_secret() if hasattr(context, "bearer_secret") else None
        viewer = "" if secret is None else hash_secret(secret)
        key = cache_key(execution.query, execution.variables, execution.operation_name, viewer)
        if hasattr(context, "token_consulted"):
            # Keying by viewer is no use of the token by a resolver: only those count.
            context.token_consulted = False
        found = cache.get(key, generations.knowledge, generations.queue)
        if found is not None:
            execution.result = found  # strawberry then skips execution
            yield
            return
        yield
        result = execution.result
        # An answer computed after asking who the client is may hold what only that client
        # may see (advise with solveUnknown queues analyses for a writer), a private one
        # (the token listing) is for one token's eyes, a provisional one was cut short by a
        # time limit: none of them is kept.
        if getattr(context, "token_consulted", False) or getattr(context, "private", False):
            return
        provisional = getattr(context, "provisional", False)
        if isinstance(result, GraphQLExecutionResult) and not result.errors and not provisional:
            queue = generations.queue if getattr(context, "reads_queue", False) else None
            cache.put(key, generations.knowledge, result, queue)

"""The read cache: results of read-only operations, keyed by what they asked and by the
graph generation they were computed at, so a write is never followed by a stale read.

`ReadCacheExtension` is a schema extension: every transport (POST, GET, WebSocket) that
executes through the schema gets it, with nothing to wire in the view. Each store has its
own cache (`read_cache_for`), found through the request's Context.
"""

from __future__ import annotations

import json
import weakref
from collections import OrderedDict
from collections.abc import AsyncIterator
from typing import Any

from graphql import ExecutionResult as GraphQLExecutionResult
from strawberry.extensions import SchemaExtension
from strawberry.types.graphql import OperationType

from thoth_graphql.domain.token import hash_secret
from thoth_graphql.store.port import GraphStore

CACHED_RESULTS = 1024

CacheKey = tuple[str, str, str, str]


class ReadCache:
    """Results of the current graph generation, least recently used dropped first."""

    def __init__(self, size: int = CACHED_RESULTS) -> None:
        self.size = size
        self.hits = 0
        self.misses = 0
        self._generation: int | None = None
        self._results: OrderedDict[CacheKey, GraphQLExecutionResult] = OrderedDict()

    def get(self, key: CacheKey, generation: int) -> GraphQLExecutionResult | None:
        if generation != self._generation:
            self.misses += 1
            return None
        found = self._results.get(key)
        if found is None:
            self.misses += 1
            return None
        self._results.move_to_end(key)
        self.hits += 1
        return found

    def put(self, key: CacheKey, generation: int, result: GraphQLExecutionResult) -> None:
        if self._generation is None or generation > self._generation:
            # The graph moved on: nothing computed before can be served again.
            self._results.clear()
            self._generation = generation
        elif generation < self._generation:
            return  # computed from an older graph while a newer one was cached
        self._results[key] = result
        self._results.move_to_end(key)
        while len(self._results) > self.size:
            self._results.popitem(last=False)

    def __len__(self) -> int:
        return len(self._results)


_caches: weakref.WeakKeyDictionary[GraphStore, ReadCache] = weakref.WeakKeyDictionary()


def read_cache_for(store: GraphStore) -> ReadCache:
    """The one read cache of a store (made on first use, gone with the store)."""
    cache = _caches.get(store)
    if cache is None:
        cache = _caches[store] = ReadCache()
    return cache


def size_read_cache(store: GraphStore, size: int) -> None:
    """Give `store` a read cache of `size` results; 0 turns caching off (for benchmarks)."""
    _caches[store] = ReadCache(size)


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
        store: GraphStore | None = getattr(context, "store", None)
        if (
            cache is None
            or store is None
            or execution.query is None
            or execution.operation_type is not OperationType.QUERY
        ):
            yield
            return
        try:
            generation = await store.generation()
        except Exception:  # no cache then; the resolvers meet the failure and report it
            yield
            return
        secret = context.bearer_secret() if hasattr(context, "bearer_secret") else None
        viewer = "" if secret is None else hash_secret(secret)
        key = cache_key(execution.query, execution.variables, execution.operation_name, viewer)
        if hasattr(context, "token_consulted"):
            # Keying by viewer is no use of the token by a resolver: only those count.
            context.token_consulted = False
        found = cache.get(key, generation)
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
            cache.put(key, generation, result)

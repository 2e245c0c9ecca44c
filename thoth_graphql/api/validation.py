"""Validation of GraphQL documents: their cost and written arguments first, on the event
loop and linear in their size; then graphql-core's rules (in a worker thread for costly
documents), cached for short documents."""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import AsyncIterator

from graphql import GraphQLError
from strawberry.extensions import SchemaExtension
from strawberry.schema.schema import validate_document

from thoth_graphql.api import arguments, cost

CACHED_DOCUMENTS = 256
INLINE_FIELDS = 200
"""Documents selecting at most this many fields (fragments expanded) are validated on the
event loop: graphql-core's rules take milliseconds for them (6.5 ms for a 10-field read on
a loaded 2-core machine), and a hop to a thread would add its hand-overs to every request.
Costlier ones, up to the cost limits, are validated in a thread."""
CACHEABLE_LENGTH = 16 * 1024
"""Only documents this short (in characters) are cached: the cache holds at most 4 MiB of
client text."""

_validated: OrderedDict[str, list[GraphQLError]] = OrderedDict()


class DocumentValidation(SchemaExtension):
    """Refuses documents too costly to run, or with an oversized argument, before any rule
    sees them; then validates the rest, costly ones off the event loop, so that no document
    can hold the loop (and /healthz) while the request's time limit still applies."""

    async def on_validate(self) -> AsyncIterator[None]:
        execution = self.execution_context
        document = execution.graphql_document
        if document is None or execution.pre_execution_errors is not None:
            yield
            return
        query = execution.query or ""
        cacheable = len(query) <= CACHEABLE_LENGTH
        errors = _validated.get(query) if cacheable else None
        if errors is None:
            assessment = cost.assess(document)
            errors = assessment.refusals or arguments.written_refusals(document)
            if not errors:
                rules = (execution.schema._schema, document, tuple(execution.validation_rules))
                if assessment.fields <= INLINE_FIELDS:
                    errors = validate_document(*rules)
                else:
                    errors = await asyncio.to_thread(validate_document, *rules)
            if cacheable:
                _validated[query] = errors
                while len(_validated) > CACHED_DOCUMENTS:
                    _validated.popitem(last=False)
        else:
            _validated.move_to_end(query)
        execution.pre_execution_errors = errors
        yield

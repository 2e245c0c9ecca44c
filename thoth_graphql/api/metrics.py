"""Prometheus metrics of GraphQL operations (count, errors by code, latency, by operation
name), recorded by a schema extension and served at /metrics.

Operation names come from clients, so only well-formed names are used as labels, and only
the first MAX_NAMES of them; others are counted as "other".
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator

from graphql import GraphQLError
from prometheus_client import CONTENT_TYPE_LATEST, Counter, Histogram, generate_latest
from starlette.requests import Request
from starlette.responses import Response
from strawberry.extensions import SchemaExtension

from thoth_graphql.api.errors import error_code

MAX_NAMES = 200
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")

OPERATIONS = Counter(
    "thoth_graphql_operations", "GraphQL operations executed.", ["operation", "type"]
)
ERRORS = Counter(
    "thoth_graphql_operation_errors", "Errors in GraphQL responses, by code.", ["operation", "code"]
)
LATENCY = Histogram(
    "thoth_graphql_operation_duration_seconds",
    "Time to answer a GraphQL operation.",
    ["operation", "type"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)

_names: set[str] = set()


def operation_label(name: str | None) -> str:
    """The label of an operation name: itself if well formed and among the first seen."""
    if not name:
        return "anonymous"
    if not _NAME.match(name):
        return "other"
    if name not in _names:
        if len(_names) >= MAX_NAMES:
            return "other"
        _names.add(name)
    return name


def record_error(operation: str | None, error: GraphQLError) -> None:
    code = (error.extensions or {}).get("code") or error_code(error).value
    ERRORS.labels(operation_label(operation), str(code)).inc()


class OperationMetrics(SchemaExtension):
    """Counts each operation, its errors by code, and its latency."""

    def on_operation(self) -> Iterator[None]:
        started = time.perf_counter()
        yield
        execution = self.execution_context
        try:
            kind = execution.operation_type.value
        except Exception:  # the document did not parse, or names no such operation
            kind = "invalid"
        label = operation_label(execution.operation_name)
        OPERATIONS.labels(label, kind).inc()
        LATENCY.labels(label, kind).observe(time.perf_counter() - started)
        result = execution.result
        errors = list(getattr(result, "errors", None) or execution.pre_execution_errors or [])
        for error in errors:
            record_error(execution.operation_name, error)


async def metrics(request: Request) -> Response:
    """The Prometheus exposition of this process's metrics."""
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)

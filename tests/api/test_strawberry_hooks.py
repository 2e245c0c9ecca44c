"""The strawberry hooks api/http.py overrides or calls are still there, with the parameters
they were written for (strawberry-graphql 0.341). Strawberry's view API moves between minor
versions; an upgrade that changes a hook must fail here, not in production, where a renamed
hook would silently stop being called and a changed one would be called wrongly."""

from __future__ import annotations

import inspect
from importlib.metadata import version

import pytest
from strawberry.asgi import GraphQL

from thoth_graphql.api.http import GraphQLEndpoint

WRITTEN_FOR = "0.341."

# The hook, and its parameters' names in the version the overrides were written for.
HOOKS: dict[str, list[str]] = {
    "__init__": [
        "self",
        "schema",
        "graphql_ide",
        "allow_queries_via_get",
        "keep_alive",
        "keep_alive_interval",
        "subscription_protocols",
        "connection_init_wait_timeout",
        "multipart_uploads_enabled",
        "max_subscriptions_per_connection",
        "allowed_origins",
    ],
    "__call__": ["self", "scope", "receive", "send"],
    "get_context": ["self", "request", "response"],
    "get_sub_response": ["self", "request"],
    "render_graphql_ide": ["self", "request"],
    "parse_json": ["self", "data"],
    "parse_http_body": ["self", "request"],
    "execute_single": [
        "self",
        "request",
        "request_adapter",
        "sub_response",
        "context",
        "root_value",
        "request_data",
    ],
    "process_result": ["self", "request", "result"],
    "create_response": ["self", "response_data", "sub_response"],
    # Called, not overridden:
    "run": ["self", "request", "context", "root_value"],
    "should_render_graphql_ide": ["self", "request"],
}


def parameters(function: object) -> list[str]:
    return list(inspect.signature(function).parameters)  # type: ignore[arg-type]


def test_the_pinned_minor_version_is_installed() -> None:
    assert version("strawberry-graphql").startswith(WRITTEN_FOR)


@pytest.mark.parametrize("hook", HOOKS)
def test_the_hook_is_unchanged(hook: str) -> None:
    assert callable(getattr(GraphQL, hook, None)), f"strawberry's view has no {hook} any more"
    assert parameters(getattr(GraphQL, hook)) == HOOKS[hook]


def test_every_override_in_the_endpoint_is_a_checked_hook() -> None:
    overridden = {
        name
        for name, value in vars(GraphQLEndpoint).items()
        if callable(value) and any(name in vars(base) for base in GraphQL.__mro__)
    }
    assert overridden <= set(HOOKS)
    for name in overridden - {"__init__"}:  # ours takes the services instead
        assert parameters(vars(GraphQLEndpoint)[name]) == HOOKS[name], name


def test_the_request_adapter_is_starlettes() -> None:
    # _respond hands the view's request adapter a starlette Request.
    assert GraphQL.request_adapter_class.__name__ == "StarletteRequestAdapter"

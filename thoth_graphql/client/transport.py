"""How the client reaches a GraphQL endpoint: one `execute` over HTTP (httpx), and the
errors a GraphQL answer can carry."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, Protocol

import httpx

Data = dict[str, Any]
"""The `data` of a GraphQL answer."""

ACCEPT = "application/graphql-response+json, application/json;q=0.9"


class Transport(Protocol):
    """Runs one GraphQL operation; the client knows nothing else of where the API is."""

    def execute(self, query: str, variables: Mapping[str, Any] | None = None) -> Data:
        """The answer's `data`; raises GraphQLError when the answer has errors."""
        ...

    def close(self) -> None: ...


class ServerUnavailable(Exception):
    """The API could not be reached, or did not answer with GraphQL."""


class GraphQLError(Exception):
    """The API answered with errors; `errors` holds them as sent."""

    def __init__(self, errors: list[dict[str, Any]]) -> None:
        self.errors = errors
        first = errors[0] if errors else {}
        super().__init__(str(first.get("message", "the API answered with an error")))

    @property
    def code(self) -> str | None:
        """The `extensions.code` of the first error (e.g. BAD_USER_INPUT, UNAUTHENTICATED)."""
        extensions = self.errors[0].get("extensions") if self.errors else None
        return extensions.get("code") if isinstance(extensions, dict) else None


def graphql_url(url: str) -> str:
    """The /graphql endpoint of a server given by its base URL (or the endpoint itself)."""
    url = url.rstrip("/")
    return url if url.endswith("/graphql") else f"{url}/graphql"


def answer_data(status: int, body: bytes) -> Data:
    """The `data` of a GraphQL-over-HTTP response body, or the error it carries."""
    try:
        answer = json.loads(body)
    except ValueError as error:
        raise ServerUnavailable(f"the server answered {status} without GraphQL") from error
    if not isinstance(answer, dict):
        raise ServerUnavailable(f"the server answered {status} without GraphQL")
    if answer.get("errors"):
        raise GraphQLError(list(answer["errors"]))
    data = answer.get("data")
    if not isinstance(data, dict):
        raise ServerUnavailable(f"the server answered {status} without data")
    return data


class HttpTransport:
    """GraphQL over HTTP POST to a server, with an optional bearer token."""

    def __init__(self, url: str, *, token: str | None = None, timeout: float = 60.0) -> None:
        self.url = graphql_url(url)
        headers = {"accept": ACCEPT}
        if token:
            headers["authorization"] = f"Bearer {token}"
        self._http = httpx.Client(headers=headers, timeout=timeout)

    def execute(self, query: str, variables: Mapping[str, Any] | None = None) -> Data:
        try:
            response = self._http.post(
                self.url, json={"query": query, "variables": dict(variables or {})}
            )
        except httpx.HTTPError as error:
            raise ServerUnavailable(f"{self.url}: {error}") from error
        return answer_data(response.status_code, response.content)

    def close(self) -> None:
        self._http.close()

"""A minimal GraphQL-over-HTTP client for the API tests."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx


@dataclass(frozen=True)
class Result:
    data: dict[str, Any] | None
    errors: list[dict[str, Any]]

    @property
    def codes(self) -> list[str]:
        """The extensions.code of every error, in order."""
        return [e["extensions"]["code"] for e in self.errors]


class GraphQLClient:
    """POSTs operations to /graphql (with a bearer token, if given) and decodes the response."""

    def __init__(self, http: httpx.AsyncClient, token: str | None = None) -> None:
        self.http = http
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    def with_token(self, token: str | None) -> GraphQLClient:
        return GraphQLClient(self.http, token)

    async def __call__(self, query: str, **variables: Any) -> Result:
        response = await self.http.post(
            "/graphql", json={"query": query, "variables": variables}, headers=self.headers
        )
        assert response.status_code == 200, response.text
        body = response.json()
        return Result(body.get("data"), body.get("errors", []))

"""The ASGI app: GraphQL at /graphql (HTTP and graphql-transport-ws) and /healthz."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route, WebSocketRoute
from starlette.types import Lifespan

from thoth_graphql.api.http import GraphQLEndpoint
from thoth_graphql.store.port import GraphStore


async def healthz(request: Request) -> PlainTextResponse:
    return PlainTextResponse("ok")


def create_app(store: GraphStore, *, lifespan: Lifespan[Starlette] | None = None) -> Starlette:
    """The app serving `store`, which the caller opens and closes (e.g. in `lifespan`)."""
    graphql = GraphQLEndpoint(store)
    return Starlette(
        routes=[
            Route("/graphql", graphql),
            WebSocketRoute("/graphql", graphql),
            Route("/healthz", healthz, methods=["GET", "HEAD"]),
        ],
        lifespan=lifespan,
    )

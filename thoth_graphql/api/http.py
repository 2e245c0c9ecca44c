"""GraphQL over HTTP and WebSocket: strawberry's ASGI view with one Context per request."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL

from thoth_graphql.api.context import Context
from thoth_graphql.api.schema import schema
from thoth_graphql.store.port import GraphStore


class GraphQLEndpoint(GraphQL[Context, None]):
    """Strawberry's ASGI view, giving each request a fresh Context over one store."""

    def __init__(self, store: GraphStore) -> None:
        super().__init__(
            schema,
            graphql_ide="graphiql",
            allow_queries_via_get=True,
            subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
        )
        self.store = store

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> Context:
        return Context(self.store, request=request, response=response)

"""The context every resolver receives: the store port and this request's loaders."""

from __future__ import annotations

from dataclasses import dataclass, field

import strawberry
from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket

from thoth_graphql.api.loaders import Loaders
from thoth_graphql.store.port import GraphStore


@dataclass(slots=True)
class Context:
    """What a resolver may use; it reaches data only through `store` and `loaders`."""

    store: GraphStore
    loaders: Loaders = field(init=False)
    request: Request | WebSocket | None = None
    response: Response | WebSocket | None = None

    def __post_init__(self) -> None:
        # A WebSocket's context lives as long as the connection, so a cache would serve
        # every later operation on it what the first one read.
        self.loaders = Loaders.for_store(self.store, cache=not isinstance(self.request, WebSocket))


Info = strawberry.Info[Context, None]

"""The ASGI app: GraphQL at /graphql (HTTP and graphql-transport-ws), GraphiQL's assets,
the advise page at /app, /healthz, /readyz and /metrics, behind the request-id, CORS and
body-limit middleware."""

from __future__ import annotations

from collections.abc import Sequence

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import Mount, Route, WebSocketRoute
from starlette.types import Lifespan

from thoth_graphql.api import advise_page
from thoth_graphql.api.cors import cors
from thoth_graphql.api.graphiql import ASSETS_PATH, GraphiQLAssets
from thoth_graphql.api.health import healthz, readiness
from thoth_graphql.api.http import GraphQLEndpoint
from thoth_graphql.api.limits import MAX_BODY_BYTES, BodyLimits
from thoth_graphql.api.metrics import metrics
from thoth_graphql.api.request_log import RequestLog, stamp_request_ids
from thoth_graphql.store.port import GraphStore


def create_app(
    store: GraphStore,
    *,
    lifespan: Lifespan[Starlette] | None = None,
    max_body_bytes: int = MAX_BODY_BYTES,
    cors_origins: Sequence[str] = (),
) -> Starlette:
    """The app serving `store`, which the caller opens and closes (e.g. in `lifespan`).

    Browser applications served from `cors_origins` (`*` for any) may call it; by default
    only pages of its own origin may.
    """
    stamp_request_ids()
    graphql = GraphQLEndpoint(store)
    return Starlette(
        routes=[
            Route("/graphql", graphql),
            WebSocketRoute("/graphql", graphql),
            Mount(ASSETS_PATH, GraphiQLAssets()),
            *advise_page.routes(),
            Route("/healthz", healthz, methods=["GET", "HEAD"]),
            Route("/readyz", readiness(store), methods=["GET", "HEAD"]),
            Route("/metrics", metrics, methods=["GET"]),
        ],
        middleware=[
            # Outermost first: every response, a 413 included, carries the request id.
            Middleware(RequestLog),
            # Outside the size limit, so a browser application can read its 413 too.
            *cors(cors_origins),
            Middleware(BodyLimits, max_bytes=max_body_bytes),
        ],
        lifespan=lifespan,
    )

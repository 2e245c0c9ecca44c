"""The ASGI app: GraphQL at /graphql (HTTP and graphql-transport-ws), GraphiQL's assets,
the advise page at /app, /healthz, /readyz and /metrics, behind the request-id, CORS and
body-limit middleware."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

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

if TYPE_CHECKING:
    from thoth_graphql.services import Services


def create_app(
    services: Services | GraphStore,
    *,
    lifespan: Lifespan[Starlette] | None = None,
    max_body_bytes: int = MAX_BODY_BYTES,
    cors_origins: Sequence[str] = (),
) -> Starlette:
    """The app over `services`, whose store the caller opens and closes (e.g. in
    `lifespan`). Given a bare store, it builds the services over it (no analyses) with
    `max_body_bytes` and `cors_origins` as their settings; given services, their settings
    hold these.

    Browser applications served from the CORS origins (`*` for any) may call it; by
    default only pages of its own origin may.
    """
    # Imported here: services imports the read cache of this package, whose __init__
    # imports this module.
    from thoth_graphql.services import Services, Settings

    if not isinstance(services, Services):
        settings = Settings(max_body_bytes=max_body_bytes, cors_origins=tuple(cors_origins))
        services = Services.over(services, settings)
    store = services.store
    stamp_request_ids()
    graphql = GraphQLEndpoint(services)
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
            *cors(services.settings.cors_origins),
            Middleware(BodyLimits, max_bytes=services.settings.max_body_bytes),
        ],
        lifespan=lifespan,
    )

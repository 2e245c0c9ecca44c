"""The context every resolver receives: this request's loaders, the process' services
(graph reads, read cache, advise, analyses, tokens, ingest), and the bearer token the
request presents. It holds no store: resolvers reach the graph through loaders and
services only (tests/test_layers.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import strawberry
from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket

from thoth_graphql.advise_service import AdviseService
from thoth_graphql.analyses.service import AnalysisService
from thoth_graphql.api.cache import ReadCache
from thoth_graphql.api.loaders import Loaders
from thoth_graphql.domain import ApiToken
from thoth_graphql.graph_reads import GraphReads

if TYPE_CHECKING:
    # services imports this package's read cache: a name for the annotations only.
    from thoth_graphql.services import Services


@dataclass(slots=True)
class Context:
    """What a resolver may use; it reads the graph only through `loaders` and `reads`, and
    writes it through the services."""

    services: Services
    reads: GraphReads = field(init=False)
    loaders: Loaders = field(init=False)
    request: Request | WebSocket | None = None
    response: Response | WebSocket | None = None
    cache: ReadCache = field(init=False)
    advisor: AdviseService = field(init=False)
    provisional: bool = field(init=False, default=False)
    """Set by a resolver whose answer was cut short (a time limit): it is not cached."""
    connection_params: object = None
    """A WebSocket's `connection_init` payload (set by strawberry): browsers cannot send
    headers on a WebSocket, so `{"Authorization": "Bearer <token>"}` may come here."""
    token_consulted: bool = field(init=False, default=False)
    """Whether anything asked for the bearer token: the answer may then depend on who asks,
    and the read cache must not keep it."""
    private: bool = field(init=False, default=False)
    """Set by a resolver whose answer only this request's token may see: the read cache
    must not keep it for others."""
    reads_queue: bool = field(init=False, default=False)
    """Set by a resolver that read analyses: the read cache keeps its answer only as long
    as the queue generation stays where it was."""
    _token: ApiToken | None = field(init=False, default=None)
    _token_looked_up: bool = field(init=False, default=False)

    def __post_init__(self) -> None:
        # A WebSocket's context lives as long as the connection, so a cache would serve
        # every later operation on it what the first one read.
        self.reads = self.services.reads
        self.loaders = Loaders.for_store(
            self.services.store, cache=not isinstance(self.request, WebSocket)
        )
        self.cache = self.services.read_cache
        self.advisor = self.services.advise

    def bearer_secret(self) -> str | None:
        """The secret of an `Authorization: Bearer <secret>` header, if the request has one."""
        self.token_consulted = True
        if self.request is None:
            return None
        header = self.request.headers.get("authorization", "")
        if not header and isinstance(self.connection_params, dict):
            given = self.connection_params.get("Authorization", "")
            header = given if isinstance(given, str) else ""
        scheme, _, secret = header.partition(" ")
        secret = secret.strip()
        return secret if scheme.lower() == "bearer" and secret else None

    @property
    def analyses(self) -> AnalysisService | None:
        """The analysis service of the process (None where it runs no analyses)."""
        return self.services.analyses

    @property
    def method(self) -> str | None:
        """The HTTP method of the request; None over WebSocket."""
        return self.request.method if isinstance(self.request, Request) else None

    async def token(self) -> ApiToken | None:
        """The stored token the bearer secret is for: looked up once per HTTP request, and
        for every operation on a WebSocket, whose context lives as long as the connection
        and must not outlive the token's revocation."""
        if not self._token_looked_up:
            secret = self.bearer_secret()
            self._token = None if secret is None else await self.services.tokens.by_secret(secret)
            self._token_looked_up = not isinstance(self.request, WebSocket)
        return self._token


Info = strawberry.Info[Context, None]

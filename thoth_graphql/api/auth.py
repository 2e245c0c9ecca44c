"""Who may write: every write (each mutation, and `advise` when it queues analyses) asks
`authorize` for the scope it needs; a token past its expiry is refused here, where every
request is authenticated."""

from __future__ import annotations

from thoth_graphql.api.context import Info
from thoth_graphql.api.errors import CodedError, ErrorCode
from thoth_graphql.domain import ApiToken, TokenScope
from thoth_graphql.domain.timestamps import utc_timestamp


async def authorize(info: Info, needed: TokenScope) -> ApiToken:
    """The request's token if its scope allows `needed`; else UNAUTHENTICATED or FORBIDDEN.

    A GET never writes (METHOD_NOT_ALLOWED): links, prefetchers and crawlers send GETs, and
    caches and proxies repeat them, so a write there would happen without anyone asking.
    """
    if info.context.method == "GET":
        raise CodedError(
            ErrorCode.METHOD_NOT_ALLOWED,
            "This operation writes: send it as a POST. A GET never writes.",
        )
    if info.context.bearer_secret() is None:
        raise CodedError(
            ErrorCode.UNAUTHENTICATED,
            "This operation needs a token: send `Authorization: Bearer <token>` "
            "(`thoth-graphql token create` makes one).",
        )
    token = await info.context.token()
    if token is None:
        raise CodedError(ErrorCode.UNAUTHENTICATED, "The bearer token is not valid.")
    if token.expired(utc_timestamp()):
        raise CodedError(
            ErrorCode.UNAUTHENTICATED,
            f"The bearer token expired at {token.expires_at}; ask an administrator for a new one.",
        )
    if not token.scope.allows(needed):
        raise CodedError(
            ErrorCode.FORBIDDEN,
            f"This operation needs a token of scope {needed.value}; "
            f"this one has {token.scope.value}.",
        )
    return token

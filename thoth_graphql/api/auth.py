"""Who may write: every mutation asks `authorize` for the scope it needs; a token past its
expiry is refused here, where every request is authenticated."""

from __future__ import annotations

from thoth_graphql.api.context import Info
from thoth_graphql.api.errors import CodedError, ErrorCode
from thoth_graphql.domain import ApiToken, TokenScope
from thoth_graphql.domain.timestamps import utc_timestamp


async def authorize(info: Info, needed: TokenScope) -> ApiToken:
    """The request's token if its scope allows `needed`; else UNAUTHENTICATED or FORBIDDEN."""
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

"""API tokens over GraphQL: listing, making and revoking them, for administrators only.

Who may mint what: only an ADMIN token mints, and only WRITE tokens, which always expire
(at most a year on, never after the minting token). ADMIN tokens are made on the host
(`thoth-graphql token create --scope admin`): whoever steals one cannot make more.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated, Self

import strawberry

from thoth_graphql import domain
from thoth_graphql.api.auth import authorize
from thoth_graphql.api.context import Info
from thoth_graphql.api.errors import CodedError, ErrorCode, UserInputError
from thoth_graphql.domain import TokenScope
from thoth_graphql.domain.timestamps import utc_timestamp
from thoth_graphql.domain.token import ID_LENGTH, hash_secret, name_fault, new_secret

strawberry.enum(TokenScope, description="WRITE writes the graph; ADMIN also manages tokens.")

DEFAULT_LIFETIME_DAYS = 30
MAX_LIFETIME_DAYS = 365


@strawberry.type(name="ApiToken", description="A token as administrators see it: never its secret.")
class ApiTokenInfo:
    id: str = strawberry.field(description="A prefix of the secret's hash: names it to revoke it.")
    name: str
    scope: TokenScope
    created_at: str
    expires_at: str | None = strawberry.field(description="Null: valid until revoked.")
    expired: bool

    @classmethod
    def of(cls, token: domain.ApiToken, now: str) -> Self:
        return cls(
            id=token.id,
            name=token.name,
            scope=token.scope,
            created_at=token.created_at,
            expires_at=token.expires_at,
            expired=token.expired(now),
        )


async def list_tokens(info: Info) -> list[ApiTokenInfo]:
    await authorize(info, TokenScope.ADMIN)
    info.context.private = True
    now = utc_timestamp()
    # Tokens are few (people and services), so they are listed whole, not paged.
    return [ApiTokenInfo.of(token, now) for token in await info.context.services.tokens.all()]


@strawberry.type(description="A new token; its secret is shown this once and never again.")
class CreateTokenPayload:
    token: str = strawberry.field(description="The secret: send `Authorization: Bearer <it>`.")
    id: str
    name: str
    scope: TokenScope
    created_at: str
    expires_at: str | None

    @classmethod
    def of(cls, secret: str, token: domain.ApiToken) -> Self:
        return cls(
            token=secret,
            id=token.id,
            name=token.name,
            scope=token.scope,
            created_at=token.created_at,
            expires_at=token.expires_at,
        )


async def create_token(
    info: Info,
    name: str,
    scope: TokenScope,
    expires_in_days: Annotated[
        int, strawberry.argument(description=f"Days until it expires, 1 to {MAX_LIFETIME_DAYS}.")
    ] = DEFAULT_LIFETIME_DAYS,
) -> CreateTokenPayload:
    minter = await authorize(info, TokenScope.ADMIN)
    if scope is not TokenScope.WRITE:
        raise CodedError(
            ErrorCode.FORBIDDEN,
            "ADMIN tokens are made on the host only: `thoth-graphql token create --scope admin`.",
        )
    if (fault := name_fault(name)) is not None:
        raise UserInputError(f"{fault}.", field="name")
    if not 0 < expires_in_days <= MAX_LIFETIME_DAYS:
        raise UserInputError(f"must be 1 to {MAX_LIFETIME_DAYS} days.", field="expiresInDays")
    now = datetime.now(UTC)
    expires_at = utc_timestamp(now + timedelta(days=expires_in_days))
    if minter.expires_at is not None:
        expires_at = min(expires_at, minter.expires_at)  # never outlives who made it
    secret = new_secret()
    token = domain.ApiToken(hash_secret(secret), name, scope, utc_timestamp(now), expires_at)
    await info.context.services.tokens.add(token)
    return CreateTokenPayload.of(secret, token)


@strawberry.type
class RevokeTokenPayload:
    id: str
    revoked: bool = strawberry.field(description="False if no token had this id.")


async def revoke_token(info: Info, id: str) -> RevokeTokenPayload:
    await authorize(info, TokenScope.ADMIN)
    if len(id) != ID_LENGTH or any(c not in "0123456789abcdef" for c in id):
        raise UserInputError(f"a token id is {ID_LENGTH} lowercase hex digits.", field="id")
    revoked = await info.context.services.tokens.revoke(id)
    return RevokeTokenPayload(id=id, revoked=revoked)

"""The token service: a bearer secret finds its token by hash, and revoking by id removes
exactly the token it names."""

from __future__ import annotations

from thoth_graphql.domain import ApiToken, TokenScope
from thoth_graphql.domain.token import hash_secret, new_secret
from thoth_graphql.store.sqlite import SqliteGraphStore
from thoth_graphql.token_service import TokenService


def token_for(secret: str, name: str) -> ApiToken:
    return ApiToken(hash_secret(secret), name, TokenScope.WRITE, "2026-01-01T00:00:00Z", None)


async def test_a_secret_finds_its_token_until_it_is_revoked(
    sqlite_store: SqliteGraphStore,
) -> None:
    tokens = TokenService(sqlite_store)
    kept_secret, revoked_secret = new_secret(), new_secret()
    kept, revoked = token_for(kept_secret, "kept"), token_for(revoked_secret, "revoked")
    assert await tokens.add(kept) and await tokens.add(revoked)
    assert not await tokens.add(kept)
    assert await tokens.by_secret(revoked_secret) == revoked
    assert await tokens.by_secret(new_secret()) is None

    assert not await tokens.revoke("0" * 16)  # no token's id (but once in 2**64)
    assert await tokens.revoke(revoked.id)
    assert not await tokens.revoke(revoked.id)
    assert await tokens.by_secret(revoked_secret) is None
    assert await tokens.all() == [kept]

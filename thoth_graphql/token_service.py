"""The API tokens of one store: finding the token a bearer secret is for, listing,
adding and revoking them. Who may do what is the caller's to decide (api/tokens.py)."""

from __future__ import annotations

from thoth_graphql.domain import ApiToken
from thoth_graphql.domain.token import hash_secret
from thoth_graphql.store.port import Tokens


class TokenService:
    def __init__(self, tokens: Tokens) -> None:
        self._tokens = tokens

    async def by_secret(self, secret: str) -> ApiToken | None:
        """The stored token whose secret this is (only its hash is stored)."""
        return await self._tokens.token_by_hash(hash_secret(secret))

    async def all(self) -> list[ApiToken]:
        """Every token, expired ones too, oldest first."""
        return await self._tokens.list_tokens()

    async def add(self, token: ApiToken) -> bool:
        """Store a new token; whether it was new."""
        return await self._tokens.add_token(token)

    async def revoke(self, id: str) -> bool:
        """Revoke the tokens with this id (a prefix of the secret's hash); whether any was."""
        revoked = False
        for token in await self._tokens.list_tokens():
            if token.id == id:
                revoked = await self._tokens.revoke_token(token.token_hash) or revoked
        return revoked

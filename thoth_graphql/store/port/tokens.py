"""The tokens facet: the API tokens issued, stored by the hash of their secret."""

from __future__ import annotations

from typing import Protocol

from thoth_graphql.domain import ApiToken


class Tokens(Protocol):
    """API tokens by hash; their writes move the queue generation, never the knowledge one."""

    async def add_token(self, token: ApiToken) -> bool:
        """Store a token by its hash; whether it was new."""

    async def token_by_hash(self, token_hash: str) -> ApiToken | None: ...

    async def list_tokens(self) -> list[ApiToken]:
        """Every token, expired ones too, oldest first (by `created_at`, then hash)."""

    async def revoke_token(self, token_hash: str) -> bool:
        """Forget a token; whether it was there."""

"""API tokens on JanusGraph: one ApiToken vertex per token hash; their writes move the
queue generation."""

from __future__ import annotations

from typing import Any

from thoth_graphql.domain import ApiToken, TokenScope
from thoth_graphql.store.janusgraph.catalog import BUMP_QUEUE
from thoth_graphql.store.janusgraph.client import JanusGraphFacet

_ADD_TOKEN = (
    """
if (g.V().has('ApiToken', 'token_hash', token_row.token_hash).hasNext()) return false
def vertex = g.getGraph().addVertex(T.label, 'ApiToken', 'token_hash', token_row.token_hash,
    'catalog', 'ApiToken', 'token_name', token_row.name, 'token_scope', token_row.scope,
    'created_at', token_row.created_at)
if (token_row.expires_at != null) vertex.property('expires_at', token_row.expires_at)
"""
    + BUMP_QUEUE
    + "\ntrue\n"
)

_REVOKE_TOKEN = (
    """
def found = g.V().has('ApiToken', 'token_hash', wanted_hash).tryNext().orElse(null)
if (found == null) return false
found.remove()
"""
    + BUMP_QUEUE
    + "\ntrue\n"
)

# The properties an ApiToken vertex is read back from.
_ISSUED = ".valueMap('token_hash', 'token_name', 'token_scope', 'created_at', 'expires_at')"

_LOOKUP_BY_HASH = "g.V().has('ApiToken', 'token_hash', wanted_hash)" + _ISSUED + ".by(unfold())"

_LIST_TOKENS = "g.V().has('catalog', 'ApiToken')" + _ISSUED + ".by(unfold())"


class JanusGraphTokens(JanusGraphFacet):
    """The tokens facet."""

    async def add_token(self, token: ApiToken) -> bool:
        row = {
            "token_hash": token.token_hash,
            "name": token.name,
            "scope": token.scope.value,
            "created_at": token.created_at,
            "expires_at": token.expires_at,
        }
        [added] = await self.client.write(_ADD_TOKEN, {"token_row": row})
        return bool(added)

    async def token_by_hash(self, token_hash: str) -> ApiToken | None:
        found = await self.client.submit(_LOOKUP_BY_HASH, {"wanted_hash": token_hash})
        return _token(found[0]) if found else None

    async def list_tokens(self) -> list[ApiToken]:
        found = [_token(props) for props in await self.client.submit(_LIST_TOKENS)]
        # Tokens are few (people and services), so sorting here costs nothing.
        return sorted(found, key=lambda t: (t.created_at, t.token_hash))

    async def revoke_token(self, token_hash: str) -> bool:
        [revoked] = await self.client.write(_REVOKE_TOKEN, {"wanted_hash": token_hash})
        return bool(revoked)


def _token(props: dict[str, Any]) -> ApiToken:
    return ApiToken(
        props["token_hash"],
        props["token_name"],
        TokenScope(props["token_scope"]),
        props["created_at"],
        props.get("expires_at"),  # absent: it never expires
    )

"""The GraphStore contract for API tokens: kept by hash, found by hash, revoked."""

from __future__ import annotations

from thoth_graphql.domain import ApiToken, TokenScope
from thoth_graphql.domain.token import hash_secret, new_secret
from thoth_graphql.store.port import GraphStore


async def test_tokens_are_found_by_hash_and_revoked(store: GraphStore) -> None:
    secret = new_secret()
    token = ApiToken(hash_secret(secret), "ci", TokenScope.WRITE, "2026-01-01T00:00:00Z")
    assert await store.add_token(token) is True
    assert await store.add_token(token) is False
    assert await store.token_by_hash(hash_secret(secret)) == token
    assert await store.token_by_hash(hash_secret(new_secret())) is None
    assert await store.revoke_token(token.token_hash) is True
    assert await store.revoke_token(token.token_hash) is False
    assert await store.token_by_hash(token.token_hash) is None


async def test_count_packages_by_prefix(store: GraphStore) -> None:
    from tests.contract.test_graph_store import release

    names = ["pytest", "pytest-mock", "pytest-cov", "pyyaml", "py", "requests"]
    await store.write_releases([release(n, "1.0") for n in names])
    assert await store.count_packages("pytest") == 3
    assert await store.count_packages("py") == 5
    assert await store.count_packages("") == 6
    assert await store.count_packages("zzz") == 0

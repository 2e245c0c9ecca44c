"""The GraphStore contract for API tokens: kept by hash, found by hash, listed, revoked."""

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


async def test_tokens_keep_their_expiry_and_are_listed_oldest_first(store: GraphStore) -> None:
    assert await store.list_tokens() == []
    later = ApiToken(
        hash_secret(new_secret()), "deploy", TokenScope.WRITE, "2026-02-01T00:00:00Z",
        expires_at="2026-03-01T00:00:00Z",
    )  # fmt: skip
    earlier = ApiToken(hash_secret(new_secret()), "root", TokenScope.ADMIN, "2026-01-01T00:00:00Z")
    await store.add_token(later)
    await store.add_token(earlier)
    assert await store.token_by_hash(later.token_hash) == later
    assert (await store.token_by_hash(earlier.token_hash)).expires_at is None  # type: ignore[union-attr]
    assert await store.list_tokens() == [earlier, later]
    await store.revoke_token(earlier.token_hash)
    assert await store.list_tokens() == [later]


async def test_count_packages_by_prefix(store: GraphStore) -> None:
    from tests.contract.test_graph_store import release

    names = ["pytest", "pytest-mock", "pytest-cov", "pyyaml", "py", "requests"]
    await store.write_releases([release(n, "1.0") for n in names])
    assert await store.count_packages("pytest") == 3
    assert await store.count_packages("py") == 5
    assert await store.count_packages("") == 6
    assert await store.count_packages("zzz") == 0


async def test_token_writes_move_the_queue_generation_only(store: GraphStore) -> None:
    token = ApiToken(hash_secret(new_secret()), "ci", TokenScope.WRITE, "2026-01-01T00:00:00Z")
    g0 = await store.generations()
    await store.add_token(token)
    g1 = await store.generations()
    await store.revoke_token(token.token_hash)
    g2 = await store.generations()
    assert g0.queue < g1.queue < g2.queue
    assert g0.knowledge == g1.knowledge == g2.knowledge == await store.generation()
    assert not await store.revoke_token(token.token_hash)
    assert await store.generations() == g2

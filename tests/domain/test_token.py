"""API tokens: random secrets, stored as their hash, ADMIN allowing what WRITE allows."""

from __future__ import annotations

from thoth_graphql.domain import TokenScope
from thoth_graphql.domain.token import TOKEN_PREFIX, hash_secret, new_secret


def test_secrets_are_long_random_and_hashed() -> None:
    secrets = {new_secret() for _ in range(100)}
    assert len(secrets) == 100
    secret = secrets.pop()
    assert secret.startswith(TOKEN_PREFIX)
    assert len(secret) >= len(TOKEN_PREFIX) + 43
    assert hash_secret(secret) == hash_secret(secret) != secret
    assert len(hash_secret(secret)) == 64


def test_scopes() -> None:
    assert TokenScope.ADMIN.allows(TokenScope.WRITE)
    assert TokenScope.ADMIN.allows(TokenScope.ADMIN)
    assert TokenScope.WRITE.allows(TokenScope.WRITE)
    assert not TokenScope.WRITE.allows(TokenScope.ADMIN)

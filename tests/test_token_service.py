"""The token service: a bearer secret finds its token by hash, and revoking by id removes
exactly the token it names."""

from __future__ import annotations

import ast
from pathlib import Path

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


# -- the one way in --------------------------------------------------------------------------

PACKAGE = Path(__file__).resolve().parents[1] / "thoth_graphql"
TOKEN_CALLS = {"add_token", "revoke_token", "token_by_hash", "list_tokens"}


def token_calls(source: str) -> list[str]:
    """`line: method` of every call of the store's token methods that `source` makes."""
    return [
        f"{node.lineno}: {node.func.attr}"
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in TOKEN_CALLS
    ]


def test_only_the_token_service_reaches_the_stored_tokens() -> None:
    """The CLI and the API make, list and revoke tokens through TokenService, so there is
    one place that says how a secret finds its token (the store's adapters may call them)."""
    offenders = [
        f"{path.relative_to(PACKAGE)}:{found}"
        for path in PACKAGE.rglob("*.py")
        if path.relative_to(PACKAGE).parts[0] != "store" and path.name != "token_service.py"
        for found in token_calls(path.read_text())
    ]
    assert offenders == []


def test_the_check_catches_a_token_call_on_the_store() -> None:
    source = "async def f(s):\n    tokens = s.list_tokens\n    await s.revoke_token(h)\n"
    assert token_calls(source) == ["3: revoke_token"]

"""API tokens in SQLite: one row per token hash; their writes move the queue generation."""

from __future__ import annotations

import sqlite3
from functools import partial

from thoth_graphql.domain import ApiToken, TokenScope
from thoth_graphql.store.sqlite.client import SqliteFacet, in_transaction, inserted


class SqliteTokens(SqliteFacet):
    """The tokens facet."""

    async def add_token(self, token: ApiToken) -> bool:
        return await self.client.run(partial(_add_token, token=token))

    async def token_by_hash(self, token_hash: str) -> ApiToken | None:
        return await self.client.run(partial(_token_by_hash, token_hash=token_hash))

    async def revoke_token(self, token_hash: str) -> bool:
        return await self.client.run(partial(_revoke_token, token_hash=token_hash))

    async def list_tokens(self) -> list[ApiToken]:
        return await self.client.run(_list_tokens)


def _add_token(db: sqlite3.Connection, token: ApiToken) -> bool:
    def work() -> list[bool]:
        return [
            inserted(
                db,
                "INSERT OR IGNORE INTO api_token(token_hash, name, scope, created_at, expires_at) "
                "VALUES (?, ?, ?, ?, ?)",
                (
                    token.token_hash,
                    token.name,
                    token.scope.value,
                    token.created_at,
                    token.expires_at,
                ),
            )
        ]

    return in_transaction(db, work, "queue")[0]


_ISSUED = "token_hash, name, scope, created_at, expires_at"  # an api_token row's columns


def _token(row: tuple[str, str, str, str, str | None]) -> ApiToken:
    return ApiToken(row[0], row[1], TokenScope(row[2]), row[3], row[4])


def _token_by_hash(db: sqlite3.Connection, token_hash: str) -> ApiToken | None:
    row = db.execute(
        f"SELECT {_ISSUED} FROM api_token WHERE token_hash = ?", (token_hash,)
    ).fetchone()
    return None if row is None else _token(row)


def _list_tokens(db: sqlite3.Connection) -> list[ApiToken]:
    rows = db.execute(f"SELECT {_ISSUED} FROM api_token ORDER BY created_at, token_hash")
    return [_token(row) for row in rows]


def _revoke_token(db: sqlite3.Connection, token_hash: str) -> bool:
    def work() -> list[bool]:
        return [inserted(db, "DELETE FROM api_token WHERE token_hash = ?", (token_hash,))]

    return in_transaction(db, work, "queue")[0]

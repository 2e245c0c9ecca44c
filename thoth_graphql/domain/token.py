"""API tokens: bearer secrets for writers and administrators, kept only as their hash."""

from __future__ import annotations

import enum
import hashlib
import secrets
from dataclasses import dataclass

# Tokens look like `thoth_<43 url-safe characters>`: 256 random bits and a prefix that
# secret scanners and people recognise.
TOKEN_PREFIX = "thoth_"  # noqa: S105 (a prefix, not a secret)


class TokenScope(enum.Enum):
    """What a token may do: WRITE the graph, or also ADMINister tokens."""

    WRITE = "WRITE"
    ADMIN = "ADMIN"

    def allows(self, needed: TokenScope) -> bool:
        """Whether a token of this scope may do what `needed` guards."""
        return self is TokenScope.ADMIN or needed is TokenScope.WRITE


@dataclass(frozen=True, slots=True)
class ApiToken:
    """A token as the graph keeps it: the SHA-256 of its secret, never the secret."""

    token_hash: str
    name: str
    scope: TokenScope
    created_at: str


def new_secret() -> str:
    """A fresh bearer secret with 256 bits of entropy."""
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def hash_secret(secret: str) -> str:
    """The hash a secret is stored and looked up under.

    A plain SHA-256 suffices: the secret is random and 256 bits long, so there is
    nothing for a slow, salted hash to protect against.
    """
    return hashlib.sha256(secret.encode()).hexdigest()

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
    """A token as the graph keeps it: the SHA-256 of its secret, never the secret.

    Times are UTC text to the second (`domain.timestamps`), so text order is time order.
    """

    token_hash: str
    name: str
    scope: TokenScope
    created_at: str
    expires_at: str | None = None
    """When it stops being accepted; None: when it is revoked."""

    @property
    def id(self) -> str:
        """How people name it to list or revoke it: a prefix of its hash. The hash of a
        256-bit random secret tells nothing of the secret, so showing it is harmless."""
        return self.token_hash[:ID_LENGTH]

    def expired(self, now: str) -> bool:
        return self.expires_at is not None and self.expires_at <= now


ID_LENGTH = 16
"""Hex digits of a token's id: 64 bits, no two tokens of one graph share one."""

MAX_NAME = 100


def name_fault(name: str) -> str | None:
    """Why `name` cannot name a token, or None. Names are shown to administrators in
    terminals and pages: no control characters (NUL, escapes) and no format characters
    (right-to-left overrides, zero-width spaces) that make text read other than it is."""
    if not 0 < len(name) <= MAX_NAME:
        return f"must hold 1 to {MAX_NAME} characters"
    # isprintable() is false for every control, format, surrogate, private-use, unassigned
    # and separator character except the plain space.
    if not name.isprintable():
        return "must be printable: no control or format (bidirectional, zero-width) characters"
    if name != name.strip():
        return "must not start or end with a space"
    return None


def new_secret() -> str:
    """A fresh bearer secret with 256 bits of entropy."""
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def hash_secret(secret: str) -> str:
    """The hash a secret is stored and looked up under.

    A plain SHA-256 suffices: the secret is random and 256 bits long, so there is
    nothing for a slow, salted hash to protect against.
    """
    return hashlib.sha256(secret.encode()).hexdigest()

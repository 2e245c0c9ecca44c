"""The ObjectStore port: raw JSON documents by key, in a local directory or an S3 bucket.

Keys are relative, `/`-separated paths such as `requests/<analysis-id>.json`. Every
segment starts with a letter or digit, so no key can climb out of its store (`..`) or
collide with an adapter's hidden temporary names (which start with `.`). A key is never
also the folder of another key; the layout in `layout.py` keeps keys at fixed depths.

Writes are atomic: a reader sees the old bytes or the new ones, never a mixture.
"""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator
from typing import Any, Protocol, runtime_checkable

MAX_KEY_LENGTH = 512
_SEGMENT = r"[A-Za-z0-9][A-Za-z0-9._=+-]*"
_KEY = re.compile(rf"{_SEGMENT}(?:/{_SEGMENT})*")
# A prefix may end inside a segment ("results/sol") or after a slash ("results/").
_PREFIX = re.compile(rf"(?:{_SEGMENT}/)*(?:{_SEGMENT})?|")


class ObjectStoreError(Exception):
    """The object store cannot be reached or refused a request."""


class ObjectNotFound(ObjectStoreError, KeyError):
    """No object under this key."""

    def __init__(self, key: str) -> None:
        self.key = key
        super().__init__(key)

    def __str__(self) -> str:
        return f"no object under key {self.key!r}"


class InvalidKey(ObjectStoreError, ValueError):
    """A key or prefix that does not follow the key rules of this module."""


def check_key(key: str) -> str:
    """Return `key` if it is a valid object key; raise InvalidKey otherwise."""
    if len(key) > MAX_KEY_LENGTH or not _KEY.fullmatch(key):
        raise InvalidKey(f"invalid object key {key!r}")
    return key


def check_prefix(prefix: str) -> str:
    """Return `prefix` if keys could start with it; raise InvalidKey otherwise."""
    if len(prefix) > MAX_KEY_LENGTH or not _PREFIX.fullmatch(prefix):
        raise InvalidKey(f"invalid key prefix {prefix!r}")
    return prefix


@runtime_checkable
class ObjectStore(Protocol):
    """An async store of immutable-per-write byte objects under string keys."""

    async def open(self) -> None:
        """Connect (or create the folder) and check that the store can be used."""

    async def put(self, key: str, data: bytes) -> None:
        """Store `data` under `key`, replacing what was there, atomically."""

    async def get(self, key: str) -> bytes:
        """The bytes under `key`; raises ObjectNotFound."""

    async def exists(self, key: str) -> bool: ...

    def list_keys(self, prefix: str = "", *, start_after: str | None = None) -> AsyncIterator[str]:
        """Keys starting with `prefix`, in ascending (byte) order, after `start_after`."""

    async def delete(self, key: str) -> None:
        """Remove `key`; removing a missing key is not an error."""

    async def close(self) -> None: ...


def encode_json(document: Any) -> bytes:
    """The one JSON encoding every writer uses: UTF-8, sorted keys, no NaN."""
    return json.dumps(document, sort_keys=True, ensure_ascii=False, allow_nan=False).encode()


async def put_json(store: ObjectStore, key: str, document: Any) -> None:
    await store.put(key, encode_json(document))


async def get_json(store: ObjectStore, key: str) -> Any:
    """The parsed JSON under `key`; raises ObjectNotFound or ValueError."""
    return json.loads(await store.get(key))

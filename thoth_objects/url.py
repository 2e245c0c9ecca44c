"""Opening an ObjectStore from a URL: a folder path, `file://...` or `s3://bucket/prefix`.

    ./thoth-data/objects
    file:///var/lib/thoth/objects
    s3://bucket/some/prefix?endpoint_url=http://127.0.0.1:9000&region=us-east-1

S3 query parameters: `endpoint_url`, `region`, `addressing_style` (`path`/`virtual`).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from urllib.parse import parse_qs, unquote, urlsplit

from thoth_objects.local import LocalObjectStore
from thoth_objects.port import ObjectStore

_S3_OPTIONS = {"endpoint_url", "region", "addressing_style"}


class InvalidObjectStoreUrl(ValueError):
    """An object store URL that cannot be used; the message never repeats credentials."""


def object_store_from_url(url: str) -> ObjectStore:
    """An unopened store for `url`; call `open()` (or use `open_object_store`)."""
    parts = urlsplit(url)
    if parts.scheme in ("", "file"):
        path = unquote(parts.path) if parts.scheme == "file" else url
        if not path:
            raise InvalidObjectStoreUrl("an object store path must not be empty")
        return LocalObjectStore(path)
    if parts.scheme != "s3":
        raise InvalidObjectStoreUrl(
            f"unsupported object store scheme {parts.scheme!r}; use a path, file:// or s3://"
        )
    if "@" in parts.netloc:
        raise InvalidObjectStoreUrl(
            "credentials do not belong in an s3:// URL; set AWS_ACCESS_KEY_ID and "
            "AWS_SECRET_ACCESS_KEY (or another AWS credential source) instead"
        )
    if not parts.hostname:
        raise InvalidObjectStoreUrl("an s3:// URL needs a bucket: s3://bucket/prefix")
    options = {name: values[-1] for name, values in parse_qs(parts.query).items()}
    unknown = sorted(set(options) - _S3_OPTIONS)
    if unknown:
        raise InvalidObjectStoreUrl(
            f"unknown s3:// URL options {unknown}; known: {sorted(_S3_OPTIONS)}"
        )
    # Imported here so that the local default works without aiobotocore loaded.
    from thoth_objects.s3 import S3ObjectStore

    return S3ObjectStore(
        parts.netloc,
        unquote(parts.path),
        endpoint_url=options.get("endpoint_url"),
        region_name=options.get("region"),
        addressing_style=options.get("addressing_style"),
    )


@asynccontextmanager
async def open_object_store(url: str) -> AsyncIterator[ObjectStore]:
    """The opened store for `url`, closed on exit."""
    store = object_store_from_url(url)
    await store.open()
    try:
        yield store
    finally:
        await store.close()

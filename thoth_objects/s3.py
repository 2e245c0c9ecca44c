"""The S3 ObjectStore (AWS, Ceph RGW, MinIO) through aiobotocore.

Credentials come from the usual AWS sources (environment, shared files, instance
roles), never from the URL, and nothing here logs or repr()s them. A PUT on S3 is
atomic by itself: a reader never sees a partial object.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from typing import TYPE_CHECKING

from aiobotocore.config import AioConfig
from aiobotocore.session import get_session
from botocore.exceptions import BotoCoreError, ClientError

from thoth_objects.port import (
    ObjectNotFound,
    ObjectStoreError,
    check_key,
    check_prefix,
)

if TYPE_CHECKING:
    from types_aiobotocore_s3.client import S3Client

_MISSING = {"404", "NoSuchKey", "NotFound"}


def _error_code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))


class S3ObjectStore:
    """Objects in one bucket, under an optional key prefix (a "folder" of the bucket)."""

    def __init__(
        self,
        bucket: str,
        prefix: str = "",
        *,
        endpoint_url: str | None = None,
        region_name: str | None = None,
        addressing_style: str | None = None,
    ) -> None:
        self.bucket = bucket
        self.prefix = prefix.strip("/") + "/" if prefix.strip("/") else ""
        self.endpoint_url = endpoint_url
        self.region_name = region_name
        # Ceph RGW and MinIO want path-style URLs; AWS accepts them too.
        self.addressing_style = addressing_style or ("path" if endpoint_url else "auto")
        self._exits = AsyncExitStack()
        self._client: S3Client | None = None

    def __repr__(self) -> str:
        where = f", endpoint_url={self.endpoint_url!r}" if self.endpoint_url else ""
        return f"S3ObjectStore(bucket={self.bucket!r}, prefix={self.prefix!r}{where})"

    async def open(self) -> None:
        """Create the client and check that the bucket can be reached."""
        config = AioConfig(
            s3={"addressing_style": self.addressing_style},
            # Attempts: botocore's default for this mode (3) unless AWS_MAX_ATTEMPTS says.
            retries={"mode": "standard"},
            connect_timeout=10,
            read_timeout=60,
        )
        client = get_session().create_client(
            "s3", endpoint_url=self.endpoint_url, region_name=self.region_name, config=config
        )
        self._client = await self._exits.enter_async_context(client)
        try:
            await self._client.head_bucket(Bucket=self.bucket)
        except (ClientError, BotoCoreError) as error:
            await self.close()
            raise ObjectStoreError(f"cannot use bucket {self.bucket!r}: {error}") from error

    async def close(self) -> None:
        self._client = None
        await self._exits.aclose()

    @property
    def client(self) -> S3Client:
        if self._client is None:
            raise ObjectStoreError(f"{self!r} is not open")
        return self._client

    def _name(self, key: str) -> str:
        return self.prefix + check_key(key)

    def _failure(self, action: str, key: str, error: Exception) -> ObjectStoreError:
        return ObjectStoreError(f"s3://{self.bucket}/{self.prefix}{key}: {action}: {error}")

    async def put(self, key: str, data: bytes) -> None:
        content_type = "application/json" if key.endswith(".json") else "application/octet-stream"
        try:
            await self.client.put_object(
                Bucket=self.bucket, Key=self._name(key), Body=data, ContentType=content_type
            )
        except (ClientError, BotoCoreError) as error:
            raise self._failure("put", key, error) from error

    async def get(self, key: str) -> bytes:
        try:
            response = await self.client.get_object(Bucket=self.bucket, Key=self._name(key))
            async with response["Body"] as body:
                return await body.read()
        except ClientError as error:
            if _error_code(error) in _MISSING:
                raise ObjectNotFound(key) from None
            raise self._failure("get", key, error) from error
        except BotoCoreError as error:
            raise self._failure("get", key, error) from error

    async def exists(self, key: str) -> bool:
        try:
            await self.client.head_object(Bucket=self.bucket, Key=self._name(key))
        except ClientError as error:
            if _error_code(error) in _MISSING:
                return False
            raise self._failure("head", key, error) from error
        except BotoCoreError as error:
            raise self._failure("head", key, error) from error
        return True

    async def delete(self, key: str) -> None:
        try:
            await self.client.delete_object(Bucket=self.bucket, Key=self._name(key))
        except (ClientError, BotoCoreError) as error:
            raise self._failure("delete", key, error) from error

    async def list_keys(
        self, prefix: str = "", *, start_after: str | None = None
    ) -> AsyncIterator[str]:
        pages = self.client.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket,
            Prefix=self.prefix + check_prefix(prefix),
            StartAfter=self.prefix + start_after if start_after else "",
        )
        try:
            async for page in pages:
                for entry in page.get("Contents", []):
                    yield entry["Key"][len(self.prefix) :]
        except (ClientError, BotoCoreError) as error:
            raise self._failure("list", prefix, error) from error

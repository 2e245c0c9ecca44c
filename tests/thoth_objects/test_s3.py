"""What only the S3 adapter has to say: prefixes, buckets, credentials."""

from __future__ import annotations

import pytest

from tests.s3_server import S3Server
from thoth_objects import ObjectStoreError, object_store_from_url, open_object_store


async def test_stores_under_different_prefixes_do_not_see_each_other(
    s3_server: S3Server, s3_credentials: dict[str, str]
) -> None:
    bucket = s3_server.create_bucket()
    async with (
        open_object_store(s3_server.url(bucket, "one")) as one,
        open_object_store(s3_server.url(bucket, "two/")) as two,
        open_object_store(s3_server.url(bucket)) as whole,
    ):
        await one.put("requests/a.json", b"1")
        await two.put("requests/a.json", b"2")
        assert [k async for k in one.list_keys()] == ["requests/a.json"]
        assert await two.get("requests/a.json") == b"2"
        assert [k async for k in whole.list_keys()] == [
            "one/requests/a.json",
            "two/requests/a.json",
        ]


async def test_a_missing_bucket_is_a_clear_error_without_credentials(
    s3_server: S3Server, s3_credentials: dict[str, str]
) -> None:
    with pytest.raises(ObjectStoreError) as caught:
        async with open_object_store(s3_server.url("no-such-bucket")):
            pass
    message = str(caught.value)
    assert "no-such-bucket" in message
    assert s3_credentials["AWS_SECRET_ACCESS_KEY"] not in message
    assert s3_credentials["AWS_ACCESS_KEY_ID"] not in message


def test_the_store_describes_itself_without_credentials(
    s3_server: S3Server, s3_credentials: dict[str, str]
) -> None:
    store = object_store_from_url(s3_server.url("bucket", "p"))
    assert repr(store) == (
        f"S3ObjectStore(bucket='bucket', prefix='p/', endpoint_url='{s3_server.endpoint_url}')"
    )

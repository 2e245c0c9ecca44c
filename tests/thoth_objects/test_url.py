"""Object store URLs: paths, file:// and s3://, and what they refuse."""

from __future__ import annotations

from pathlib import Path

import pytest

from thoth_objects import InvalidObjectStoreUrl, LocalObjectStore, object_store_from_url
from thoth_objects.s3 import S3ObjectStore


def test_a_path_or_file_url_is_a_local_store(tmp_path: Path) -> None:
    for url in (str(tmp_path / "o"), f"file://{tmp_path}/o"):
        store = object_store_from_url(url)
        assert isinstance(store, LocalObjectStore)
        assert store.root == tmp_path / "o"


def test_an_s3_url_names_bucket_prefix_and_endpoint() -> None:
    store = object_store_from_url(
        "s3://thoth/data/objects?endpoint_url=http://127.0.0.1:9000&region=eu-west-1"
    )
    assert isinstance(store, S3ObjectStore)
    assert (store.bucket, store.prefix) == ("thoth", "data/objects/")
    assert store.endpoint_url == "http://127.0.0.1:9000"
    assert store.region_name == "eu-west-1"
    assert store.addressing_style == "path"


def test_aws_urls_keep_automatic_addressing() -> None:
    store = object_store_from_url("s3://thoth")
    assert isinstance(store, S3ObjectStore)
    assert (store.prefix, store.addressing_style) == ("", "auto")


def test_credentials_in_the_url_are_refused_and_not_repeated() -> None:
    with pytest.raises(InvalidObjectStoreUrl) as caught:
        object_store_from_url("s3://AKIAEXAMPLE:topsecret@bucket/prefix")
    assert "topsecret" not in str(caught.value)
    assert "AKIAEXAMPLE" not in str(caught.value)
    assert "AWS_SECRET_ACCESS_KEY" in str(caught.value)


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://example.org/x", "unsupported object store scheme"),
        ("s3:///prefix", "needs a bucket"),
        ("s3://bucket?endpoint=http://x", "unknown s3:// URL options"),
        ("", "must not be empty"),
    ],
)
def test_unusable_urls(url: str, message: str) -> None:
    with pytest.raises(InvalidObjectStoreUrl, match=message):
        object_store_from_url(url)

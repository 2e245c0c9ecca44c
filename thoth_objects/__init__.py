"""The object store port and its adapters: where analysis requests and raw results live."""

from thoth_objects.layout import (
    check_id,
    completion_key,
    new_analysis_id,
    request_key,
    result_key,
    status_key,
)
from thoth_objects.local import LocalObjectStore
from thoth_objects.port import (
    InvalidKey,
    ObjectNotFound,
    ObjectStore,
    ObjectStoreError,
    encode_json,
    get_json,
    put_json,
)
from thoth_objects.url import (
    InvalidObjectStoreUrl,
    object_store_from_url,
    open_object_store,
)

__all__ = [
    "InvalidKey",
    "InvalidObjectStoreUrl",
    "LocalObjectStore",
    "ObjectNotFound",
    "ObjectStore",
    "ObjectStoreError",
    "check_id",
    "completion_key",
    "encode_json",
    "get_json",
    "new_analysis_id",
    "object_store_from_url",
    "open_object_store",
    "put_json",
    "request_key",
    "result_key",
    "status_key",
]

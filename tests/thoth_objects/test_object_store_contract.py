"""The one contract every ObjectStore adapter passes: local directory and S3 (moto_server)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.s3_server import S3Server
from thoth_objects import (
    InvalidKey,
    ObjectNotFound,
    ObjectStore,
    get_json,
    open_object_store,
    put_json,
    request_key,
    result_key,
)

ADAPTERS = ("local", "s3")


@pytest.fixture(params=ADAPTERS)
async def store(
    request: pytest.FixtureRequest, tmp_path: Path, s3_credentials: dict[str, str]
) -> AsyncIterator[ObjectStore]:
    """A fresh, empty store; S3 ones get a bucket of their own on the shared server."""
    if request.param == "local":
        url = str(tmp_path / "objects")
    else:
        server: S3Server = request.getfixturevalue("s3_server")
        url = server.url(server.create_bucket(), "thoth/objects")
    async with open_object_store(url) as opened:
        yield opened


async def all_keys(
    store: ObjectStore, prefix: str = "", start_after: str | None = None
) -> list[str]:
    return [key async for key in store.list_keys(prefix, start_after=start_after)]


async def test_put_then_get_returns_the_same_bytes(store: ObjectStore) -> None:
    data = bytes(range(256)) * 3
    await store.put("results/solver/doc-1.json", data)
    assert await store.get("results/solver/doc-1.json") == data


async def test_put_replaces_what_was_there(store: ObjectStore) -> None:
    await store.put("status/a.json", b"first")
    await store.put("status/a.json", b"second")
    assert await store.get("status/a.json") == b"second"


async def test_get_of_a_missing_key_raises_object_not_found(store: ObjectStore) -> None:
    with pytest.raises(ObjectNotFound) as caught:
        await store.get("requests/nothing.json")
    assert caught.value.key == "requests/nothing.json"
    assert isinstance(caught.value, KeyError)


async def test_exists(store: ObjectStore) -> None:
    await store.put("requests/a.json", b"{}")
    assert await store.exists("requests/a.json")
    assert not await store.exists("requests/b.json")
    assert not await store.exists("requests")


async def test_delete_removes_and_tolerates_missing_keys(store: ObjectStore) -> None:
    await store.put("requests/a.json", b"{}")
    await store.delete("requests/a.json")
    await store.delete("requests/a.json")
    assert not await store.exists("requests/a.json")
    assert await all_keys(store) == []


async def test_list_keys_by_prefix_in_byte_order(store: ObjectStore) -> None:
    keys = [
        "results/solver/b.json",
        "results/solver/a.json",
        "results/solver-x/c.json",
        "results/inspection/a.json",
        "requests/z.json",
        "results/solver/a-2.json",
    ]
    for key in keys:
        await store.put(key, key.encode())
    assert await all_keys(store) == sorted(keys)
    assert await all_keys(store, "results/solver/") == [
        "results/solver/a-2.json",
        "results/solver/a.json",
        "results/solver/b.json",
    ]
    # A prefix may end inside a segment, as in S3.
    assert await all_keys(store, "results/sol") == [
        "results/solver-x/c.json",
        "results/solver/a-2.json",
        "results/solver/a.json",
        "results/solver/b.json",
    ]
    assert await all_keys(store, "results/solver/a") == [
        "results/solver/a-2.json",
        "results/solver/a.json",
    ]
    assert await all_keys(store, "nothing/") == []


async def test_list_keys_after_a_key(store: ObjectStore) -> None:
    for name in ("c", "a", "d", "b"):
        await store.put(f"completed/{name}.json", b"{}")
    assert await all_keys(store, "completed/", "completed/b.json") == [
        "completed/c.json",
        "completed/d.json",
    ]
    assert await all_keys(store, "completed/", "completed/bb") == [
        "completed/c.json",
        "completed/d.json",
    ]
    assert await all_keys(store, "completed/", "completed/d.json") == []


async def test_listing_pages_through_more_than_a_thousand_keys(store: ObjectStore) -> None:
    # S3 answers at most 1000 keys per request: the adapter must follow the pages.
    keys = [f"results/solver/doc-{i:05d}.json" for i in range(1005)]
    limit = asyncio.Semaphore(32)

    async def put(key: str) -> None:
        async with limit:
            await store.put(key, b"{}")

    await asyncio.gather(*(put(key) for key in keys))
    assert await all_keys(store, "results/solver/") == keys


@pytest.mark.parametrize(
    "key",
    [
        "",
        "/etc/passwd",
        "../outside.json",
        "a/../b.json",
        "a//b.json",
        ".hidden",
        "a/.tmp-x",
        "a b.json",
        "a\\b.json",
        "ü.json",
        "a/",
        "x" * 600,
    ],
)
async def test_invalid_keys_are_refused_before_any_io(store: ObjectStore, key: str) -> None:
    with pytest.raises(InvalidKey):
        await store.put(key, b"{}")
    with pytest.raises(InvalidKey):
        await store.get(key)
    with pytest.raises(InvalidKey):
        await store.exists(key)


async def test_invalid_prefixes_are_refused(store: ObjectStore) -> None:
    for prefix in ("../", "/results", "a//"):
        with pytest.raises(InvalidKey):
            await all_keys(store, prefix)


async def test_json_helpers_and_layout_keys(store: ObjectStore) -> None:
    document = {"metadata": {"document_id": "solver-x"}, "result": {"tree": []}, "ü": 1}
    await put_json(store, result_key("solver", "solver-x"), document)
    await put_json(store, request_key("a-1"), {"kind": "SOLVER"})
    assert await get_json(store, "results/solver/solver-x.json") == document
    assert await all_keys(store) == ["requests/a-1.json", "results/solver/solver-x.json"]


async def test_readers_never_see_half_a_write(store: ObjectStore) -> None:
    # Two large, different versions are written alternately while readers read:
    # every read must be exactly one of them.
    versions = [b"A" * 2_000_000, b"B" * 3_000_000]
    key = "results/inspection/big.json"
    await store.put(key, versions[0])
    seen: set[bytes] = set()
    done = asyncio.Event()

    async def write() -> None:
        for i in range(6):
            await store.put(key, versions[(i + 1) % 2])
        done.set()

    async def read() -> None:
        while not done.is_set():
            data = await store.get(key)
            assert data in versions, f"torn read of {len(data)} bytes"
            seen.add(data[:1])

    await asyncio.gather(write(), read(), read())
    assert seen  # the readers did read

"""Reading a wheel's METADATA with range requests, against the loopback index."""

from __future__ import annotations

import hashlib
import random
from collections.abc import AsyncIterator

import httpx
import pytest

from analyzer_runner.metadata import InvalidMetadata
from analyzer_runner.wheel_range import (
    TAIL_BYTES,
    DigestMismatch,
    RangeReadError,
    Transfer,
    read_wheel_metadata,
)
from bench.package_index import IndexFile, PackageIndex


def _noise(size: int, seed: int) -> str:
    # Hex of random bytes: deflate cannot shrink it below half, so the wheel stays large.
    return random.Random(seed).randbytes(size // 2).hex()


def _big_wheel(index: PackageIndex, members: int = 1) -> IndexFile:
    files = {f"big/part{n}.py": _noise(2 * 1024 * 1024 // members, n) for n in range(members)}
    return index.add_wheel("big", "1.0", requires=["small>=1"], files=files)


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient() as opened:
        yield opened


def _url(index: PackageIndex, file: IndexFile) -> str:
    return f"http://127.0.0.1:{index.port}/files/{file.filename}"


async def test_metadata_at_the_end_of_a_large_wheel_takes_one_suffix_range(
    index: PackageIndex, client: httpx.AsyncClient
) -> None:
    wheel = _big_wheel(index)
    transfer = Transfer()
    metadata = await read_wheel_metadata(client, _url(index, wheel), transfer=transfer)
    assert metadata == wheel.metadata
    size = len(wheel.data)
    assert size > 1024 * 1024
    assert transfer.bytes < size / 10, (transfer.bytes, size)
    assert transfer.bytes == index.bytes_sent[f"/files/{wheel.filename}"]
    # Wheels end with their .dist-info: the tail holds METADATA too.
    assert (transfer.whole, transfer.size, transfer.requests) == (False, size, 1)
    assert [r for _, r in index.range_requests] == transfer.ranges == [f"bytes=-{TAIL_BYTES}"]


async def test_a_central_directory_and_metadata_beyond_the_tail_take_two_more_ranges(
    index: PackageIndex, client: httpx.AsyncClient
) -> None:
    # ~150 KiB of central directory, and a RECORD of ~180 KiB after METADATA.
    wheel = _big_wheel(index, members=2_000)
    transfer = Transfer()
    metadata = await read_wheel_metadata(client, _url(index, wheel), transfer=transfer)
    assert metadata == wheel.metadata
    assert transfer.requests == 3
    assert [r for _, r in index.range_requests] == transfer.ranges
    assert all(r.startswith("bytes=") and "-" in r for r in transfer.ranges)
    first, last = (int(n) for n in transfer.ranges[2].removeprefix("bytes=").split("-"))
    assert last - first < 4096  # the METADATA member, not the rest of the wheel
    assert transfer.bytes < len(wheel.data) / 4, (transfer.bytes, len(wheel.data))


async def test_a_wheel_smaller_than_the_tail_takes_one_request(
    index: PackageIndex, client: httpx.AsyncClient
) -> None:
    wheel = index.add_wheel("small", "1.0")
    transfer = Transfer()
    assert await read_wheel_metadata(client, _url(index, wheel), transfer=transfer) == (
        wheel.metadata
    )
    assert (transfer.requests, transfer.bytes, transfer.whole) == (1, len(wheel.data), False)


async def test_a_server_that_ignores_range_sends_the_whole_wheel_which_is_used(
    index: PackageIndex, client: httpx.AsyncClient
) -> None:
    index.ranges = False
    wheel = _big_wheel(index)
    transfer = Transfer()
    metadata = await read_wheel_metadata(
        client, _url(index, wheel), sha256=wheel.digest, transfer=transfer
    )
    assert metadata == wheel.metadata
    assert (transfer.whole, transfer.requests, transfer.bytes) == (True, 1, len(wheel.data))
    assert index.range_requests  # it was asked for a range, and answered 200


async def test_a_whole_wheel_is_checked_against_its_sha256(
    index: PackageIndex, client: httpx.AsyncClient
) -> None:
    index.ranges = False
    wheel = index.add_wheel("small", "1.0")
    with pytest.raises(DigestMismatch):
        await read_wheel_metadata(client, _url(index, wheel), sha256=hashlib.sha256().hexdigest())


async def test_a_whole_wheel_above_the_limit_is_refused(
    index: PackageIndex, client: httpx.AsyncClient
) -> None:
    index.ranges = False
    wheel = _big_wheel(index)
    with pytest.raises(RangeReadError, match="larger than"):
        await read_wheel_metadata(client, _url(index, wheel), limit=1024 * 1024)


async def test_a_ranged_wheel_above_the_limit_is_refused_before_reading_more(
    index: PackageIndex, client: httpx.AsyncClient
) -> None:
    wheel = _big_wheel(index)
    transfer = Transfer()
    with pytest.raises(RangeReadError, match="larger than"):
        await read_wheel_metadata(client, _url(index, wheel), limit=1024 * 1024, transfer=transfer)
    assert transfer.requests == 1


async def test_missing_files_and_non_wheels_fail_clearly(
    index: PackageIndex, client: httpx.AsyncClient
) -> None:
    index.add("junk", IndexFile("junk-1.0-py3-none-any.whl", b"not a zip at all" * 100))
    base = f"http://127.0.0.1:{index.port}/files"
    with pytest.raises(RangeReadError, match="HTTP 404"):
        await read_wheel_metadata(client, f"{base}/absent-1.0-py3-none-any.whl")
    with pytest.raises(InvalidMetadata, match="not a readable wheel"):
        await read_wheel_metadata(client, f"{base}/junk-1.0-py3-none-any.whl")


async def test_a_central_directory_claiming_too_much_is_refused_before_it_is_fetched(
    index: PackageIndex, client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    wheel = _big_wheel(index, members=2_000)  # its central directory is beyond the tail
    monkeypatch.setattr("analyzer_runner.wheel_range.MAX_RANGE_BYTES", 64 * 1024)
    transfer = Transfer()
    with pytest.raises(RangeReadError, match="in one range"):
        await read_wheel_metadata(client, _url(index, wheel), transfer=transfer)
    assert transfer.requests == 1


async def test_a_broken_content_range_is_an_error(
    index: PackageIndex, client: httpx.AsyncClient
) -> None:
    index.broken_ranges = True
    wheel = index.add_wheel("small", "1.0")
    with pytest.raises(RangeReadError, match="Content-Range"):
        await read_wheel_metadata(client, _url(index, wheel))

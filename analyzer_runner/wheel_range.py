"""A wheel's METADATA read with HTTP range requests: the zip's tail, then that one member.

What pip and uv do for indexes without PEP 658 files: ask for the last bytes of the wheel
(`Range: bytes=-N`: the end-of-central-directory record and, for most wheels, the whole
central directory), open it with `zipfile` over a file object that holds only the ranges
fetched so far, and ask for whatever `zipfile` reads that is not there yet: the central
directory when the tail did not hold it, then the local header and data of
`*.dist-info/METADATA`. A server that ignores Range answers 200 with the whole wheel;
that body is then used (streamed to a spooled file, capped, hash-checked), and the
`Transfer` says so.

Metadata read by range cannot be checked against the wheel's sha256 (the point is not to
fetch the wheel); like a PEP 658 file without a hash, its name and version are checked by
the caller instead.
"""

from __future__ import annotations

import hashlib
import io
import re
import tempfile
import zipfile
from dataclasses import dataclass, field

import httpx

from analyzer_runner.metadata import InvalidMetadata, metadata_member, wheel_metadata

# pip asks for 10,000 bytes; 64 KiB holds the central directory of all but the largest
# wheels (botocore's, ~5,000 members, needs a second request for it).
TAIL_BYTES = 64 * 1024
MAX_WHEEL_BYTES = 4 * 1024 * 1024 * 1024
# Tail, central directory, METADATA, and one more for a local header whose extra field
# is longer than the central directory's.
MAX_REQUESTS = 4
# The local header's extra field may differ from the central directory's copy.
_HEADER_SLACK = 1024
_LOCAL_HEADER = 30
_SPOOL_BYTES = 16 * 1024 * 1024
_CONTENT_RANGE = re.compile(r"bytes (\d+)-(\d+)/(\d+)")
# A compressed answer to a range request would be a range of the compressed body.
_IDENTITY = {"Accept-Encoding": "identity"}


class RangeReadError(Exception):
    """The wheel could not be read over HTTP: error status, malformed answer, too large."""


class DigestMismatch(RangeReadError):
    """A wheel sent whole whose sha256 is not the one expected."""


@dataclass(slots=True)
class Transfer:
    """What reading one wheel's metadata cost, and how it was read."""

    requests: int = 0
    bytes: int = 0
    ranges: list[str] = field(default_factory=list)
    """The Range headers sent, in order."""
    whole: bool = False
    """The server ignored Range and sent the whole wheel."""
    size: int | None = None
    """The wheel's size, when the server said it."""


class _Missing(Exception):
    """`zipfile` read bytes [start, end) that have not been fetched yet."""

    def __init__(self, start: int, end: int) -> None:
        super().__init__(f"bytes {start}-{end - 1} not fetched")
        self.start = start
        self.end = end


class _SparseFile(io.RawIOBase):
    """A seekable read-only file of `size` bytes of which only some ranges are known."""

    def __init__(self, size: int) -> None:
        super().__init__()
        self.size = size
        self._position = 0
        self._segments: list[tuple[int, bytes]] = []

    def add(self, start: int, data: bytes) -> None:
        self._segments.append((start, data))

    def gap(self, start: int, end: int) -> tuple[int, int] | None:
        """The first stretch of [start, end) not fetched, or None when all of it is."""
        position = start
        while position < end:
            found = self._segment_at(position)
            if found is None:
                return position, end
            segment_start, data = found
            position = segment_start + len(data)
        return None

    def _segment_at(self, position: int) -> tuple[int, bytes] | None:
        for start, data in self._segments:
            if start <= position < start + len(data):
                return start, data
        return None

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._position

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._position, io.SEEK_END: self.size}[whence]
        if base + offset < 0:
            raise OSError("seek before the start of the file")
        self._position = base + offset
        return self._position

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        start = self._position
        end = min(self.size, start + len(buffer))
        missing = self.gap(start, end)
        if missing is not None:
            raise _Missing(*missing)
        position = start
        view = memoryview(buffer)
        while position < end:
            found = self._segment_at(position)
            assert found is not None  # gap() said every byte is there
            segment_start, data = found
            chunk = data[position - segment_start : end - segment_start]
            view[position - start : position - start + len(chunk)] = chunk
            position += len(chunk)
        self._position = end
        return end - start


def _metadata_from(remote: _SparseFile) -> bytes:
    """METADATA out of the ranges fetched so far; raises _Missing for what is not there."""
    try:
        with zipfile.ZipFile(remote) as archive:
            info = metadata_member(archive)
            # Ask for the whole member in one request rather than header, then data.
            end = min(
                remote.size,
                info.header_offset
                + _LOCAL_HEADER
                + len(info.orig_filename.encode())
                + len(info.extra)
                + info.compress_size
                + _HEADER_SLACK,
            )
            missing = remote.gap(info.header_offset, end)
            if missing is not None:
                raise _Missing(*missing)
            return archive.read(info)
    except (zipfile.BadZipFile, EOFError, ValueError) as error:
        raise InvalidMetadata(f"not a readable wheel: {error}") from error


async def _partial(
    response: httpx.Response, url: str, asked: int, transfer: Transfer
) -> tuple[int, int, bytes]:
    """A 206 answer's (start, total size, body), the body capped at what was asked."""
    match = _CONTENT_RANGE.fullmatch(response.headers.get("Content-Range", "").strip())
    if match is None:
        raise RangeReadError(f"{url}: 206 without a usable Content-Range")
    start, last, total = (int(group) for group in match.groups())
    if last < start or last >= total or last - start + 1 > asked:
        raise RangeReadError(f"{url}: Content-Range {match.group(0)} is not what was asked")
    body = bytearray()
    async for chunk in response.aiter_bytes():
        body += chunk
        if len(body) > last - start + 1:
            raise RangeReadError(f"{url}: more bytes than Content-Range {match.group(0)}")
    transfer.bytes += response.num_bytes_downloaded
    if len(body) != last - start + 1:
        raise RangeReadError(f"{url}: {len(body)} bytes for Content-Range {match.group(0)}")
    transfer.size = total
    return start, total, bytes(body)


async def _whole(
    response: httpx.Response, url: str, sha256: str | None, limit: int, transfer: Transfer
) -> bytes:
    """METADATA out of a 200 answer: the whole wheel, spooled to disk past 16 MiB."""
    transfer.whole = True
    digest = hashlib.sha256()
    with tempfile.SpooledTemporaryFile(max_size=_SPOOL_BYTES) as spool:
        size = 0
        async for chunk in response.aiter_bytes():
            size += len(chunk)
            if size > limit:
                raise RangeReadError(f"{url}: larger than {limit} bytes")
            digest.update(chunk)
            spool.write(chunk)
        transfer.bytes += response.num_bytes_downloaded
        transfer.size = size
        if sha256 is not None and digest.hexdigest() != sha256.lower():
            raise DigestMismatch(
                f"sha256 mismatch for {url}: expected {sha256.lower()}, got {digest.hexdigest()}"
            )
        spool.seek(0)
        return wheel_metadata(spool)


async def read_wheel_metadata(
    client: httpx.AsyncClient,
    url: str,
    *,
    sha256: str | None = None,
    transfer: Transfer | None = None,
    limit: int = MAX_WHEEL_BYTES,
) -> bytes:
    """The `*.dist-info/METADATA` of the wheel at `url`, read with a few range requests.

    `sha256` is checked only when the server sends the whole wheel; `transfer`, when
    given, is filled in with the requests and bytes this took. Raises RangeReadError
    (HTTP), DigestMismatch, InvalidMetadata (not a wheel, no or several METADATA files).
    """
    transfer = transfer if transfer is not None else Transfer()

    async def get(range_header: str | None) -> httpx.Response:
        headers = dict(_IDENTITY)
        if range_header is not None:
            headers["Range"] = range_header
            transfer.ranges.append(range_header)
        transfer.requests += 1
        request = client.build_request("GET", url, headers=headers)
        try:
            response = await client.send(request, stream=True)
        except httpx.HTTPError as error:
            raise RangeReadError(f"{url}: {error}") from error
        if response.status_code not in (200, 206):
            await response.aclose()
            status = response.status_code
            # 416: an empty file, or a server that refuses suffix ranges; read it whole.
            if status == 416 and range_header is not None and not transfer.ranges[1:]:
                return await get(None)
            raise RangeReadError(f"{url}: HTTP {status}")
        return response

    try:
        response = await get(f"bytes=-{TAIL_BYTES}")
        try:
            if response.status_code == 200:
                return await _whole(response, url, sha256, limit, transfer)
            start, total, data = await _partial(response, url, TAIL_BYTES, transfer)
        finally:
            await response.aclose()
        if total > limit:
            raise RangeReadError(f"{url}: larger than {limit} bytes")
        remote = _SparseFile(total)
        remote.add(start, data)
        while True:
            try:
                return _metadata_from(remote)
            except _Missing as missing:
                if transfer.requests >= MAX_REQUESTS:
                    raise RangeReadError(
                        f"{url}: METADATA not read after {transfer.requests} range requests"
                    ) from None
                asked = missing.end - missing.start
                response = await get(f"bytes={missing.start}-{missing.end - 1}")
                try:
                    if response.status_code == 200:  # Range honoured once, then ignored
                        return await _whole(response, url, sha256, limit, transfer)
                    start, _, data = await _partial(response, url, asked, transfer)
                finally:
                    await response.aclose()
                remote.add(start, data)
    except httpx.HTTPError as error:
        raise RangeReadError(f"{url}: {error}") from error

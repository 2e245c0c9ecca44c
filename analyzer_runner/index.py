"""The HTTP client for a simple repository: project pages, metadata files, artifacts.

Everything fetched is checked against the sha256 the index (or a lock file) gives, and
capped in size, before anyone reads it. This runs outside the sandbox and executes
nothing it downloads. Every fetch obeys the egress policy (`egress.py`): the index itself,
each URL and each redirect target, and each address a name resolves to (checked in the
resolver, so the address connected to is the one checked).
"""

from __future__ import annotations

import asyncio
import hashlib
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from types import TracebackType

import aiohttp
import httpx
from aiohttp.abc import AbstractResolver, ResolveResult
from packaging.utils import canonicalize_name
from yarl import URL

from analyzer_runner import ANALYZER_VERSION
from analyzer_runner.artifacts import Artifact
from analyzer_runner.egress import EgressPolicy
from analyzer_runner.project_page import ACCEPT, ProjectPage, parse_project_page
from analyzer_runner.wheel_range import Transfer, read_wheel_metadata

MAX_PAGE_BYTES = 64 * 1024 * 1024
MAX_METADATA_BYTES = 16 * 1024 * 1024
MAX_ARTIFACT_BYTES = 4 * 1024 * 1024 * 1024
_CHUNK = 1024 * 1024
MAX_REDIRECTS = 10
_REDIRECTS = frozenset({301, 302, 303, 307, 308})


class IndexFault(Exception):
    """The index could not be read (unreachable, error status, oversized answer)."""


class HashMismatch(IndexFault):
    """A file's sha256 is not the one the index or the lock promised."""


class TooLarge(IndexFault):
    """A file larger than the cap for its purpose."""


def _check_digest(url: str, expected: str | None, actual: str) -> None:
    if expected is not None and expected.lower() != actual:
        raise HashMismatch(f"sha256 mismatch for {url}: expected {expected.lower()}, got {actual}")


class PolicyResolver(AbstractResolver):
    """Resolves names as usual, then refuses any answer the policy does not allow: an
    allowed name that points at loopback or a private network is refused at connect."""

    def __init__(self, policy: EgressPolicy) -> None:
        self._policy = policy
        self._inner = aiohttp.ThreadedResolver()

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        found = await self._inner.resolve(host, port, family)
        for answer in found:
            self._policy.check_address(host, answer["host"])
        return found

    async def close(self) -> None:
        await self._inner.close()


class IndexClient:
    """One simple repository (`https://pypi.org/simple`), read over one HTTP session."""

    def __init__(
        self,
        index_url: str,
        *,
        timeout_seconds: float = 60.0,
        policy: EgressPolicy | None = None,
    ) -> None:
        self.index_url = index_url.rstrip("/")
        self.policy = policy or EgressPolicy.from_environ()
        self._timeout = aiohttp.ClientTimeout(
            total=None, sock_connect=timeout_seconds, sock_read=timeout_seconds
        )
        self._timeout_seconds = timeout_seconds
        self._session: aiohttp.ClientSession | None = None
        self._http: httpx.AsyncClient | None = None

    async def __aenter__(self) -> IndexClient:
        self.policy.check_index(self.index_url, "the runner's")
        # trust_env: a middletier may have to reach the index through an egress proxy
        # (the proxy's own address is then what the resolver checks).
        self._session = aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(resolver=PolicyResolver(self.policy)),
            timeout=self._timeout,
            headers={"User-Agent": f"thoth-analyzer-runner/{ANALYZER_VERSION}"},
            trust_env=True,
        )
        # Range reads (wheel_range.py) go through httpx; redirects followed as aiohttp does,
        # each request (redirects too) checked against the same egress policy first.
        self._http = httpx.AsyncClient(
            headers={"User-Agent": f"thoth-analyzer-runner/{ANALYZER_VERSION}"},
            timeout=httpx.Timeout(self._timeout_seconds),
            follow_redirects=True,
            trust_env=True,
            event_hooks={"request": [self._allowed]},
        )
        return self

    async def _allowed(self, request: httpx.Request) -> None:
        """Refuse a range read the policy does not allow: its URL, then every address its
        host resolves to (httpx resolves again to connect; the window is a DNS answer
        changing between the two, which the aiohttp session's resolver closes)."""
        url = str(request.url)
        self.policy.check_url(url)
        host = request.url.host
        loop = asyncio.get_running_loop()
        for *_, address in await loop.getaddrinfo(host, request.url.port or 443):
            self.policy.check_address(host, str(address[0]))

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None
        if self._http is not None:
            await self._http.aclose()
            self._http = None

    @property
    def session(self) -> aiohttp.ClientSession:
        if self._session is None:
            raise RuntimeError("use IndexClient in an `async with` block")
        return self._session

    @asynccontextmanager
    async def _get(
        self, url: str, headers: dict[str, str] | None = None
    ) -> AsyncIterator[aiohttp.ClientResponse]:
        """GET `url`, following redirects only to URLs the policy allows."""
        for _ in range(MAX_REDIRECTS + 1):
            self.policy.check_url(url)
            async with self.session.get(url, headers=headers, allow_redirects=False) as response:
                location = response.headers.get("Location")
                if response.status not in _REDIRECTS or location is None:
                    yield response
                    return
                url = str(response.url.join(URL(location)))
        raise IndexFault(f"{url}: more than {MAX_REDIRECTS} redirects")

    def project_url(self, project: str) -> str:
        return f"{self.index_url}/{canonicalize_name(project)}/"

    async def project(self, project: str) -> ProjectPage | None:
        """The project's page, or None when the index does not know the project."""
        url = self.project_url(project)
        try:
            async with self._get(url, headers={"Accept": ACCEPT}) as response:
                if response.status == 404:
                    return None
                if response.status != 200:
                    raise IndexFault(f"{url}: HTTP {response.status}")
                body = await self._read_capped(response, url, MAX_PAGE_BYTES)
                content_type = response.headers.get("Content-Type", "text/html")
                return parse_project_page(body, content_type, str(response.url), project)
        except aiohttp.ClientError as error:
            raise IndexFault(f"{url}: {error}") from error
        except TimeoutError as error:
            raise IndexFault(f"{url}: timed out") from error

    async def fetch(self, url: str, *, sha256: str | None, limit: int) -> bytes:
        """A small file, whole, checked against `sha256` when one is given."""
        try:
            async with self._get(url) as response:
                if response.status != 200:
                    raise IndexFault(f"{url}: HTTP {response.status}")
                body = await self._read_capped(response, url, limit)
        except aiohttp.ClientError as error:
            raise IndexFault(f"{url}: {error}") from error
        except TimeoutError as error:
            raise IndexFault(f"{url}: timed out") from error
        _check_digest(url, sha256, hashlib.sha256(body).hexdigest())
        return body

    async def metadata(self, artifact: Artifact) -> bytes:
        """The PEP 658 metadata file of an artifact whose index serves one."""
        return await self.fetch(
            artifact.metadata_url, sha256=artifact.core_metadata_sha256, limit=MAX_METADATA_BYTES
        )

    async def wheel_metadata(self, artifact: Artifact, transfer: Transfer) -> bytes:
        """A wheel's METADATA read with range requests (the whole wheel if Range is
        ignored); raises wheel_range's RangeReadError / DigestMismatch, InvalidMetadata."""
        if self._http is None:
            raise RuntimeError("use IndexClient in an `async with` block")
        return await read_wheel_metadata(
            self._http,
            artifact.url,
            sha256=artifact.sha256,
            transfer=transfer,
            limit=MAX_ARTIFACT_BYTES,
        )

    async def download(
        self,
        artifact: Artifact,
        folder: Path,
        *,
        expected: tuple[str, ...] = (),
        limit: int = MAX_ARTIFACT_BYTES,
    ) -> tuple[Path, str]:
        """Stream an artifact into `folder`; its path and sha256.

        The digest must match the index's, and one of `expected` (a lock's hashes) when
        given; a file that fails either check is deleted.
        """
        target = folder / artifact.filename
        digest = hashlib.sha256()
        size = 0
        try:
            async with self._get(artifact.url) as response:
                if response.status != 200:
                    raise IndexFault(f"{artifact.url}: HTTP {response.status}")
                # One analysis per runner process: a blocking local write stalls nobody.
                with open(target, "wb") as handle:  # noqa: ASYNC230
                    async for chunk in response.content.iter_chunked(_CHUNK):
                        size += len(chunk)
                        if size > limit:
                            raise TooLarge(f"{artifact.url}: larger than {limit} bytes")
                        digest.update(chunk)
                        handle.write(chunk)
            actual = digest.hexdigest()
            _check_digest(artifact.url, artifact.sha256, actual)
            if expected and actual not in {e.lower() for e in expected}:
                raise HashMismatch(
                    f"sha256 mismatch for {artifact.filename}: got {actual}, "
                    f"the lock allows {sorted(expected)}"
                )
        except aiohttp.ClientError as error:
            target.unlink(missing_ok=True)
            raise IndexFault(f"{artifact.url}: {error}") from error
        except BaseException:
            target.unlink(missing_ok=True)
            raise
        return target, actual

    @staticmethod
    async def _read_capped(response: aiohttp.ClientResponse, url: str, limit: int) -> bytes:
        chunks: list[bytes] = []
        size = 0
        async for chunk in response.content.iter_chunked(_CHUNK):
            size += len(chunk)
            if size > limit:
                raise TooLarge(f"{url}: larger than {limit} bytes")
            chunks.append(chunk)
        return b"".join(chunks)

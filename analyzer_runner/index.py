"""The HTTP client for a simple repository: project pages, metadata files, artifacts.

Everything fetched is checked against the sha256 the index (or a lock file) gives, and
capped in size, before anyone reads it. This runs outside the sandbox and executes
nothing it downloads.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from types import TracebackType

import aiohttp
import httpx
from packaging.utils import canonicalize_name

from analyzer_runner import ANALYZER_VERSION
from analyzer_runner.artifacts import Artifact
from analyzer_runner.project_page import ACCEPT, ProjectPage, parse_project_page
from analyzer_runner.wheel_range import Transfer, read_wheel_metadata

MAX_PAGE_BYTES = 64 * 1024 * 1024
MAX_METADATA_BYTES = 16 * 1024 * 1024
MAX_ARTIFACT_BYTES = 4 * 1024 * 1024 * 1024
_CHUNK = 1024 * 1024


class IndexFault(Exception):
    """The index could not be read (unreachable, error status, oversized answer)."""


class HashMismatch(IndexFault):
    """A file's sha256 is not the one the index or the lock promised."""


class TooLarge(IndexFault):
    """A file larger than the cap for its purpose."""


def _check_digest(url: str, expected: str | None, actual: str) -> None:
    if expected is not None and expected.lower() != actual:
        raise HashMismatch(f"sha256 mismatch for {url}: expected {expected.lower()}, got {actual}")


class IndexClient:
    """One simple repository (`https://pypi.org/simple`), read over one HTTP session."""

    def __init__(self, index_url: str, *, timeout_seconds: float = 60.0) -> None:
        self.index_url = index_url.rstrip("/")
        self._timeout = aiohttp.ClientTimeout(
            total=None, sock_connect=timeout_seconds, sock_read=timeout_seconds
        )
        self._timeout_seconds = timeout_seconds
        self._session: aiohttp.ClientSession | None = None
        self._http: httpx.AsyncClient | None = None

    async def __aenter__(self) -> IndexClient:
        # trust_env: a middletier may have to reach the index through an egress proxy.
        self._session = aiohttp.ClientSession(
            timeout=self._timeout,
            headers={"User-Agent": f"thoth-analyzer-runner/{ANALYZER_VERSION}"},
            trust_env=True,
        )
        # Range reads (wheel_range.py) go through httpx; redirects followed as aiohttp does.
        self._http = httpx.AsyncClient(
            headers={"User-Agent": f"thoth-analyzer-runner/{ANALYZER_VERSION}"},
            timeout=httpx.Timeout(self._timeout_seconds),
            follow_redirects=True,
            trust_env=True,
        )
        return self

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

    def project_url(self, project: str) -> str:
        return f"{self.index_url}/{canonicalize_name(project)}/"

    async def project(self, project: str) -> ProjectPage | None:
        """The project's page, or None when the index does not know the project."""
        url = self.project_url(project)
        try:
            async with self.session.get(url, headers={"Accept": ACCEPT}) as response:
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
            async with self.session.get(url) as response:
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
            async with self.session.get(artifact.url) as response:
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

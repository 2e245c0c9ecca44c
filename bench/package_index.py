"""A package index on loopback for hermetic tests, and wheels and sdists made on the fly.

The index serves PEP 503 HTML and PEP 691 JSON project pages (by the Accept header),
PEP 658 `.metadata` files, and the files themselves (honouring single HTTP ranges unless
told not to), and logs every path and Range asked for and the bytes it sent.
"""

from __future__ import annotations

import base64
import hashlib
import html
import io
import json
import os
import tarfile
import threading
import zipfile
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from packaging.utils import canonicalize_name

from analyzer_runner.egress import DEFAULT_INDEXES, INDEXES_VARIABLE, NETWORKS_VARIABLE

JSON_TYPE = "application/vnd.pypi.simple.v1+json"


def metadata_text(
    name: str,
    version: str,
    requires: Iterable[str] = (),
    requires_python: str | None = None,
    metadata_version: str = "2.1",
    dynamic: Iterable[str] = (),
) -> str:
    lines = [f"Metadata-Version: {metadata_version}", f"Name: {name}", f"Version: {version}"]
    if requires_python:
        lines.append(f"Requires-Python: {requires_python}")
    lines += [f"Dynamic: {d}" for d in dynamic]
    lines += [f"Requires-Dist: {r}" for r in requires]
    return "\n".join(lines) + "\n\n"


def _record_line(path: str, data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{path},sha256={digest},{len(data)}"


def wheel(
    name: str,
    version: str,
    *,
    requires: Iterable[str] = (),
    requires_python: str | None = None,
    tag: str = "py3-none-any",
    files: Mapping[str, str] | None = None,
) -> tuple[str, bytes, bytes]:
    """A real wheel: (filename, bytes, METADATA bytes). Files default to `<name>/__init__.py`."""
    stem = f"{name.replace('-', '_')}-{version}"
    metadata = metadata_text(name, version, requires, requires_python).encode()
    contents = {
        path: text.encode()
        for path, text in (
            files or {f"{name.replace('-', '_')}/__init__.py": f"VERSION = {version!r}\n"}
        ).items()
    }
    contents[f"{stem}.dist-info/METADATA"] = metadata
    contents[f"{stem}.dist-info/WHEEL"] = (
        f"Wheel-Version: 1.0\nGenerator: thoth-tests\nRoot-Is-Purelib: true\nTag: {tag}\n"
    ).encode()
    record_path = f"{stem}.dist-info/RECORD"
    record = "\n".join([*(_record_line(p, d) for p, d in contents.items()), f"{record_path},,"])
    contents[record_path] = (record + "\n").encode()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path, data in contents.items():
            archive.writestr(path, data)
    return f"{stem}-{tag}.whl", buffer.getvalue(), metadata


def sdist(name: str, version: str, files: Mapping[str, str | bytes]) -> tuple[str, bytes]:
    """A .tar.gz sdist with `files` under its `<name>-<version>/` folder."""
    stem = f"{name.replace('-', '_')}-{version}"
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for path, content in files.items():
            data = content.encode() if isinstance(content, str) else content
            info = tarfile.TarInfo(f"{stem}/{path}")
            info.size = len(data)
            info.mode = 0o644
            archive.addfile(info, io.BytesIO(data))
    return f"{stem}.tar.gz", buffer.getvalue()


@dataclass
class IndexFile:
    filename: str
    data: bytes
    metadata: bytes | None = None
    yanked: bool = False
    requires_python: str | None = None
    upload_time: str | None = None
    sha256: str | None = None
    serve_metadata: bool = True
    """False: no `.metadata` file for this wheel, so only its bytes (or ranges) tell."""

    @property
    def digest(self) -> str:
        return self.sha256 or hashlib.sha256(self.data).hexdigest()


@dataclass
class PackageIndex:
    """The index's content; `json_api`, `pep658` and `ranges` switch those features off.

    `advertise_metadata=False` serves `.metadata` files but leaves `core-metadata` out of
    the pages, as some mirrors do: a client cannot know beforehand which files have one.
    """

    json_api: bool = True
    pep658: bool = True
    advertise_metadata: bool = True
    ranges: bool = True
    broken_ranges: bool = False
    """Answer Range requests with 206 and a Content-Range that does not parse."""
    projects: dict[str, list[IndexFile]] = field(default_factory=dict)
    requests: list[str] = field(default_factory=list)
    range_requests: list[tuple[str, str]] = field(default_factory=list)
    bytes_sent: dict[str, int] = field(default_factory=dict)
    port: int = 0
    redirects: dict[str, str] = field(default_factory=dict)
    """Paths answered with a 302 to the URL given."""

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/simple"

    def add(self, project: str, file: IndexFile) -> IndexFile:
        self.projects.setdefault(str(canonicalize_name(project)), []).append(file)
        return file

    def add_wheel(self, name: str, version: str, **options: object) -> IndexFile:
        index_options = {k: options.pop(k) for k in ("yanked", "upload_time") if k in options}
        filename, data, metadata = wheel(name, version, **options)  # type: ignore[arg-type]
        requires_python = options.get("requires_python")
        return self.add(
            name,
            IndexFile(
                filename,
                data,
                metadata,
                requires_python=requires_python if isinstance(requires_python, str) else None,
                **index_options,  # type: ignore[arg-type]
            ),
        )

    def add_sdist(self, name: str, version: str, files: Mapping[str, str | bytes]) -> IndexFile:
        filename, data = sdist(name, version, files)
        return self.add(name, IndexFile(filename, data))

    def _has_metadata(self, f: IndexFile) -> bool:
        return self.pep658 and f.metadata is not None and f.serve_metadata

    def _advertised(self, f: IndexFile) -> bool:
        return self.advertise_metadata and self._has_metadata(f)

    def paths(self, suffix: str = "") -> list[str]:
        return [p for p in self.requests if p.endswith(suffix)]

    def _page(self, project: str, as_json: bool) -> tuple[bytes, str]:
        files = self.projects[project]
        if as_json:
            entries = []
            for f in files:
                entry: dict[str, object] = {
                    "filename": f.filename,
                    "url": f"../../files/{f.filename}",
                    "hashes": {"sha256": f.digest},
                    "yanked": f.yanked,
                }
                if f.requires_python:
                    entry["requires-python"] = f.requires_python
                if f.upload_time:
                    entry["upload-time"] = f.upload_time
                if self._advertised(f) and f.metadata is not None:
                    entry["core-metadata"] = {"sha256": hashlib.sha256(f.metadata).hexdigest()}
                entries.append(entry)
            body = {"meta": {"api-version": "1.1"}, "name": project, "files": entries}
            return json.dumps(body).encode(), JSON_TYPE
        anchors = []
        for f in files:
            attributes = f'href="/files/{f.filename}#sha256={f.digest}"'
            if f.requires_python:
                attributes += f' data-requires-python="{html.escape(f.requires_python)}"'
            if f.yanked:
                attributes += ' data-yanked=""'
            if self._advertised(f) and f.metadata is not None:
                digest = hashlib.sha256(f.metadata).hexdigest()
                attributes += f' data-core-metadata="sha256={digest}"'
            anchors.append(f"<a {attributes}>{f.filename}</a><br/>")
        page = f"<!DOCTYPE html><html><body>{''.join(anchors)}</body></html>"
        return page.encode(), "text/html"

    def answer(self, path: str, accept: str) -> tuple[int, bytes, str]:
        self.requests.append(path)
        if path in self.redirects:
            return 302, self.redirects[path].encode(), "text/plain"
        parts = path.strip("/").split("/")
        if len(parts) == 2 and parts[0] == "simple":
            project = str(canonicalize_name(parts[1]))
            if project not in self.projects:
                return 404, b"not found", "text/plain"
            return 200, *self._page(project, self.json_api and JSON_TYPE in accept)
        if len(parts) == 2 and parts[0] == "files":
            for files in self.projects.values():
                for f in files:
                    if parts[1] == f.filename:
                        return 200, f.data, "application/octet-stream"
                    if self._has_metadata(f) and parts[1] == f"{f.filename}.metadata":
                        return 200, f.metadata, "application/octet-stream"
        return 404, b"not found", "text/plain"


def _byte_range(
    asked: str, body: bytes, headers: dict[str, str]
) -> tuple[int, bytes, dict[str, str]]:
    """A single `bytes=a-b`, `bytes=a-` or `bytes=-n` range of `body` (RFC 9110 14.1.2)."""
    unit, _, spec = asked.partition("=")
    first, dash, last = spec.strip().partition("-")
    size = len(body)
    if unit.strip() != "bytes" or not dash or "," in spec:
        return 200, body, headers
    if not first:
        start, end = max(0, size - int(last)), size - 1
    else:
        start, end = int(first), min(size - 1, int(last)) if last else size - 1
    if start >= size or end < start:
        return 416, b"", {**headers, "Content-Range": f"bytes */{size}"}
    return 206, body[start : end + 1], {**headers, "Content-Range": f"bytes {start}-{end}/{size}"}


def _handler(index: PackageIndex) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            path = self.path.split("?")[0]
            status, body, content_type = index.answer(path, self.headers.get("Accept", ""))
            headers = {"Content-Type": content_type}
            asked = self.headers.get("Range")
            if asked is not None:
                index.range_requests.append((path, asked))
            if asked is not None and index.ranges and status == 200 and path.startswith("/files/"):
                status, body, headers = _byte_range(asked, body, headers)
                if index.broken_ranges and status == 206:
                    headers["Content-Range"] = "bytes garbage"
            index.bytes_sent[path] = index.bytes_sent.get(path, 0) + len(body)
            self.send_response(status)
            if 300 <= status < 400:
                headers["Location"] = body.decode()
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            return

    return Handler


def allow_loopback(monkeypatch: pytest.MonkeyPatch, *urls: str) -> None:
    """Allow these loopback indexes by the egress policy, which refuses them by default:
    in this process and in every server, dispatcher and runner it starts from here."""
    allowed = os.environ.get(INDEXES_VARIABLE, "").split() or list(DEFAULT_INDEXES)
    monkeypatch.setenv(INDEXES_VARIABLE, " ".join([*allowed, *urls]))
    monkeypatch.setenv(NETWORKS_VARIABLE, "127.0.0.0/8")


@contextmanager
def serve(index: PackageIndex) -> Iterator[PackageIndex]:
    """Serve the index on a free loopback port for the duration of the block."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(index))
    server.daemon_threads = True
    index.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield index
    finally:
        server.shutdown()
        server.server_close()
        thread.join()

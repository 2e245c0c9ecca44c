"""A loopback simple repository serving a corpus' metadata (PEP 691 JSON + PEP 658 files).

Project pages list, per captured release, the release's wheels under their real file
names (installers need them for the tags) with `core-metadata` set, and each wheel's
`<file>.metadata` is the release's METADATA rebuilt from the solver document: Name,
Version, Requires-Python, Provides-Extra and Requires-Dist. No distribution file is
served: `uv pip compile` reads metadata only.

A release without a wheel for linux x86_64 / CPython 3.12 but with an sdist is listed as
a synthesized `py3-none-any` wheel, since an installer would build the sdist to read the
metadata the corpus already holds (and pip would install it from the sdist).
Releases whose metadata the capture could not read are not listed.
"""

from __future__ import annotations

import gzip
import json
import re
import sys
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

from packaging.utils import canonicalize_name

JSON_TYPE = "application/vnd.pypi.simple.v1+json"
_EXTRA = re.compile(r"""extra\s*==\s*['"]([^'"]+)['"]""")


def load_documents(path: Path) -> list[dict[str, Any]]:
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        documents: list[dict[str, Any]] = json.load(handle)
    return documents


def requirement_line(dependency: dict[str, Any]) -> str:
    """A document's dependency back as a Requires-Dist value."""
    extras = dependency.get("extras") or []
    line: str = dependency["package_name"] + (f"[{','.join(extras)}]" if extras else "")
    line += dependency.get("specifier") or ""
    if dependency.get("marker"):
        line += f"; {dependency['marker']}"
    return line


def core_metadata(entry: dict[str, Any]) -> bytes:
    """METADATA for one tree entry."""
    lines = [
        "Metadata-Version: 2.1",
        f"Name: {entry['package_name']}",
        f"Version: {entry['package_version']}",
    ]
    if entry.get("requires_python"):
        lines.append(f"Requires-Python: {entry['requires_python']}")
    dependencies = entry.get("dependencies") or []
    extras = sorted({e for d in dependencies for e in _EXTRA.findall(d.get("marker") or "")})
    lines += [f"Provides-Extra: {extra}" for extra in extras]
    lines += [f"Requires-Dist: {requirement_line(d)}" for d in dependencies]
    return ("\n".join(lines) + "\n").encode()


def wheel_files(entry: dict[str, Any]) -> list[str]:
    """The wheel names a release is listed under (see the module's docstring)."""
    artifacts = entry.get("artifacts") or []
    wheels = [a["filename"] for a in artifacts if a.get("kind") == "wheel"]
    if any(a.get("compatible") for a in artifacts if a.get("kind") == "wheel"):
        return wheels
    if any(a.get("kind") == "sdist" for a in artifacts) or not artifacts:
        name = canonicalize_name(entry["package_name"]).replace("-", "_")
        return [*wheels, f"{name}-{entry['package_version']}-py3-none-any.whl"]
    return wheels


class CorpusIndex:
    """Project pages and metadata files of a corpus, by URL path."""

    def __init__(self, documents: Iterable[dict[str, Any]]) -> None:
        self.projects: dict[str, list[tuple[str, dict[str, Any]]]] = {}
        self.metadata: dict[str, dict[str, Any]] = {}
        self._pages: dict[str, bytes] = {}
        for document in documents:
            for entry in document["result"]["tree"]:
                name = canonicalize_name(entry["package_name"])
                files = self.projects.setdefault(name, [])
                for filename in wheel_files(entry):
                    files.append((filename, entry))
                    self.metadata[f"{name}/{filename}"] = entry
            for unresolved in document["result"].get("unresolved") or []:
                self.projects.setdefault(canonicalize_name(unresolved["package_name"]), [])

    def page(self, project: str) -> bytes | None:
        name = canonicalize_name(project)
        if name not in self.projects:
            return None
        if name not in self._pages:
            self._pages[name] = self._page(name)
        return self._pages[name]

    def _page(self, name: str) -> bytes:
        files: list[dict[str, Any]] = [
            {
                "filename": filename,
                "url": f"../../files/{name}/{quote(filename)}",
                "hashes": {},
                "requires-python": entry.get("requires_python"),
                "core-metadata": True,
                "dist-info-metadata": True,
                "yanked": bool(entry.get("yanked")),
            }
            for filename, entry in self.projects[name]
        ]
        page = {"meta": {"api-version": "1.1"}, "name": name, "files": files}
        return json.dumps(page).encode()

    def file_metadata(self, project: str, filename: str) -> bytes | None:
        entry = self.metadata.get(f"{canonicalize_name(project)}/{filename}")
        return None if entry is None else core_metadata(entry)


def _handler(index: CorpusIndex) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive: uv reuses its connections

        def do_GET(self) -> None:
            parts = [unquote(p) for p in self.path.split("?", 1)[0].split("/") if p]
            body: bytes | None = None
            kind = "text/plain"
            if len(parts) == 2 and parts[0] == "simple":
                body, kind = index.page(parts[1]), JSON_TYPE
            elif len(parts) == 3 and parts[0] == "files" and parts[2].endswith(".metadata"):
                body = index.file_metadata(parts[1], parts[2].removesuffix(".metadata"))
            if body is None:
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    return Handler


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        # A client that drops a kept-alive connection (uv at exit) is not an error.
        error = sys.exc_info()[1]
        if not isinstance(error, ConnectionError):
            super().handle_error(request, client_address)  # type: ignore[arg-type]


@contextmanager
def serving(documents: Iterable[dict[str, Any]]) -> Iterator[str]:
    """Serve a corpus on a free loopback port; yields the index URL (`.../simple`)."""
    server = _Server(("127.0.0.1", 0), _handler(CorpusIndex(documents)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/simple"
    finally:
        server.shutdown()
        server.server_close()

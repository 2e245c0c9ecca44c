"""GraphiQL for browsers: its page, and its scripts and styles served from here, not a CDN.

The assets are the npm builds strawberry's own GraphiQL page loads from unpkg, vendored
byte for byte (`assets.json` names each with its integrity hash; see
docs/decisions/0003-graphql-over-http.md). Their URLs carry the package version, so they
never change and browsers may cache them for good.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
from functools import cache, partial
from html import escape
from importlib import resources

import anyio.to_thread
from starlette.datastructures import Headers
from starlette.responses import PlainTextResponse, Response
from starlette.types import Receive, Scope, Send

from thoth_graphql.api.vendored import Asset, read_manifest

ASSETS_PATH = "/graphiql"
"""Where the app mounts `GraphiQLAssets`; the page loads its assets from below it."""

_IMMUTABLE = "public, max-age=31536000, immutable"
_HERE = resources.files(__name__)


@cache
def manifest() -> tuple[Asset, ...]:
    """The vendored assets, in the order the page loads them."""
    return read_manifest(_HERE)


@cache
def page(assets_url: str = ASSETS_PATH) -> str:
    """The GraphiQL page, loading every asset from `assets_url` with its integrity hash."""
    tags = []
    for asset in manifest():
        href = escape(f"{assets_url}/{asset.path}")
        integrity = escape(asset.integrity)
        if asset.file.endswith(".css"):
            tags.append(f'<link rel="stylesheet" href="{href}" integrity="{integrity}" />')
        else:
            tags.append(f'<script src="{href}" integrity="{integrity}"></script>')
    template = _HERE.joinpath("graphiql.html").read_text(encoding="utf-8")
    return template.replace("<!-- assets -->", "\n    ".join(tags))


@cache
def content_security_policy() -> str:
    """The page's Content-Security-Policy: nothing but this origin, and its own inline script.

    Scripts run only from here (each vendored file) or with the inline script's hash;
    requests go only to this origin (HTTP and its WebSocket); GraphiQL's fonts and icons
    are data: URLs in its CSS, its editors set inline styles.
    """
    html = page()
    start = html.index("<script>") + len("<script>")
    inline = html[start : html.index("</script>", start)]
    digest = base64.b64encode(hashlib.sha256(inline.encode()).digest()).decode()
    return "; ".join(
        [
            "default-src 'none'",
            f"script-src 'self' 'sha256-{digest}'",
            "style-src 'self' 'unsafe-inline'",
            "font-src 'self' data:",
            "img-src 'self' data:",
            "connect-src 'self'",
            "base-uri 'none'",
            "form-action 'none'",
            "frame-ancestors 'none'",
        ]
    )


class GraphiQLAssets:
    """ASGI app serving the manifest's files at `<package>@<version>/<file>`.

    Answers GET and HEAD, with a year-long immutable cache lifetime, an ETag (the file's
    integrity hash) that revalidates to 304, and gzip for clients that accept it (the
    GraphiQL bundle shrinks from 3.5 MB to under 1 MB). Anything else is a 404.
    """

    def __init__(self) -> None:
        self._assets = {asset.path: asset for asset in manifest()}
        self._bodies: dict[tuple[str, bool], bytes] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        assert scope["type"] == "http"
        response = await self._respond(scope)
        await response(scope, receive, send)

    async def _respond(self, scope: Scope) -> Response:
        path = scope["path"].removeprefix(scope.get("root_path", ""))
        asset = self._assets.get(path.lstrip("/"))
        if asset is None:
            return PlainTextResponse("Not Found", status_code=404)
        if scope["method"] not in ("GET", "HEAD"):
            return PlainTextResponse(
                "Method Not Allowed", status_code=405, headers={"Allow": "GET, HEAD"}
            )
        headers = Headers(scope=scope)
        gzipped = "gzip" in headers.get("accept-encoding", "").lower()
        etag = f'"{asset.integrity}{"-gzip" if gzipped else ""}"'
        common = {"Cache-Control": _IMMUTABLE, "ETag": etag, "Vary": "Accept-Encoding"}
        if etag in headers.get("if-none-match", ""):
            return Response(status_code=304, headers=common)
        body = await self._body(asset, gzipped)
        if gzipped:
            common["Content-Encoding"] = "gzip"
        if scope["method"] == "HEAD":
            common["Content-Length"] = str(len(body))
            return Response(media_type=asset.media_type, headers=common)
        return Response(body, media_type=asset.media_type, headers=common)

    async def _body(self, asset: Asset, gzipped: bool) -> bytes:
        key = (asset.path, gzipped)
        if key not in self._bodies:
            data = await anyio.to_thread.run_sync(asset.read)
            if gzipped:
                data = await anyio.to_thread.run_sync(partial(gzip.compress, data, mtime=0))
            self._bodies[key] = data
        return self._bodies[key]

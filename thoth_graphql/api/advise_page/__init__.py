"""The advise page at /app: a form over the public `advise` query and a picture of the stack.

The page is static: its script (static/advise.js) asks /graphql like any client would, and
draws the stack's dependency graph with cytoscape, vendored from npm (`assets.json` names
each file with its integrity hash; tools/app-assets/vendor.py copies them). Nothing is
loaded from elsewhere, and no inline script runs (the Content-Security-Policy forbids it).
"""

from __future__ import annotations

import os
from functools import cache
from html import escape
from importlib import resources

from starlette.middleware.gzip import GZipMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import PathLike, StaticFiles
from starlette.types import Scope

from thoth_graphql.api.vendored import Asset, read_manifest

PAGE_PATH = "/app"
STATIC_PATH = "/app/static"
GRAPHQL_PATH = "/graphql"

_HERE = resources.files(__name__)


@cache
def manifest() -> tuple[Asset, ...]:
    """The vendored libraries, in the order the page loads them."""
    return read_manifest(_HERE)


@cache
def page() -> str:
    """The page: the vendored libraries with their integrity hashes, then its own script."""
    tags = [
        f'<script src="{escape(f"{STATIC_PATH}/{asset.path}")}" '
        f'integrity="{escape(asset.integrity)}" defer></script>'
        for asset in manifest()
    ]
    # Deferred, in order: they run once the body they work on is parsed.
    tags.append(f'<script src="{STATIC_PATH}/advise.js" defer></script>')
    template = _HERE.joinpath("advise.html").read_text(encoding="utf-8")
    return (
        template.replace("<!-- scripts -->", "\n    ".join(tags))
        .replace("{static}", STATIC_PATH)
        .replace("{graphql}", GRAPHQL_PATH)
    )


CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'none'",
        # Scripts and styles come only from files of this server: none inline.
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'none'",
    ]
)


async def advise_page(_: Request) -> Response:
    return HTMLResponse(page(), headers={"Content-Security-Policy": CONTENT_SECURITY_POLICY})


class PageFiles(StaticFiles):
    """The page's script, style and libraries, revalidated on every load.

    The page's own files change with the server, under the same name; `no-cache` makes a
    browser check their ETag instead of guessing a lifetime from Last-Modified.
    """

    def file_response(
        self,
        full_path: PathLike,
        stat_result: os.stat_result,
        scope: Scope,
        status_code: int = 200,
    ) -> Response:
        response = super().file_response(full_path, stat_result, scope, status_code)
        response.headers["Cache-Control"] = "no-cache"
        return response


def routes() -> list[BaseRoute]:
    """The page at PAGE_PATH and its files below STATIC_PATH (gzipped when accepted)."""
    files = PageFiles(packages=[(__name__, "static")])
    return [
        Route(PAGE_PATH, advise_page, methods=["GET", "HEAD"]),
        Mount(STATIC_PATH, GZipMiddleware(files)),
    ]

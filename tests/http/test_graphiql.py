"""GraphiQL's page and its vendored assets, served by this server and nothing else."""

from __future__ import annotations

import base64
import gzip
import hashlib
import re

import httpx
import pytest

from thoth_graphql.api.graphiql import ASSETS_PATH, manifest

BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


def integrity(data: bytes) -> str:
    return "sha384-" + base64.b64encode(hashlib.sha384(data).digest()).decode()


async def graphiql_page(http: httpx.AsyncClient) -> str:
    response = await http.get("/graphql", headers={"accept": BROWSER_ACCEPT})
    assert response.status_code == 200
    return response.text


def test_the_vendored_files_are_the_manifests_bytes() -> None:
    assert len(manifest()) == 6
    for asset in manifest():
        assert integrity(asset.read()) == asset.integrity, asset.path


async def test_the_page_loads_nothing_from_elsewhere(http: httpx.AsyncClient) -> None:
    html = await graphiql_page(http)
    urls = re.findall(r'(?:src|href)="([^"]*)"', html)
    assert urls  # the page does load assets
    assert [u for u in urls if not (u.startswith(ASSETS_PATH + "/") or u == "data:,")] == []
    assert "unpkg" not in html and "cdn" not in html.lower()


async def test_the_page_may_run_its_own_script_and_nothing_from_elsewhere(
    http: httpx.AsyncClient,
) -> None:
    response = await http.get("/graphql", headers={"accept": BROWSER_ACCEPT})
    policy = dict(
        directive.strip().split(" ", 1)
        for directive in response.headers["content-security-policy"].split(";")
    )
    [inline] = re.findall(r"<script>(.*?)</script>", response.text, flags=re.DOTALL)
    digest = base64.b64encode(hashlib.sha256(inline.encode()).digest()).decode()
    assert policy["default-src"] == "'none'"
    assert policy["script-src"] == f"'self' 'sha256-{digest}'"
    assert policy["connect-src"] == "'self'"
    assert policy["frame-ancestors"] == "'none'"


async def test_every_asset_the_page_names_is_served_with_its_integrity(
    http: httpx.AsyncClient,
) -> None:
    html = await graphiql_page(http)
    tags = re.findall(r'(?:src|href)="(/graphiql/[^"]+)" integrity="([^"]+)"', html)
    assert len(tags) == len(manifest())
    for url, expected in tags:
        response = await http.get(url, headers={"accept-encoding": "identity"})
        assert response.status_code == 200, url
        assert integrity(response.content) == expected, url
        assert response.headers["content-type"].split(";")[0] in ("text/javascript", "text/css")
        assert "immutable" in response.headers["cache-control"]


async def test_assets_are_gzipped_for_clients_that_accept_it(http: httpx.AsyncClient) -> None:
    [bundle] = [a for a in manifest() if a.file == "graphiql.min.js"]
    url = f"{ASSETS_PATH}/{bundle.path}"
    request = http.build_request("GET", url, headers={"accept-encoding": "gzip"})
    response = await http.send(request, stream=True)
    raw = b"".join([chunk async for chunk in response.aiter_raw()])
    assert response.headers["content-encoding"] == "gzip"
    assert len(raw) < len(bundle.read()) / 3
    assert integrity(gzip.decompress(raw)) == bundle.integrity


async def test_a_cached_asset_revalidates_to_304(http: httpx.AsyncClient) -> None:
    url = f"{ASSETS_PATH}/{manifest()[0].path}"
    first = await http.get(url)
    again = await http.get(url, headers={"if-none-match": first.headers["etag"]})
    assert again.status_code == 304
    assert again.content == b""


async def test_head_gives_the_length_without_the_body(http: httpx.AsyncClient) -> None:
    asset = manifest()[0]
    response = await http.head(f"{ASSETS_PATH}/{asset.path}", headers={"accept-encoding": ""})
    assert response.status_code == 200
    assert response.content == b""
    assert int(response.headers["content-length"]) == len(asset.read())


@pytest.mark.parametrize(
    "path",
    [
        "react@18.2.0/umd/react.development.js",  # in the package, not in the manifest
        "react@18.2.0/LICENSE",
        "../../__init__.py",
        "",
        "assets.json",
    ],
)
async def test_anything_else_is_not_found(http: httpx.AsyncClient, path: str) -> None:
    response = await http.get(f"{ASSETS_PATH}/{path}")
    assert response.status_code == 404


async def test_assets_are_read_only(http: httpx.AsyncClient) -> None:
    response = await http.post(f"{ASSETS_PATH}/{manifest()[0].path}")
    assert response.status_code == 405
    assert response.headers["allow"] == "GET, HEAD"

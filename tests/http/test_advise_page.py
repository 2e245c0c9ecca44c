"""The /app page and its files: served by this server alone, under a policy with no inline code."""

from __future__ import annotations

import base64
import glob
import gzip
import hashlib
import re
import tomllib
from pathlib import Path

import httpx
from graphql import parse, validate

from thoth_graphql.api.advise_page import STATIC_PATH, manifest
from thoth_graphql.api.schema import schema

ROOT = Path(__file__).resolve().parents[2]
PAGE_DIR = ROOT / "thoth_graphql" / "api" / "advise_page"


def integrity(data: bytes) -> str:
    return "sha384-" + base64.b64encode(hashlib.sha384(data).digest()).decode()


def directives(policy: str) -> dict[str, str]:
    return dict(d.strip().split(" ", 1) for d in policy.split(";"))


def test_the_vendored_files_are_the_manifests_bytes() -> None:
    assert [a.package for a in manifest()] == ["cytoscape"]
    for asset in manifest():
        assert integrity(asset.read()) == asset.integrity, asset.path


async def test_the_page_runs_no_inline_code(http: httpx.AsyncClient) -> None:
    response = await http.get("/app")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    policy = directives(response.headers["content-security-policy"])
    assert policy["default-src"] == "'none'"
    assert policy["script-src"] == "'self'"
    assert policy["style-src"] == "'self'"
    assert policy["connect-src"] == "'self'"
    assert policy["frame-ancestors"] == "'none'"
    html = re.sub(r"<!--.*?-->", "", response.text, flags=re.DOTALL)
    assert re.findall(r"<script[^>]*>([^<]+)</script>", html) == []  # every script is a file
    assert re.findall(r"<style|\sstyle=|\son\w+=", html) == []  # no inline style or handler


async def test_every_file_the_page_names_is_served_from_here(http: httpx.AsyncClient) -> None:
    html = (await http.get("/app")).text
    urls = re.findall(r'(?:src|href)="([^"]*)"', html)
    local = [u for u in urls if u.startswith(STATIC_PATH + "/")]
    assert [u for u in urls if u not in local and u not in ("data:,", "/graphql")] == []
    assert {u.rsplit("/", 1)[1] for u in local} >= {"advise.js", "advise.css", "cytoscape.min.js"}
    for url in local:
        response = await http.get(url, headers={"accept-encoding": "identity"})
        assert response.status_code == 200, url
        assert response.headers["content-type"].split(";")[0] in ("text/javascript", "text/css")
        assert response.headers["cache-control"] == "no-cache"


async def test_the_libraries_load_with_their_integrity(http: httpx.AsyncClient) -> None:
    html = (await http.get("/app")).text
    tags = dict(re.findall(r'<script src="([^"]+)" integrity="([^"]+)"', html))
    assert len(tags) == len(manifest())
    for url, expected in tags.items():
        response = await http.get(url, headers={"accept-encoding": "gzip"})
        assert response.headers["content-encoding"] == "gzip"
        assert integrity(response.content) == expected, url


async def test_a_file_is_gzipped_for_clients_that_accept_it(http: httpx.AsyncClient) -> None:
    [library] = manifest()
    request = http.build_request(
        "GET", f"{STATIC_PATH}/{library.path}", headers={"accept-encoding": "gzip"}
    )
    response = await http.send(request, stream=True)
    raw = b"".join([chunk async for chunk in response.aiter_raw()])
    assert len(raw) < len(library.read()) / 2
    assert gzip.decompress(raw) == library.read()


async def test_nothing_but_the_page_files_is_served(http: httpx.AsyncClient) -> None:
    for path in ("__init__.py", "../__init__.py", "%2e%2e/__init__.py", "../assets.json"):
        response = await http.get(f"{STATIC_PATH}/{path}")
        assert response.status_code == 404, path


def test_the_page_asks_only_what_the_public_schema_offers() -> None:
    script = (PAGE_DIR / "static" / "advise.js").read_text()
    [advise] = re.findall(r"const ADVISE = `(.*?)`;", script, flags=re.DOTALL)
    assert validate(schema._schema, parse(advise)) == []


def test_a_fresh_install_carries_the_page_files() -> None:
    patterns = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"][
        "package-data"
    ]["thoth_graphql"]
    package = ROOT / "thoth_graphql"
    shipped = {
        Path(found)
        for pattern in patterns
        for found in glob.glob(str(package / pattern), recursive=True)
    }
    files = {p for p in PAGE_DIR.rglob("*") if p.is_file() and p.suffix not in (".py", ".pyc")}
    assert files  # the page has files besides its module
    assert files - shipped == set()

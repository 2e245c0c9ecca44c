"""Reading PEP 691 JSON and PEP 503 HTML project pages."""

from __future__ import annotations

import json

import pytest
from packaging.version import Version

from analyzer_runner.project_page import InvalidProjectPage, parse_project_page

URL = "https://index.example/simple/dask/"
DIGEST = "a" * 64


def test_json_pages() -> None:
    page = {
        "meta": {"api-version": "1.1"},
        "name": "dask",
        "files": [
            {
                "filename": "dask-2.10.1-py3-none-any.whl",
                "url": "../../files/dask-2.10.1-py3-none-any.whl",
                "hashes": {"sha256": DIGEST.upper()},
                "requires-python": ">=3.6",
                "core-metadata": {"sha256": "b" * 64},
                "upload-time": "2020-01-01T00:00:00Z",
                "yanked": "broken",
            },
            {"filename": "dask-2.9.0.tar.gz", "url": "https://cdn.example/d.tgz", "hashes": {},
             "dist-info-metadata": True},
            {"filename": "dask-1.0.win32.exe", "url": "x", "hashes": {}},
            {"filename": "other-1.0.tar.gz", "url": "x", "hashes": {}},
        ],
    }  # fmt: skip
    parsed = parse_project_page(
        json.dumps(page).encode(), "application/vnd.pypi.simple.v1+json", URL, "Dask"
    )
    assert parsed.api == "json"
    wheel, sdist = parsed.artifacts
    assert (wheel.kind, wheel.version, wheel.sha256) == ("wheel", Version("2.10.1"), DIGEST)
    assert wheel.url == "https://index.example/files/dask-2.10.1-py3-none-any.whl"
    assert wheel.metadata_url == wheel.url + ".metadata"
    assert (wheel.core_metadata, wheel.core_metadata_sha256) == (True, "b" * 64)
    assert (wheel.yanked, wheel.requires_python) == (True, ">=3.6")
    assert wheel.upload_time == "2020-01-01T00:00:00Z"
    assert (sdist.kind, sdist.core_metadata, sdist.core_metadata_sha256) == ("sdist", True, None)
    assert sdist.url == "https://cdn.example/d.tgz"


def test_html_pages() -> None:
    html = f"""<!DOCTYPE html><html><head><base href="https://files.example/x/"></head><body>
    <a href="dask-2.10.1-py3-none-any.whl#sha256={DIGEST}" data-requires-python="&gt;=3.6"
       data-core-metadata="sha256={"b" * 64}">dask-2.10.1-py3-none-any.whl</a>
    <a href="/p/dask-2.9.0.tar.gz#md5=123" data-yanked="" data-dist-info-metadata="true">
      dask-2.9.0.tar.gz</a>
    <a>no link</a><a href="README.txt">README.txt</a>
    </body></html>"""
    parsed = parse_project_page(html.encode(), "text/html", URL, "dask")
    assert parsed.api == "html"
    wheel, sdist = parsed.artifacts
    assert wheel.url == "https://files.example/x/dask-2.10.1-py3-none-any.whl"
    assert (wheel.sha256, wheel.requires_python, wheel.yanked) == (DIGEST, ">=3.6", False)
    assert (wheel.core_metadata, wheel.core_metadata_sha256) == (True, "b" * 64)
    assert sdist.url == "https://files.example/p/dask-2.9.0.tar.gz"
    assert (sdist.sha256, sdist.yanked, sdist.core_metadata) == (None, True, True)


@pytest.mark.parametrize("body", [b"{", b'{"files": 3}', b'{"files": [{"url": "x"}]}'])
def test_broken_json_pages_are_refused(body: bytes) -> None:
    with pytest.raises(InvalidProjectPage, match="not a PEP 691 project page"):
        parse_project_page(body, "application/vnd.pypi.simple.v1+json", URL, "dask")

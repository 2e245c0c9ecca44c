"""Reading a project's page of a simple repository: PEP 691 JSON or PEP 503 HTML."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any, Literal
from urllib.parse import urljoin, urlsplit

from analyzer_runner.artifacts import Artifact, parse_artifact

JSON_TYPE = "application/vnd.pypi.simple.v1+json"
HTML_TYPE = "application/vnd.pypi.simple.v1+html"
ACCEPT = f"{JSON_TYPE}, {HTML_TYPE};q=0.2, text/html;q=0.01"


class InvalidProjectPage(ValueError):
    """A page that is neither valid PEP 691 JSON nor PEP 503 HTML."""


@dataclass(frozen=True, slots=True)
class ProjectPage:
    """The distribution files the index lists for one project."""

    project: str
    url: str
    api: Literal["json", "html"]
    artifacts: tuple[Artifact, ...] = field(default=())


def _hash_pair(value: object) -> tuple[bool, str | None]:
    """PEP 691/714 core-metadata: False, True, or a dict of hashes."""
    if isinstance(value, Mapping):
        digest = value.get("sha256")
        return True, digest if isinstance(digest, str) else None
    return bool(value), None


def parse_json_page(body: bytes, url: str, project: str) -> ProjectPage:
    """Read a PEP 691 JSON project page."""
    try:
        data: Any = json.loads(body)
        files = data["files"]
        if not isinstance(files, list):
            raise TypeError("files is not a list")
        artifacts: list[Artifact] = []
        for entry in files:
            metadata = entry.get("core-metadata", entry.get("dist-info-metadata", False))
            has_metadata, metadata_sha256 = _hash_pair(metadata)
            artifact = parse_artifact(
                str(entry["filename"]),
                urljoin(url, str(entry["url"])),
                project=project,
                sha256=(entry.get("hashes") or {}).get("sha256"),
                requires_python=entry.get("requires-python"),
                yanked=bool(entry.get("yanked", False)),
                upload_time=entry.get("upload-time"),
                core_metadata=has_metadata,
                core_metadata_sha256=metadata_sha256,
            )
            if artifact is not None:
                artifacts.append(artifact)
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        raise InvalidProjectPage(f"{url}: not a PEP 691 project page: {error}") from error
    return ProjectPage(project, url, "json", tuple(artifacts))


class _Anchors(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.base: str | None = None
        self.anchors: list[tuple[dict[str, str | None], str]] = []
        self._open: dict[str, str | None] | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "base" and self.base is None:
            self.base = dict(attrs).get("href")
        elif tag == "a":
            self._open, self._text = dict(attrs), []

    def handle_data(self, data: str) -> None:
        if self._open is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._open is not None:
            self.anchors.append((self._open, "".join(self._text).strip()))
            self._open = None


def _fragment_hash(href: str) -> str | None:
    fragment = urlsplit(href).fragment
    name, _, value = fragment.partition("=")
    return value if name == "sha256" and value else None


def _attribute_hash(value: str | None) -> tuple[bool, str | None]:
    """PEP 658/714 data-core-metadata: absent, "true", or "sha256=<hex>"."""
    if value is None:
        return False, None
    name, _, digest = value.partition("=")
    return True, digest if name == "sha256" and digest else None


def parse_html_page(body: bytes, url: str, project: str) -> ProjectPage:
    """Read a PEP 503 HTML project page (with the PEP 592/658/714 data attributes)."""
    parser = _Anchors()
    try:
        parser.feed(body.decode("utf-8"))
        parser.close()
    except UnicodeDecodeError as error:
        raise InvalidProjectPage(f"{url}: not a PEP 503 project page: {error}") from error
    base = urljoin(url, parser.base) if parser.base else url
    artifacts: list[Artifact] = []
    for attrs, text in parser.anchors:
        href = attrs.get("href")
        if not href:
            continue
        metadata = attrs.get("data-core-metadata", attrs.get("data-dist-info-metadata"))
        has_metadata, metadata_sha256 = _attribute_hash(metadata)
        filename = text or urlsplit(href).path.rsplit("/", 1)[-1]
        artifact = parse_artifact(
            filename,
            urljoin(base, href),
            project=project,
            sha256=_fragment_hash(href),
            requires_python=attrs.get("data-requires-python"),
            yanked="data-yanked" in attrs,
            core_metadata=has_metadata,
            core_metadata_sha256=metadata_sha256,
        )
        if artifact is not None:
            artifacts.append(artifact)
    return ProjectPage(project, url, "html", tuple(artifacts))


def parse_project_page(body: bytes, content_type: str, url: str, project: str) -> ProjectPage:
    """Read a page by its content type: PEP 691 JSON, else HTML."""
    if content_type.split(";")[0].strip().lower() == JSON_TYPE:
        return parse_json_page(body, url, project)
    return parse_html_page(body, url, project)

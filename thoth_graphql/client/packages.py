"""Packages and their releases as the client reads them from the graph."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from thoth_graphql.client.table import html_table

PAGE = 100
"""The API's largest page."""

PACKAGE = """
query Package($name: String!, $first: Int!, $after: String) {
  package(name: $name) {
    name
    versions(first: $first, after: $after) {
      pageInfo { hasNextPage endCursor }
      edges { node {
        version indexUrl requiresPython yanked
        dependencies { name specifier extras marker extra }
      } }
    }
  }
}
"""

PACKAGES = """
query Packages($prefix: String!, $first: Int!, $after: String) {
  packages(prefix: $prefix, first: $first, after: $after) {
    pageInfo { hasNextPage endCursor }
    edges { node { name } }
  }
}
"""


@dataclass(frozen=True, slots=True)
class Dependency:
    """A dependency as a release declares it; the marker is unevaluated."""

    name: str
    specifier: str
    extras: list[str]
    marker: str | None
    extra: str | None


@dataclass(frozen=True, slots=True)
class Release:
    version: str
    index_url: str
    requires_python: str | None
    yanked: bool
    dependencies: list[Dependency]


@dataclass(frozen=True, slots=True)
class Package:
    """A package and every release the graph knows, newest first."""

    name: str
    releases: list[Release]

    def _repr_html_(self) -> str:
        rows = [
            (
                r.version + (" (yanked)" if r.yanked else ""),
                r.requires_python or "",
                ", ".join(_dependency_text(d) for d in r.dependencies),
            )
            for r in self.releases
        ]
        return html_table(("version", "requires-python", "dependencies"), rows, caption=self.name)


def _dependency_text(dependency: Dependency) -> str:
    extras = f"[{','.join(dependency.extras)}]" if dependency.extras else ""
    marker = f"; {dependency.marker}" if dependency.marker else ""
    return f"{dependency.name}{extras}{dependency.specifier}{marker}"


def release_from_data(data: dict[str, Any]) -> Release:
    return Release(
        version=data["version"],
        index_url=data["indexUrl"],
        requires_python=data.get("requiresPython"),
        yanked=bool(data["yanked"]),
        dependencies=[Dependency(**d) for d in data["dependencies"]],
    )

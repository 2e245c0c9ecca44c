"""The canonical orders of versions and dependency edges that every adapter answers in."""

from __future__ import annotations

from collections.abc import Iterable

from packaging.version import Version

from thoth_graphql.domain.package import Dependency, PackageVersion


def newest_first(versions: Iterable[PackageVersion]) -> list[PackageVersion]:
    """Versions by PEP 440 order, newest first; the index URL breaks ties."""
    return sorted(versions, key=lambda v: (Version(v.version), v.index_url), reverse=True)


def edge_order(dependencies: Iterable[Dependency]) -> list[Dependency]:
    """Dependencies by target name, then marker, specifier and extras."""
    return sorted(dependencies, key=lambda d: (d.name, d.marker or "", d.specifier, d.extras))

"""The canonical orders of versions and dependency edges that every adapter answers in."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from packaging.version import Version

from thoth_graphql.domain.closure import StoredRelease
from thoth_graphql.domain.package import Dependency, PackageVersion


def newest_first(versions: Iterable[PackageVersion]) -> list[PackageVersion]:
    """Versions by PEP 440 order, newest first; the index URL breaks ties."""
    return sorted(versions, key=lambda v: (Version(v.version), v.index_url), reverse=True)


def releases_newest_first(
    found: Mapping[str, Sequence[tuple[PackageVersion, tuple[Dependency, ...]]]],
) -> dict[str, list[StoredRelease]]:
    """A closure level's releases by package, each package's in `newest_first`'s order.

    Sorted by each distinct version text's place in PEP 440 order: most texts recur across
    packages, and sorting ints instead of `Version`s (whose comparisons are Python code)
    took a third of a 100x level's decoding."""
    rank = _ranks({version.version for pairs in found.values() for version, _ in pairs})

    def key(pair: tuple[PackageVersion, tuple[Dependency, ...]]) -> tuple[int, str]:
        return (rank[pair[0].version], pair[0].index_url)

    return {
        name: [StoredRelease(v, d) for v, d in sorted(pairs, key=key, reverse=True)]
        for name, pairs in found.items()
        if pairs
    }


def _ranks(texts: Iterable[str]) -> dict[str, int]:
    """Each version text's place in PEP 440 order; equal versions (`1.0`, `1.0.0`) share
    theirs, so that the index URL breaks their tie as in `newest_first`."""
    parsed = {text: Version(text) for text in texts}
    rank: dict[str, int] = {}
    place, before = 0, None
    for text in sorted(parsed, key=parsed.__getitem__):
        version = parsed[text]
        if before is not None and version != before:
            place += 1
        rank[text] = place
        before = version
    return rank


def edge_order(dependencies: Iterable[Dependency]) -> list[Dependency]:
    """Dependencies by target name, then marker, specifier and extras."""
    return sorted(dependencies, key=lambda d: (d.name, d.marker or "", d.specifier, d.extras))

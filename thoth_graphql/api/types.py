"""The GraphQL object types of the package graph: Package, PackageVersion, Dependency.

Resolvers are module functions passed as `resolver=`, which keeps them typed under
mypy --strict (`@strawberry.field(description=...)` is an untyped decorator).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, Self, TypeVar

import strawberry
from strawberry import relay

from thoth_graphql import domain
from thoth_graphql.api.context import Context, Info
from thoth_graphql.api.errors import UserInputError
from thoth_graphql.api.pagination import (
    DEFAULT_PAGE_SIZE,
    decode_cursor,
    encode_cursor,
    page_size,
)

N = TypeVar("N", bound=relay.Node)

# Counting packages by prefix pages through them this many at a time.
_COUNT_PAGE = 1000


@strawberry.type(description="A dependency as a release declares it; markers unevaluated.")
class Dependency:
    name: str = strawberry.field(description="The canonical name of the required package.")
    specifier: str = strawberry.field(description='The version specifier, e.g. ">=1.13.0".')
    extras: list[str] = strawberry.field(description="Extras requested of the dependency.")
    marker: str | None = strawberry.field(description="The PEP 508 environment marker.")
    extra: str | None = strawberry.field(
        description="The extra of the declaring release that activates this dependency."
    )

    @classmethod
    def from_domain(cls, dependency: domain.Dependency) -> Self:
        return cls(
            name=dependency.name,
            specifier=dependency.specifier,
            extras=list(dependency.extras),
            marker=dependency.marker,
            extra=dependency.extra,
        )


async def _versions(
    root: Package, info: Info, first: int | None = DEFAULT_PAGE_SIZE, after: str | None = None
) -> PackageVersionConnection:
    size = page_size(first)
    versions = await info.context.loaders.versions.load(root.name)
    start = 0 if after is None else _position_after(versions, root.name, after)
    edges = [
        relay.Edge(cursor=_version_cursor(v), node=PackageVersion.from_domain(v))
        for v in versions[start : start + size]
    ]
    return PackageVersionConnection(
        edges=edges,
        page_info=_page_info(edges, previous=start > 0, following=start + size < len(versions)),
        total_count=len(versions),
    )


@strawberry.type(description="A project on an index, identified by its canonical name.")
class Package(relay.Node):
    name: str = strawberry.field(description="The PEP 503 canonical name.")
    versions: PackageVersionConnection = strawberry.field(
        resolver=_versions, description="The versions of this package, newest first (PEP 440)."
    )

    @classmethod
    def resolve_id(cls, root: Self, *, info: strawberry.Info) -> str:
        return root.name

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: strawberry.Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Self | None]:
        names = list(node_ids)
        found = await _context(info).loaders.packages.load_many(names)
        nodes = [cls(name=p.name) if p is not None else None for p in found]
        return _required(nodes, names) if required else nodes


def _package(root: PackageVersion) -> Package:
    return Package(name=root.name)


async def _dependencies(root: PackageVersion, info: Info) -> list[Dependency]:
    found = await info.context.loaders.dependencies.load(root.key)
    return [Dependency.from_domain(d) for d in found]


@strawberry.type(description="A release of a package on an index.")
class PackageVersion(relay.Node):
    name: strawberry.Private[str]
    version: str = strawberry.field(description="The PEP 440 normalised version.")
    index_url: str = strawberry.field(description="The index the release was found on.")
    requires_python: str | None = strawberry.field(
        description="The Python versions the release supports, as a specifier."
    )
    yanked: bool = strawberry.field(description="Whether the index marks the release yanked.")
    package: Package = strawberry.field(
        resolver=_package, description="The package this is a version of."
    )
    dependencies: list[Dependency] = strawberry.field(
        resolver=_dependencies,
        description="The dependencies this release declares, by name and marker.",
    )

    @classmethod
    def from_domain(cls, version: domain.PackageVersion) -> Self:
        return cls(
            name=version.name,
            version=version.version,
            index_url=version.index_url,
            requires_python=version.requires_python,
            yanked=version.yanked,
        )

    @property
    def key(self) -> domain.VersionKey:
        return domain.VersionKey(self.name, self.version, self.index_url)

    @classmethod
    def resolve_id(cls, root: Self, *, info: strawberry.Info) -> str:
        return f"{root.name}=={root.version}@{root.index_url}"

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: strawberry.Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Self | None]:
        ids = list(node_ids)
        keys = [_parse_version_id(node_id) for node_id in ids]
        found = await _context(info).loaders.versions.load_many([k.name for k in keys])
        by_key = {v.key: v for versions in found for v in versions}
        nodes = [cls.from_domain(by_key[k]) if k in by_key else None for k in keys]
        return _required(nodes, ids) if required else nodes


@strawberry.type(description="A page of a package's versions, newest first.")
class PackageVersionConnection(relay.Connection[PackageVersion]):
    total_count: int = strawberry.field(description="The number of versions of the package.")


async def _count_packages(root: PackageConnection, info: Info) -> int:
    store = info.context.store
    if not root.prefix:
        return (await store.counts()).packages
    # The port has no count by prefix yet: count page by page, and only when asked.
    total, after = 0, None
    while found := await store.search_packages(root.prefix, _COUNT_PAGE, after):
        total += len(found)
        after = found[-1].name
    return total


@strawberry.type(description="A page of packages, by name.")
class PackageConnection(relay.Connection[Package]):
    prefix: strawberry.Private[str]
    total_count: int = strawberry.field(
        resolver=_count_packages,
        description="The number of packages whose name starts with the prefix.",
    )


async def search_packages(
    info: Info, prefix: str, first: int | None, after: str | None
) -> PackageConnection:
    """One page of the packages whose canonical name starts with `prefix`."""
    size = page_size(first)
    after_name = None if after is None else decode_cursor(after, "Package", 1)[0]
    canonical_prefix = domain.canonical_name(prefix) if prefix else ""
    found = await info.context.store.search_packages(canonical_prefix, size + 1, after_name)
    edges = [
        relay.Edge(cursor=encode_cursor("Package", p.name), node=Package(name=p.name))
        for p in found[:size]
    ]
    return PackageConnection(
        edges=edges,
        page_info=_page_info(edges, previous=after is not None, following=len(found) > size),
        prefix=canonical_prefix,
    )


def _context(info: strawberry.Info) -> Context:
    context: Context = info.context
    return context


def _required(nodes: list[N | None], node_ids: Sequence[str]) -> list[N | None]:
    """The nodes, or refuse the ids of the missing ones (for fields that must not be null)."""
    missing = [i for i, node in zip(node_ids, nodes, strict=True) if node is None]
    if missing:
        raise UserInputError(f"No object has the id {missing[0]!r}.")
    return nodes


def _page_info(
    edges: Sequence[relay.Edge[Any]], *, previous: bool, following: bool
) -> relay.PageInfo:
    return relay.PageInfo(
        has_next_page=following,
        has_previous_page=previous,
        start_cursor=edges[0].cursor if edges else None,
        end_cursor=edges[-1].cursor if edges else None,
    )


def _version_cursor(version: domain.PackageVersion) -> str:
    return encode_cursor("PackageVersion", version.name, version.version, version.index_url)


def _position_after(versions: Sequence[domain.PackageVersion], name: str, after: str) -> int:
    """The index just past the version `after` names; refused if it names none of these."""
    cursor_name, version, index_url = decode_cursor(after, "PackageVersion", 3)
    if cursor_name == name:
        for position, candidate in enumerate(versions):
            if candidate.version == version and candidate.index_url == index_url:
                return position + 1
    raise UserInputError(f"`after` names no version of {name}: {after!r}.")


def _parse_version_id(node_id: str) -> domain.VersionKey:
    name, sep, rest = node_id.partition("==")
    version, at, index_url = rest.partition("@")
    if not (sep and at and name and version and index_url):
        raise UserInputError(f"Not the id of a PackageVersion: {node_id!r}.")
    return domain.VersionKey(name, version, index_url)

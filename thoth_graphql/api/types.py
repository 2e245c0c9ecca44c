"""The GraphQL object types of the package graph: Package, PackageVersion, Dependency and
Dependent (a DependsOn edge read backwards).

Resolvers are module functions passed as `resolver=`, which keeps them typed under
mypy --strict (`@strawberry.field(description=...)` is an untyped decorator).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import astuple
from typing import Self, TypeVar

import strawberry
from packaging.markers import Marker
from packaging.specifiers import InvalidSpecifier
from strawberry import relay

from thoth_graphql import domain
from thoth_graphql.api.advisories import Advisory
from thoth_graphql.api.context import Info
from thoth_graphql.api.environments import RuntimeEnvironmentInput
from thoth_graphql.api.errors import UserInputError
from thoth_graphql.api.nodes import context_of, loaded_nodes, required_nodes
from thoth_graphql.api.observations import Installability
from thoth_graphql.api.pagination import (
    DEFAULT_PAGE_SIZE,
    decode_cursor,
    encode_cursor,
    fetched_page,
    page_info,
    page_size,
)
from thoth_graphql.domain.specifiers import admits, admits_any, specifier_set
from thoth_graphql.store.port.values import Dependent as StoredDependent

T = TypeVar("T")
E = TypeVar("E", bound=relay.Node)


def parse_specifier(text: str, field: str) -> str:
    """The normalised form of a PEP 440 specifier, or BAD_USER_INPUT naming `field`."""
    try:
        return str(specifier_set(text))
    except InvalidSpecifier as error:
        raise UserInputError(f"{text!r} is not a PEP 440 specifier.", field=field) from error


def _page(
    items: Sequence[T],
    size: int,
    after: str | None,
    cursor: Callable[[T], str],
    node: Callable[[T], E],
    what: str,
) -> tuple[list[relay.Edge[E]], relay.PageInfo]:
    """One page of an in-memory list whose cursors name its items."""
    start = 0
    if after is not None:
        cursors = [cursor(item) for item in items]
        if after not in cursors:
            raise UserInputError(f"`after` names no item of {what}: {after!r}.", field="after")
        start = cursors.index(after) + 1
    edges = [relay.Edge(cursor=cursor(i), node=node(i)) for i in items[start : start + size]]
    return edges, page_info(edges, previous=start > 0, following=start + size < len(items))


# -- Dependency --------------------------------------------------------------------------


def _dependency_package(root: Dependency) -> Package:
    return Package(name=root.name)


@strawberry.type(description="A dependency as a release declares it; markers unevaluated.")
class Dependency:
    name: str = strawberry.field(description="The canonical name of the required package.")
    specifier: str = strawberry.field(description='The version specifier, e.g. ">=1.13.0".')
    extras: list[str] = strawberry.field(description="Extras requested of the dependency.")
    marker: str | None = strawberry.field(description="The PEP 508 environment marker.")
    extra: str | None = strawberry.field(
        description="The extra of the declaring release that activates this dependency."
    )
    package: Package = strawberry.field(
        resolver=_dependency_package, description="The package required."
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


# -- Package -----------------------------------------------------------------------------


def _version_cursor(version: domain.PackageVersion) -> str:
    return encode_cursor("PackageVersion", version.name, version.version, version.index_url)


async def _versions(
    root: Package,
    info: Info,
    first: int | None = DEFAULT_PAGE_SIZE,
    after: str | None = None,
    specifier: str | None = None,
) -> PackageVersionConnection:
    size = page_size(first)
    versions = await info.context.loaders.versions.load(root.name)
    if specifier is not None:
        spec = parse_specifier(specifier, "specifier")
        versions = [v for v in versions if admits(spec, v.version)]
    if after is not None:
        name = decode_cursor(after, "PackageVersion", 3)[0]
        if name != root.name:
            raise UserInputError(f"`after` names no version of {root.name}: {after!r}.")
    edges, info_ = _page(
        versions, size, after, _version_cursor, PackageVersion.from_domain, root.name
    )
    return PackageVersionConnection(edges=edges, page_info=info_, total_count=len(versions))


def _dependent_cursor(dependent: StoredDependent) -> str:
    key, dep = dependent.version, dependent.dependency
    return encode_cursor(
        "Dependent",
        key.name,
        key.version,
        key.index_url,
        dep.specifier,
        ",".join(dep.extras),
        dep.marker or "",
    )


def _dependents_page(
    found: Sequence[StoredDependent], first: int | None, after: str | None, what: str
) -> DependentConnection:
    if after is not None:
        decode_cursor(after, "Dependent", 6)
    edges, info_ = _page(
        found, page_size(first), after, _dependent_cursor, Dependent.from_store, what
    )
    return DependentConnection(edges=edges, page_info=info_, total_count=len(found))


async def _package_dependents(
    root: Package,
    info: Info,
    specifier: str | None = None,
    first: int | None = DEFAULT_PAGE_SIZE,
    after: str | None = None,
) -> DependentConnection:
    found = await info.context.loaders.dependents.load(root.name)
    if specifier is not None:
        spec = parse_specifier(specifier, "specifier")
        versions = await info.context.loaders.versions.load(root.name)
        asked = [v.version for v in versions if admits(spec, v.version)]
        found = [d for d in found if admits_any(d.dependency.specifier, asked)]
    return _dependents_page(found, first, after, f"the dependents of {root.name}")


async def _package_advisories(root: Package, info: Info) -> list[Advisory]:
    return [
        Advisory.from_domain(a) for a in await info.context.loaders.advisories_of.load(root.name)
    ]


@strawberry.type(description="A project on an index, identified by its canonical name.")
class Package(relay.Node):
    name: str = strawberry.field(description="The PEP 503 canonical name.")
    versions: PackageVersionConnection = strawberry.field(
        resolver=_versions,
        description=(
            "The versions of this package, newest first (PEP 440); with `specifier`, only "
            "those it contains (pre-releases included)."
        ),
    )
    dependents: DependentConnection = strawberry.field(
        resolver=_package_dependents,
        description=(
            "The releases that declare a dependency on this package. With `specifier` (e.g. "
            '"<1.20"), only the dependencies that some known version of this package '
            "satisfies together with `specifier`: who can be served a version in that range."
        ),
    )
    advisories: list[Advisory] = strawberry.field(
        resolver=_package_advisories, description="The advisories about this package, by id."
    )

    @classmethod
    def resolve_id(cls, root: Self, *, info: strawberry.Info) -> str:
        return root.name

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: strawberry.Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Self | None]:
        names = list(node_ids)
        found = await context_of(info).loaders.packages.load_many(names)
        return loaded_nodes(found, lambda p: cls(name=p.name), names, required)


# -- PackageVersion ----------------------------------------------------------------------


def _version_package(root: PackageVersion) -> Package:
    return Package(name=root.name)


def _holds(marker: Marker, values: dict[str, str], extras: Sequence[str]) -> bool:
    return any(marker.evaluate({**values, "extra": extra}) for extra in ("", *extras))


async def _dependencies(
    root: PackageVersion,
    info: Info,
    environment: RuntimeEnvironmentInput | None = None,
    extras: list[str] | None = None,
) -> list[Dependency]:
    found = await info.context.loaders.dependencies.load(root.key)
    if environment is None:
        return [Dependency.from_domain(d) for d in found]
    values = domain.marker_environment(environment.to_domain("environment"))
    active = [domain.canonical_name(e) for e in extras or ()]
    return [
        Dependency.from_domain(d)
        for d in found
        if d.marker is None or _holds(Marker(d.marker), values, active)
    ]


async def _version_dependents(
    root: PackageVersion,
    info: Info,
    first: int | None = DEFAULT_PAGE_SIZE,
    after: str | None = None,
) -> DependentConnection:
    found = await info.context.loaders.dependents.load(root.name)
    admitted = [d for d in found if admits(d.dependency.specifier, root.version)]
    return _dependents_page(admitted, first, after, f"the dependents of {root.name} {root.version}")


async def _installability(root: PackageVersion, info: Info) -> list[Installability]:
    found = await info.context.loaders.installability.load(root.key)
    return [Installability.from_domain(o) for o in found]


async def _version_advisories(root: PackageVersion, info: Info) -> list[Advisory]:
    found = await info.context.loaders.advisories_of.load(root.name)
    return [Advisory.from_domain(a) for a in found if a.affects(root.version)]


@strawberry.type(description="A release of a package on an index.")
class PackageVersion(relay.Node):
    name: strawberry.Private[str]
    version: str = strawberry.field(description="The PEP 440 normalised version.")
    index_url: str = strawberry.field(description="The index the release was found on.")
    requires_python: str | None = strawberry.field(
        description="The Python versions the release supports, as a specifier."
    )
    yanked: bool = strawberry.field(description="Whether the index marks the release yanked.")
    upload_time: str | None = strawberry.field(description="When it was uploaded (ISO 8601).")
    sha256: list[str] = strawberry.field(description="The SHA-256 digests of its artifacts.")
    package: Package = strawberry.field(
        resolver=_version_package, description="The package this is a version of."
    )
    dependencies: list[Dependency] = strawberry.field(
        resolver=_dependencies,
        description=(
            "The dependencies this release declares, by name and marker. With `environment`, "
            "only those whose marker holds there, with `extras` of this release active."
        ),
    )
    dependents: DependentConnection = strawberry.field(
        resolver=_version_dependents,
        description="The releases whose declared specifier admits this version.",
    )
    installability: list[Installability] = strawberry.field(
        resolver=_installability,
        description="What was observed about installing it, newest first.",
    )
    advisories: list[Advisory] = strawberry.field(
        resolver=_version_advisories, description="The advisories that affect this version."
    )

    @classmethod
    def from_domain(cls, version: domain.PackageVersion) -> Self:
        return cls(
            name=version.name,
            version=version.version,
            index_url=version.index_url,
            requires_python=version.requires_python,
            yanked=version.yanked,
            upload_time=version.upload_time,
            sha256=list(version.sha256),
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
        found = await context_of(info).loaders.versions.load_many([k.name for k in keys])
        by_key = {v.key: v for versions in found for v in versions}
        nodes = [cls.from_domain(by_key[k]) if k in by_key else None for k in keys]
        return required_nodes(nodes, ids) if required else nodes


@strawberry.type(description="A page of a package's versions, newest first.")
class PackageVersionConnection(relay.Connection[PackageVersion]):
    total_count: int = strawberry.field(description="The number of versions listed.")


# -- Dependent ---------------------------------------------------------------------------


async def _dependent_version(root: Dependent, info: Info) -> PackageVersion:
    versions = await info.context.loaders.versions.load(root.key.name)
    for version in versions:
        if version.key == root.key:
            return PackageVersion.from_domain(version)
    raise LookupError(f"the graph has an edge from {root.key} but not the version")


@strawberry.type(description="A DependsOn edge read backwards: `version` declares `dependency`.")
class Dependent(relay.Node):
    key: strawberry.Private[domain.VersionKey]
    version: PackageVersion = strawberry.field(
        resolver=_dependent_version, description="The release declaring it."
    )
    dependency: Dependency = strawberry.field(description="The dependency as declared.")

    @classmethod
    def from_store(cls, dependent: StoredDependent) -> Self:
        return cls(key=dependent.version, dependency=Dependency.from_domain(dependent.dependency))

    @classmethod
    def resolve_id(cls, root: Self, *, info: strawberry.Info) -> str:
        dep = root.dependency
        return json.dumps(
            [*astuple(root.key), dep.name, dep.specifier, dep.extras, dep.marker],
            separators=(",", ":"),
        )

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: strawberry.Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Self | None]:
        ids = list(node_ids)
        wanted = [_parse_dependent_id(i) for i in ids]
        found = await context_of(info).loaders.dependents.load_many(
            [w.dependency.name for w in wanted]
        )
        nodes = [
            cls.from_store(w) if w in edges else None
            for w, edges in zip(wanted, found, strict=True)
        ]
        return required_nodes(nodes, ids) if required else nodes


def _parse_dependent_id(node_id: str) -> StoredDependent:
    try:
        name, version, index_url, target, specifier, extras, marker = json.loads(node_id)
        return StoredDependent(
            domain.VersionKey(name, version, index_url),
            domain.Dependency(target, specifier, tuple(extras), marker),
        )
    except (ValueError, TypeError) as error:
        raise UserInputError(f"Not the id of a Dependent: {node_id!r}.") from error


@strawberry.type(description="A page of dependents, by declaring package and version.")
class DependentConnection(relay.Connection[Dependent]):
    total_count: int = strawberry.field(description="The number of dependents listed.")


# -- package search ----------------------------------------------------------------------


async def _count_packages(root: PackageConnection, info: Info) -> int:
    return await info.context.reads.count_packages(root.prefix)


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
    found = await info.context.reads.package_page(canonical_prefix, size + 1, after_name)
    edges, paging = fetched_page(
        found, size, after, "Package", lambda p: (p.name,), lambda p: Package(name=p.name)
    )
    return PackageConnection(edges=edges, page_info=paging, prefix=canonical_prefix)


def _parse_version_id(node_id: str) -> domain.VersionKey:
    name, sep, rest = node_id.partition("==")
    version, at, index_url = rest.partition("@")
    if not (sep and at and name and version and index_url):
        raise UserInputError(f"Not the id of a PackageVersion: {node_id!r}.")
    return domain.VersionKey(name, version, index_url)

"""The package graph's elements on JanusGraph: the identities of versions and edges, and
the domain values read back from their properties."""

from __future__ import annotations

import json
from typing import Any

from thoth_graphql.domain import Dependency, PackageVersion, VersionKey
from thoth_graphql.store.json_text import files_from


def version_identity(key: VersionKey) -> str:
    """The `vkey` property: unambiguous whatever characters the parts hold."""
    return json.dumps([key.name, key.version, key.index_url], separators=(",", ":"))


def version_key(vkey: str) -> VersionKey:
    name, version, index_url = json.loads(vkey)
    return VersionKey(name, version, index_url)


def edge_identity(vkey: str, dependency: Dependency) -> str:
    """The `ekey` property: the edge's identity per the port, marker None kept apart from ''."""
    return json.dumps(
        [vkey, dependency.name, dependency.specifier, list(dependency.extras), dependency.marker],
        separators=(",", ":"),
    )


def tuple_text(values: tuple[str, ...]) -> str:
    return json.dumps(list(values), separators=(",", ":"))


def text_tuple(text: str) -> tuple[str, ...]:
    return tuple(json.loads(text))


def package_version(props: dict[str, Any]) -> PackageVersion:
    return PackageVersion(
        name=props["name"],
        version=props["version"],
        index_url=props["index_url"],
        requires_python=props.get("requires_python"),
        yanked=bool(props["yanked"]),
        upload_time=props.get("upload_time"),
        sha256=text_tuple(props["sha256"]),
        files=files_from(props.get("files")),
    )


def dependency(props: dict[str, Any]) -> Dependency:
    return Dependency(
        name=props["target"],
        specifier=props["specifier"],
        extras=text_tuple(props["extras"]),
        marker=props.get("marker"),
    )

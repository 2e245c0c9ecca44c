"""Test universes for the scorer: resolvelib's and pip's data, and an independent checker."""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.version import Version

from thoth_graphql.domain import (
    Dependency,
    PackageVersion,
    Release,
    RuntimeEnvironment,
    canonical_name,
    marker_environment,
)
from thoth_graphql.ingest.ingest import parse_all
from thoth_graphql.ingest.sources import read_documents
from thoth_graphql.scorer import Snapshot, Stack

DATA = Path(__file__).resolve().parents[1] / "tests" / "data" / "external"
RESOLVELIB = DATA / "resolvelib"
PIP_YAML = DATA / "pip-yaml"
DEMO = Path(__file__).resolve().parents[1] / "thoth_graphql" / "demo"

ENVIRONMENT = RuntimeEnvironment(python_version="3.11", platform="linux_x86_64")
"""resolvelib's expectations assume a modern CPython 3 (its README)."""


def release(name: str, version: str, *requirements: str, **fields: Any) -> Release:
    """A release from PEP 508 strings, for hand-written universes."""
    return Release(
        PackageVersion(canonical_name(name), str(Version(version)), **fields),
        tuple(Dependency.from_requirement(r) for r in requirements),
    )


def resolvelib_cases() -> list[str]:
    return sorted(p.stem for p in (RESOLVELIB / "case").glob("*.json"))


def resolvelib_case(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((RESOLVELIB / "case" / f"{name}.json").read_text())
    return data


@cache
def resolvelib_snapshot(index: str) -> Snapshot:
    """An index as a snapshot: the demo's solver documents, or a small raw index."""
    demo = DEMO / f"{index}.json.gz"
    if demo.exists():
        documents = parse_all(read_documents(str(demo)))
        return Snapshot.from_releases(r for d in documents for r in d.releases)
    raw = json.loads((RESOLVELIB / "index" / f"{index}.json").read_text())
    return Snapshot.from_releases(
        release(name, version, *entry["dependencies"])
        for name, versions in raw.items()
        if isinstance(versions, dict)  # backjump-test-3 has a stray boolean key
        for version, entry in versions.items()
    )


def expected_resolution(case: dict[str, Any]) -> dict[str, Version]:
    return {
        canonical_name(name): Version(value if isinstance(value, str) else value["version"])
        for name, value in case.get("resolved", {}).items()
    }


def gz_size(path: Path) -> int:
    with gzip.open(path) as f:
        return len(f.read())


# -- an independent check of a stack, written from the rules, not from the scorer ---------


def stack_problems(
    snapshot: Snapshot,
    requirements: Iterable[str],
    stack: Stack,
    environment: RuntimeEnvironment = ENVIRONMENT,
    constraints: Iterable[str] = (),
) -> list[str]:
    """Every way the stack breaks the rules of docs/advise.md; empty when it is valid."""
    values = marker_environment(environment)
    python = Version(values["python_full_version"])
    chosen = {p.name: Version(p.version) for p in stack.packages}
    problems: list[str] = []
    releases: dict[str, Release | Any] = {}
    for p in stack.packages:
        package = snapshot.packages.get(p.name)
        if package is None:
            problems.append(f"{p.name} is not in the snapshot")
            continue
        position = package.position(p.version)
        if position is None:
            problems.append(f"{p.name}=={p.version} is not a release")
            continue
        releases[p.name] = package.releases[position]
    demands: dict[str, list[Requirement]] = {}
    extras: dict[str, set[str]] = {}
    reached: set[str] = set()
    queue: list[Requirement] = []
    for text in requirements:
        requirement = Requirement(text)
        if requirement.marker is None or requirement.marker.evaluate(values):
            queue.append(requirement)
    while queue:
        requirement = queue.pop()
        name = canonical_name(requirement.name)
        demands.setdefault(name, []).append(requirement)
        new_extras = {canonical_name(e) for e in requirement.extras} - extras.get(name, set())
        first = name not in reached
        reached.add(name)
        extras.setdefault(name, set()).update(new_extras)
        if name not in chosen:
            problems.append(f"{name} is required ({requirement}) but not in the stack")
            continue
        if not (first or new_extras) or name not in releases:
            continue
        for dependency in releases[name].dependencies:
            marker = Marker(dependency.marker) if dependency.marker else None
            active = first and (marker is None or marker.evaluate({**values, "extra": ""}))
            active = active or any(
                marker is not None and marker.evaluate({**values, "extra": e}) for e in new_extras
            )
            if active:
                queue.append(dependency.requirement())
    for name in chosen:
        if name not in reached:
            problems.append(f"{name} is in the stack but nothing requires it")
    for name, version in chosen.items():
        found = releases.get(name)
        if found is None:
            continue
        specifiers = [r.specifier for r in demands.get(name, [])]
        specifiers += [
            Requirement(c).specifier
            for c in constraints
            if canonical_name(Requirement(c).name) == name
        ]
        for specifier in specifiers:
            if not specifier.contains(version, prereleases=True):
                problems.append(f"{name}=={version} does not satisfy {specifier}")
        combined = SpecifierSet(",".join(str(s) for s in specifiers if str(s)))
        if found.version.requires_python and not SpecifierSet(
            found.version.requires_python
        ).contains(python, prereleases=True):
            problems.append(f"{name}=={version} requires python {found.version.requires_python}")
        if found.version.yanked and not any(
            s.operator in ("==", "===") for spec in specifiers for s in spec
        ):
            problems.append(f"{name}=={version} is yanked and not pinned")
        if version.is_prerelease and combined.prereleases is not True:
            package = snapshot.packages[name]
            finals = [
                v
                for v, r in zip(package.versions, package.releases, strict=True)
                if not v.is_prerelease
                and not r.version.yanked
                and combined.contains(v, prereleases=True)
            ]
            if finals:
                problems.append(f"{name}=={version} is a pre-release but {finals[0]} fits")
    return problems

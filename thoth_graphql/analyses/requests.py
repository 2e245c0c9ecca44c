"""What an analysis is asked to do: validated specs, and the request documents made of them.

A spec is checked whole (every fault named by its input field, e.g. `packages[1].version`)
before anything is recorded. Its parameters are kept in the graph's Analysis *and* written
as `requests/<analysis-id>.json` (schema/analysis-request.schema.json); the request document
is a function of the Analysis alone, so a dispatcher can write it again from the graph.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from functools import cache
from importlib import resources
from typing import Any

from jsonschema import Draft202012Validator
from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.utils import InvalidName, canonicalize_name
from packaging.version import InvalidVersion, Version

from analyzer_runner.egress import EgressRefused, egress_policy
from thoth_graphql.domain import (
    DEFAULT_INDEX_URL,
    Analysis,
    AnalysisKind,
    RuntimeEnvironment,
)

MAX_STACK = 500
"""The most packages one stack inspection locks (the runner's limit too)."""
MAX_SCRIPT_BYTES = 256 * 1024
MAX_URL = 2000
MAX_VERSIONS = 10_000
SCHEMA_FILE = "analysis-request.schema.json"


class InvalidSpec(ValueError):
    """A spec that cannot be run; `faults` are (field, message) pairs, the first one first."""

    def __init__(self, faults: Sequence[tuple[str, str]]) -> None:
        self.faults = list(faults)
        super().__init__("; ".join(f"{f}: {m}" for f, m in self.faults))


@dataclass(frozen=True, slots=True)
class SolverSpec:
    """Solve a package: one version, the versions a specifier holds, or all of them."""

    package_name: str
    version_spec: str | None = None
    index_url: str = DEFAULT_INDEX_URL
    environment: RuntimeEnvironment = field(default_factory=RuntimeEnvironment)
    max_versions: int | None = None

    def parameters(self) -> dict[str, Any]:
        parameters: dict[str, Any] = {
            "package_name": self.package_name,
            "version_spec": self.version_spec,
            "index_url": self.index_url,
            "environment": environment_json(self.environment),
        }
        if self.max_versions is not None:
            parameters["max_versions"] = self.max_versions
        return parameters


@dataclass(frozen=True, slots=True)
class LockedPackage:
    """One pinned package of a stack to inspect."""

    name: str
    version: str
    index_url: str = DEFAULT_INDEX_URL
    sha256: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class InspectionSpec:
    """Install a locked stack in an environment and run an optional script in it."""

    packages: tuple[LockedPackage, ...]
    environment: RuntimeEnvironment = field(default_factory=RuntimeEnvironment)
    script: str | None = None

    def parameters(self) -> dict[str, Any]:
        return {
            "packages": [
                {
                    "package_name": p.name,
                    "package_version": p.version,
                    "index_url": p.index_url,
                    "sha256": list(p.sha256),
                }
                for p in self.packages
            ],
            "environment": environment_json(self.environment),
            "script": self.script,
        }


AnalysisSpec = SolverSpec | InspectionSpec


def kind_of(spec: AnalysisSpec) -> AnalysisKind:
    return AnalysisKind.SOLVER if isinstance(spec, SolverSpec) else AnalysisKind.STACK_INSPECTION


def environment_json(environment: RuntimeEnvironment) -> dict[str, Any]:
    """An environment as request documents write it: the fields it sets."""
    data = asdict(environment)
    data["cpu_flags"] = list(environment.cpu_flags)
    return {k: v for k, v in data.items() if v not in (None, [])}


# -- checking what a requester asked for ------------------------------------------------


def _project(raw: str, path: str, faults: list[tuple[str, str]]) -> str:
    try:
        return str(canonicalize_name(raw, validate=True))
    except InvalidName:
        faults.append((path, f"{raw!r} is not a valid project name."))
        return raw


def _url(raw: str | None, path: str, faults: list[tuple[str, str]]) -> str:
    url = (raw or DEFAULT_INDEX_URL).strip()
    if not url.startswith(("https://", "http://")) or len(url) > MAX_URL or " " in url:
        faults.append((path, f"must be an http(s) URL of at most {MAX_URL} characters."))
        return url.rstrip("/")
    # The runners check again on every fetch; refusing here keeps the request (and any
    # credentials in it) out of the graph and the object store altogether.
    try:
        egress_policy().check_index(url, "this server's")
    except EgressRefused as refused:
        faults.append((path, f"{refused}."))
    return url.rstrip("/")


def _version_spec(raw: str | None, path: str, faults: list[tuple[str, str]]) -> str | None:
    if raw is None or not raw.strip():
        return None
    text = raw.strip()
    try:
        SpecifierSet(f"=={text}" if text[0].isdigit() else text)
    except InvalidSpecifier:
        faults.append((path, f"{raw!r} is neither a PEP 440 version nor a specifier."))
    return text


def solver_spec(
    package_name: str,
    version_spec: str | None = None,
    index_url: str | None = None,
    environment: RuntimeEnvironment | None = None,
    max_versions: int | None = None,
) -> SolverSpec:
    """A checked SolverSpec; raises InvalidSpec naming every faulty field."""
    faults: list[tuple[str, str]] = []
    name = _project(package_name, "packageName", faults)
    spec = _version_spec(version_spec, "versionSpec", faults)
    url = _url(index_url, "indexUrl", faults)
    if max_versions is not None and not 0 < max_versions <= MAX_VERSIONS:
        faults.append(("maxVersions", f"must be between 1 and {MAX_VERSIONS}."))
    if faults:
        raise InvalidSpec(faults)
    return SolverSpec(name, spec, url, environment or RuntimeEnvironment(), max_versions)


def locked_package(
    name: str, version: str, index: str | None, sha256: Sequence[str], path: str
) -> tuple[LockedPackage | None, list[tuple[str, str]]]:
    """One checked package of a stack, or the faults of its fields under `path`."""
    faults: list[tuple[str, str]] = []
    canonical = _project(name, f"{path}.name", faults)
    try:
        normal = str(Version(version))
    except InvalidVersion:
        faults.append((f"{path}.version", f"{version!r} is not a PEP 440 version."))
        normal = version
    url = _url(index, f"{path}.index", faults)
    digests = tuple(d.lower() for d in sha256)
    if not all(len(d) == 64 and all(c in "0123456789abcdef" for c in d) for d in digests):
        faults.append((f"{path}.sha256", "must hold hex SHA-256 digests."))
    if faults:
        return None, faults
    return LockedPackage(canonical, normal, url, digests), []


def inspection_spec(
    packages: Sequence[tuple[str, str, str | None, Sequence[str]]],
    environment: RuntimeEnvironment | None = None,
    script: str | None = None,
) -> InspectionSpec:
    """A checked InspectionSpec from (name, version, index, sha256) tuples; raises
    InvalidSpec naming every faulty field."""
    faults: list[tuple[str, str]] = []
    if not packages:
        faults.append(("packages", "a stack holds at least one package."))
    if len(packages) > MAX_STACK:
        faults.append(("packages", f"a stack holds at most {MAX_STACK} packages."))
    locked: list[LockedPackage] = []
    seen: set[str] = set()
    for i, (name, version, index, sha256) in enumerate(packages[:MAX_STACK]):
        package, found = locked_package(name, version, index, sha256, f"packages[{i}]")
        faults += found
        if package is not None:
            if package.name in seen:
                faults.append((f"packages[{i}].name", f"{package.name} is locked twice."))
            seen.add(package.name)
            locked.append(package)
    if script is not None and len(script.encode()) > MAX_SCRIPT_BYTES:
        faults.append(("script", f"must be at most {MAX_SCRIPT_BYTES} bytes."))
    if faults:
        raise InvalidSpec(faults)
    return InspectionSpec(tuple(locked), environment or RuntimeEnvironment(), script or None)


# -- request documents ------------------------------------------------------------------


def request_document(analysis: Analysis) -> dict[str, Any]:
    """The request the runner reads for this analysis (a function of the Analysis alone)."""
    document: dict[str, Any] = {
        "analysis_id": analysis.id,
        "kind": analysis.kind.value,
        "parameters": analysis.parameters,
    }
    if analysis.created_at:
        document["created_at"] = analysis.created_at
    return document


@cache
def _validator() -> Draft202012Validator:
    text = resources.files("thoth_graphql").joinpath("schemas", SCHEMA_FILE).read_text()
    return Draft202012Validator(json.loads(text))


def check_request_document(document: dict[str, Any]) -> None:
    """Raise ValueError if a request document breaks its JSON Schema (a bug, not input)."""
    errors = sorted(_validator().iter_errors(document), key=lambda e: list(e.absolute_path))
    if errors:
        where = "/".join(str(p) for p in errors[0].absolute_path)
        raise ValueError(f"request document breaks {SCHEMA_FILE} at {where}: {errors[0].message}")

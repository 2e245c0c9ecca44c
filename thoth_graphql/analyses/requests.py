"""What an analysis is asked to do: validated specs, and the request documents made of them.

A spec is checked whole (every fault named by its input field, e.g. `packages[1].version`)
before anything is recorded, by the rules of the request document's fields
(thoth_analysis_request.document, shared with the runner) and this server's own (egress,
sizes). Its parameters are kept in the graph's Analysis *and* written as
`requests/<analysis-id>.json` (schema/analysis-request.schema.json); the request document
is a function of the Analysis alone, so a dispatcher can write it again from the graph.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from functools import cache
from importlib import resources
from typing import Any, TypeVar

from jsonschema import Draft202012Validator

from analyzer_runner.egress import EgressRefused, egress_policy
from thoth_analysis_request.document import (
    MAX_SCRIPT_BYTES,
    MAX_STACK,
    InvalidRequest,
    LockedPackage,
    exact_version,
    inspection_parameters,
    project_name,
    sha256_digests,
    solver_parameters,
    version_specifier,
)
from thoth_analysis_request.document import (
    index_url as document_index_url,
)
from thoth_analysis_request.document import request_document as document_of
from thoth_graphql.domain import (
    DEFAULT_INDEX_URL,
    Analysis,
    AnalysisKind,
    RuntimeEnvironment,
)

__all__ = [
    "MAX_SCRIPT_BYTES",
    "MAX_STACK",
    "AnalysisSpec",
    "InspectionSpec",
    "InvalidSpec",
    "LockedPackage",
    "SolverSpec",
    "check_request_document",
    "inspection_spec",
    "kind_of",
    "locked_package",
    "request_document",
    "solver_spec",
]

T = TypeVar("T")
R = TypeVar("R")
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
        return solver_parameters(
            self.package_name,
            self.version_spec,
            self.index_url,
            environment_json(self.environment),
            self.max_versions,
        )


@dataclass(frozen=True, slots=True)
class InspectionSpec:
    """Install a locked stack in an environment and run an optional script in it."""

    packages: tuple[LockedPackage, ...]
    environment: RuntimeEnvironment = field(default_factory=RuntimeEnvironment)
    script: str | None = None

    def parameters(self) -> dict[str, Any]:
        return inspection_parameters(self.packages, environment_json(self.environment), self.script)


AnalysisSpec = SolverSpec | InspectionSpec


def kind_of(spec: AnalysisSpec) -> AnalysisKind:
    return AnalysisKind.SOLVER if isinstance(spec, SolverSpec) else AnalysisKind.STACK_INSPECTION


def environment_json(environment: RuntimeEnvironment) -> dict[str, Any]:
    """An environment as request documents write it: the fields it sets."""
    data = asdict(environment)
    data["cpu_flags"] = list(environment.cpu_flags)
    return {k: v for k, v in data.items() if v not in (None, [])}


# -- checking what a requester asked for ------------------------------------------------


def _checked(rule: Callable[[T], R], raw: T, path: str, faults: list[tuple[str, str]]) -> R | None:
    """`rule(raw)`, or None with its fault recorded under the input field `path`."""
    try:
        return rule(raw)
    except InvalidRequest as fault:
        faults.append((path, f"{fault}."))
        return None


def _project(raw: str, path: str, faults: list[tuple[str, str]]) -> str:
    return _checked(project_name, raw, path, faults) or raw


def _url(raw: str | None, path: str, faults: list[tuple[str, str]]) -> str:
    url = (raw or DEFAULT_INDEX_URL).strip()
    try:
        document_index_url(url)
        if len(url) > MAX_URL or " " in url:
            raise InvalidRequest(url)
    except InvalidRequest:
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
    _checked(version_specifier, text, path, faults)
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
    normal = _checked(exact_version, version, f"{path}.version", faults) or version
    url = _url(index, f"{path}.index", faults)
    digests = _checked(sha256_digests, sha256, f"{path}.sha256", faults) or ()
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
    return document_of(analysis.id, analysis.kind.value, analysis.parameters, analysis.created_at)


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

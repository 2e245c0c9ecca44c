"""The analysis request document, defined once for both sides: `requests/<analysis-id>.json`.

    {"analysis_id": "...", "kind": "SOLVER" | "STACK_INSPECTION",
     "created_at": "...", "parameters": {...}, "limits": {...}}

The server writes it (thoth_graphql/analyses/requests.py checks what a requester asked
for with the field rules below, keeps `solver_parameters`/`inspection_parameters` in the
graph and writes `request_document`); the runner reads it with `parse_request`. The JSON
Schema is schema/analysis-request.schema.json; this module checks the same rules by hand
so that every fault is reported in words a requester understands.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.utils import InvalidName, canonicalize_name
from packaging.version import InvalidVersion, Version

from thoth_analysis_request.environment import Environment, InvalidEnvironment
from thoth_analysis_request.limits import Limits
from thoth_objects.layout import check_id

SOLVER = "SOLVER"
STACK_INSPECTION = "STACK_INSPECTION"
DEFAULT_INDEX_URL = "https://pypi.org/simple"
MAX_SCRIPT_BYTES = 256 * 1024
MAX_STACK = 500
"""The most packages one stack inspection locks."""

T = TypeVar("T")
R = TypeVar("R")


class InvalidRequest(ValueError):
    """A request that cannot be run, with the reason."""


# -- the rules of each field, for the server's checks and the runner's alike -----------


def project_name(raw: str) -> str:
    """The canonical form of a project name."""
    try:
        return str(canonicalize_name(raw, validate=True))
    except InvalidName:
        raise InvalidRequest(f"{raw!r} is not a valid project name") from None


def exact_version(raw: str) -> str:
    """The normal form of a PEP 440 version."""
    try:
        return str(Version(raw))
    except InvalidVersion:
        raise InvalidRequest(f"{raw!r} is not a PEP 440 version") from None


def version_specifier(text: str) -> SpecifierSet:
    """A version_spec as a specifier: a bare version means exactly that version."""
    spec = text.strip()
    try:
        return SpecifierSet(f"=={spec}" if spec[:1].isdigit() else spec)
    except InvalidSpecifier:
        raise InvalidRequest(f"{text!r} is neither a PEP 440 version nor a specifier") from None


def index_url(raw: str | None) -> str:
    """An index URL (the default one when none is given) without its trailing slash."""
    url = (raw or DEFAULT_INDEX_URL).strip()
    if not url.startswith(("https://", "http://")):
        raise InvalidRequest(f"{url!r} must be an http(s) URL")
    return url.rstrip("/")


def sha256_digests(values: Sequence[object]) -> tuple[str, ...]:
    """Hex SHA-256 digests, in lower case."""
    digests = tuple(v.lower() if isinstance(v, str) else "" for v in values)
    if not all(len(d) == 64 and all(c in "0123456789abcdef" for c in d) for d in digests):
        raise InvalidRequest("must hold hex SHA-256 digests")
    return digests


# -- the document -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SolverRequest:
    """Solve one package: a version, the versions matching a specifier, or all of them."""

    analysis_id: str
    package_name: str
    version_spec: str | None = None
    index_url: str = DEFAULT_INDEX_URL
    environment: Environment = field(default_factory=Environment)
    max_versions: int | None = None
    limits: Limits = field(default_factory=Limits)

    @property
    def specifier(self) -> SpecifierSet | None:
        """The version_spec as a specifier (a bare version means exactly that version)."""
        return version_specifier(self.version_spec) if self.version_spec else None

    def parameters(self) -> dict[str, Any]:
        """The parameters a solver result document repeats."""
        return {
            "package_name": self.package_name,
            "version_spec": self.version_spec,
            "index_url": self.index_url,
            "max_versions": self.max_versions,
        }


@dataclass(frozen=True, slots=True)
class LockedPackage:
    """One pinned package of a locked stack, with the hashes the lock allows."""

    name: str
    version: str
    index_url: str = DEFAULT_INDEX_URL
    sha256: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        """The package as a document's `packages` list holds it."""
        return {
            "package_name": self.name,
            "package_version": self.version,
            "index_url": self.index_url,
            "sha256": list(self.sha256),
        }


@dataclass(frozen=True, slots=True)
class InspectionRequest:
    """Install a locked stack and run an optional script in it."""

    analysis_id: str
    packages: tuple[LockedPackage, ...]
    environment: Environment = field(default_factory=Environment)
    script: str | None = None
    limits: Limits = field(default_factory=Limits)


AnalysisRequest = SolverRequest | InspectionRequest


def kind_of(request: AnalysisRequest) -> str:
    return SOLVER if isinstance(request, SolverRequest) else STACK_INSPECTION


# -- writing ----------------------------------------------------------------------------


def solver_parameters(
    package_name: str,
    version_spec: str | None,
    index_url: str,
    environment: Mapping[str, Any],
    max_versions: int | None = None,
) -> dict[str, Any]:
    """A SOLVER document's `parameters` (`environment`: the fields it sets)."""
    parameters: dict[str, Any] = {
        "package_name": package_name,
        "version_spec": version_spec,
        "index_url": index_url,
        "environment": dict(environment),
    }
    if max_versions is not None:
        parameters["max_versions"] = max_versions
    return parameters


def inspection_parameters(
    packages: Sequence[LockedPackage], environment: Mapping[str, Any], script: str | None
) -> dict[str, Any]:
    """A STACK_INSPECTION document's `parameters` (`environment`: the fields it sets)."""
    return {
        "packages": [p.to_json() for p in packages],
        "environment": dict(environment),
        "script": script,
    }


def request_document(
    analysis_id: str, kind: str, parameters: Mapping[str, Any], created_at: str | None = None
) -> dict[str, Any]:
    """The document a runner reads for one analysis."""
    document: dict[str, Any] = {
        "analysis_id": analysis_id,
        "kind": kind,
        "parameters": dict(parameters),
    }
    if created_at:
        document["created_at"] = created_at
    return document


# -- reading ----------------------------------------------------------------------------


def _text(data: Mapping[str, Any], name: str, *, required: bool = False) -> str | None:
    value = data.get(name)
    if value is None:
        if required:
            raise InvalidRequest(f"{name} is required")
        return None
    if not isinstance(value, str) or not value.strip():
        raise InvalidRequest(f"{name} must be a non-empty string")
    return value.strip()


def _field(rule: Callable[[T], R], value: T, where: str) -> R:
    """`rule(value)`, a refusal naming the document's field."""
    try:
        return rule(value)
    except InvalidRequest as fault:
        raise InvalidRequest(f"{where} {fault}") from None


def _environment(data: Mapping[str, Any]) -> Environment:
    raw = data.get("environment")
    if raw is not None and not isinstance(raw, Mapping):
        raise InvalidRequest("environment must be an object")
    try:
        return Environment.from_json(raw)
    except InvalidEnvironment as error:
        raise InvalidRequest(str(error)) from error


def _solver(analysis_id: str, parameters: Mapping[str, Any], limits: Limits) -> SolverRequest:
    name = _field(
        project_name, _text(parameters, "package_name", required=True) or "", "package_name"
    )
    max_versions = parameters.get("max_versions")
    if max_versions is not None and (
        isinstance(max_versions, bool) or not isinstance(max_versions, int) or max_versions < 1
    ):
        raise InvalidRequest("max_versions must be a positive integer")
    request = SolverRequest(
        analysis_id=analysis_id,
        package_name=name,
        version_spec=_text(parameters, "version_spec"),
        index_url=_field(index_url, _text(parameters, "index_url"), "index_url"),
        environment=_environment(parameters),
        max_versions=max_versions,
        limits=limits,
    )
    _field(lambda r: r.specifier, request, "version_spec")  # bad specifiers refused early
    return request


def _locked(entry: Any, position: int) -> LockedPackage:
    where = f"packages[{position}]"
    if not isinstance(entry, Mapping):
        raise InvalidRequest(f"{where} must be an object")
    name = _text(entry, "package_name", required=True) or ""
    version = _text(entry, "package_version", required=True) or ""
    hashes = entry.get("sha256", [])
    if not isinstance(hashes, list):
        raise InvalidRequest(f"{where}.sha256 must be a list of hex SHA-256 digests")
    return LockedPackage(
        _field(project_name, name, f"{where}.package_name"),
        _field(exact_version, version, f"{where}.package_version"),
        _field(index_url, _text(entry, "index_url"), f"{where}.index_url"),
        _field(sha256_digests, hashes, f"{where}.sha256"),
    )


def _inspection(
    analysis_id: str, parameters: Mapping[str, Any], limits: Limits
) -> InspectionRequest:
    raw_packages = parameters.get("packages")
    if not isinstance(raw_packages, list) or not raw_packages:
        raise InvalidRequest("packages must be a non-empty list")
    if len(raw_packages) > MAX_STACK:
        raise InvalidRequest(f"a stack may have at most {MAX_STACK} packages")
    packages = tuple(_locked(entry, i) for i, entry in enumerate(raw_packages))
    names = [p.name for p in packages]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise InvalidRequest(f"packages are locked more than once: {duplicates}")
    script = parameters.get("script")
    if script is not None and not isinstance(script, str):
        raise InvalidRequest("script must be a string (Python source)")
    if script is not None and len(script.encode()) > MAX_SCRIPT_BYTES:
        raise InvalidRequest(f"script is larger than {MAX_SCRIPT_BYTES} bytes")
    return InspectionRequest(
        analysis_id, packages, _environment(parameters), script or None, limits
    )


def parse_request(data: Any, ceiling: Limits | None = None) -> AnalysisRequest:
    """Read a request document; raises InvalidRequest naming the first fault."""
    if not isinstance(data, Mapping):
        raise InvalidRequest("a request must be a JSON object")
    try:
        analysis_id = check_id(_text(data, "analysis_id", required=True) or "")
    except ValueError as error:
        raise InvalidRequest(str(error)) from error
    raw_limits = data.get("limits") or {}
    if not isinstance(raw_limits, Mapping):
        raise InvalidRequest("limits must be an object")
    try:
        limits = Limits.from_json(raw_limits)
    except ValueError as error:
        raise InvalidRequest(str(error)) from error
    if ceiling is not None:
        limits = limits.within(ceiling)
    parameters = data.get("parameters")
    if not isinstance(parameters, Mapping):
        raise InvalidRequest("parameters must be an object")
    kind = data.get("kind")
    if kind == SOLVER:
        return _solver(analysis_id, parameters, limits)
    if kind == STACK_INSPECTION:
        return _inspection(analysis_id, parameters, limits)
    raise InvalidRequest(f"kind must be {SOLVER!r} or {STACK_INSPECTION!r}, not {kind!r}")

"""Analysis requests as the object store holds them (`requests/<analysis-id>.json`).

    {"analysis_id": "...", "kind": "SOLVER" | "STACK_INSPECTION",
     "created_at": "...", "parameters": {...}, "limits": {...}}

The JSON Schema is schema/analysis-request.schema.json; this module checks the same
rules by hand so that every fault is reported in words a requester understands.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

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


class InvalidRequest(ValueError):
    """A request that cannot be run, with the reason."""


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
        if not self.version_spec:
            return None
        spec = self.version_spec.strip()
        if spec[0].isdigit():
            spec = f"=={spec}"
        return SpecifierSet(spec)

    def parameters(self) -> dict[str, Any]:
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


@dataclass(frozen=True, slots=True)
class InspectionRequest:
    """Install a locked stack and run an optional script in it."""

    analysis_id: str
    packages: tuple[LockedPackage, ...]
    environment: Environment = field(default_factory=Environment)
    script: str | None = None
    limits: Limits = field(default_factory=Limits)


AnalysisRequest = SolverRequest | InspectionRequest


def _text(data: Mapping[str, Any], name: str, *, required: bool = False) -> str | None:
    value = data.get(name)
    if value is None:
        if required:
            raise InvalidRequest(f"{name} is required")
        return None
    if not isinstance(value, str) or not value.strip():
        raise InvalidRequest(f"{name} must be a non-empty string")
    return value.strip()


def _index_url(data: Mapping[str, Any]) -> str:
    url = _text(data, "index_url") or DEFAULT_INDEX_URL
    if not url.startswith(("https://", "http://")):
        raise InvalidRequest(f"index_url {url!r} must be an http(s) URL")
    return url.rstrip("/")


def _project(name: str, field_name: str) -> str:
    try:
        return str(canonicalize_name(name, validate=True))
    except InvalidName:
        raise InvalidRequest(f"{field_name} {name!r} is not a valid project name") from None


def _environment(data: Mapping[str, Any]) -> Environment:
    raw = data.get("environment")
    if raw is not None and not isinstance(raw, Mapping):
        raise InvalidRequest("environment must be an object")
    try:
        return Environment.from_json(raw)
    except InvalidEnvironment as error:
        raise InvalidRequest(str(error)) from error


def _solver(analysis_id: str, parameters: Mapping[str, Any], limits: Limits) -> SolverRequest:
    name = _project(_text(parameters, "package_name", required=True) or "", "package_name")
    max_versions = parameters.get("max_versions")
    if max_versions is not None and (
        isinstance(max_versions, bool) or not isinstance(max_versions, int) or max_versions < 1
    ):
        raise InvalidRequest("max_versions must be a positive integer")
    request = SolverRequest(
        analysis_id=analysis_id,
        package_name=name,
        version_spec=_text(parameters, "version_spec"),
        index_url=_index_url(parameters),
        environment=_environment(parameters),
        max_versions=max_versions,
        limits=limits,
    )
    try:
        request.specifier  # noqa: B018 - parsed here to refuse bad specifiers early
    except InvalidSpecifier:
        raise InvalidRequest(f"version_spec {request.version_spec!r} is not valid") from None
    return request


def _locked(entry: Any, position: int) -> LockedPackage:
    where = f"packages[{position}]"
    if not isinstance(entry, Mapping):
        raise InvalidRequest(f"{where} must be an object")
    name = _project(_text(entry, "package_name", required=True) or "", f"{where}.package_name")
    raw_version = _text(entry, "package_version", required=True) or ""
    try:
        version = str(Version(raw_version))
    except InvalidVersion:
        raise InvalidRequest(f"{where}.package_version {raw_version!r} is not valid") from None
    hashes = entry.get("sha256", [])
    if not isinstance(hashes, list) or not all(
        isinstance(h, str) and len(h) == 64 and all(c in "0123456789abcdef" for c in h.lower())
        for h in hashes
    ):
        raise InvalidRequest(f"{where}.sha256 must be a list of hex sha256 digests")
    return LockedPackage(name, version, _index_url(entry), tuple(h.lower() for h in hashes))


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


def kind_of(request: AnalysisRequest) -> str:
    return SOLVER if isinstance(request, SolverRequest) else STACK_INSPECTION

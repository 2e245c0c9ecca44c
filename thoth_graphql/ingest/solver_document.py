"""Solver documents: validating them against schema/ and reading them into Releases.

A document is checked whole, first against its JSON Schema and then for what a schema
cannot say (PEP 440 versions, PEP 508 specifiers and markers), before anything is
written; every fault names the JSON path where it is.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import cache, lru_cache
from importlib import resources
from typing import Any

import fastjsonschema
from jsonschema import Draft202012Validator, ValidationError
from packaging.markers import InvalidMarker, Marker
from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.utils import InvalidName, canonicalize_name
from packaging.version import InvalidVersion

from thoth_graphql.domain import (
    DEFAULT_INDEX_URL,
    NOT_FOUND_REASON,
    AbsentPackage,
    Dependency,
    DistributionFile,
    PackageVersion,
    Release,
    RuntimeEnvironment,
    canonical_name,
)
from thoth_graphql.domain.package import normalized_version
from thoth_graphql.domain.timestamps import utc_timestamp
from thoth_graphql.store.port import DocumentRef

SCHEMA_FILE = "solver-document.schema.json"


@dataclass(frozen=True, slots=True)
class DocumentFault:
    """One thing wrong with a document, at a JSON path such as `$.result.tree[3]`."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


class InvalidDocument(ValueError):
    """A document that cannot be ingested; `faults` says every place that is wrong."""

    def __init__(
        self, source: str, faults: list[DocumentFault], kind: str = "solver document"
    ) -> None:
        self.source = source
        self.faults = faults
        lines = "\n".join(f"  {f}" for f in faults)
        super().__init__(f"{source}: not a valid {kind}\n{lines}")


@dataclass(frozen=True, slots=True)
class SolverDocument:
    """A validated solver document: its provenance, the releases it describes, the names
    it could not resolve, and among those the packages the index does not have."""

    ref: DocumentRef
    releases: tuple[Release, ...]
    unresolved: tuple[str, ...] = ()
    absent: tuple[AbsentPackage, ...] = ()

    @property
    def edge_count(self) -> int:
        return sum(len(r.dependencies) for r in self.releases)


@cache
def _schema() -> dict[str, Any]:
    text = resources.files("thoth_graphql").joinpath("schemas", SCHEMA_FILE).read_text()
    schema: dict[str, Any] = json.loads(text)
    return schema


@cache
def _fast_check() -> Callable[[object], object]:
    """The schema compiled to Python: the quick yes for the common, valid document."""
    return fastjsonschema.compile(_schema(), formats={"date-time": ".*"})


def _schema_faults(data: object) -> list[DocumentFault]:
    try:
        _fast_check()(data)
        return []
    except fastjsonschema.JsonSchemaException:
        # The compiled check stops at the first fault; jsonschema lists them all.
        errors = Draft202012Validator(_schema()).iter_errors(data)
        return [
            DocumentFault(_json_path(e.absolute_path), _schema_message(e))
            for e in sorted(errors, key=lambda e: [str(p) for p in e.absolute_path])
        ]


# jsonschema's messages quote the faulty value whole; a 50 MB name must not come back as a
# 50 MB error message.
MAX_MESSAGE = 300


def _schema_message(error: ValidationError) -> str:
    if error.validator == "maxLength" and isinstance(error.instance, str):
        return f"{len(error.instance)} characters, more than the {error.validator_value} allowed"
    message = str(error.message)
    return message if len(message) <= MAX_MESSAGE else message[:MAX_MESSAGE] + "…"


def _json_path(parts: Any) -> str:
    path = "$"
    for part in parts:
        path += f"[{part}]" if isinstance(part, int) else f".{part}"
    return path


def parse_solver_document(data: object, source: str) -> SolverDocument:
    """Validate `data` (parsed JSON) and read it; raises InvalidDocument naming `source`."""
    schema_faults = _schema_faults(data)
    if schema_faults:
        raise InvalidDocument(source, schema_faults[:20])
    assert isinstance(data, dict)  # the schema says so
    faults: list[DocumentFault] = []
    releases = tuple(
        _release(entry, f"$.result.tree[{i}]", faults)
        for i, entry in enumerate(data["result"]["tree"])
    )
    metadata = data["metadata"]
    absent = _absent(data, faults)
    if faults:
        raise InvalidDocument(source, faults[:20])
    ref = DocumentRef(
        document_id=metadata["document_id"],
        analyzer=metadata.get("analyzer", ""),
        analyzer_version=metadata.get("analyzer_version", ""),
        datetime=metadata.get("datetime", ""),
        environment=_environment(data.get("environment")),
    )
    unresolved = tuple(
        canonical_name(u["package_name"]) for u in data["result"].get("unresolved", [])
    )
    return SolverDocument(ref, releases, unresolved, absent)


def _absent(data: dict[str, Any], faults: list[DocumentFault]) -> tuple[AbsentPackage, ...]:
    """The `unresolved` entries that say the index has no such project (its 404): each a
    fact with the document's time, which must then be an ISO 8601 date-time. Any other
    reason ("no version matches ...") leaves the package unknown."""
    entries = [
        (i, entry)
        for i, entry in enumerate(data["result"].get("unresolved", []))
        if entry.get("reason") == NOT_FOUND_REASON
    ]
    if not entries:
        return ()
    metadata = data["metadata"]
    seen = _utc(metadata.get("datetime"))
    if seen is None:
        faults.append(
            DocumentFault(
                "$.metadata.datetime",
                f"{metadata.get('datetime')!r} is not an ISO 8601 date-time; it is needed to "
                "record when the index did not have a package",
            )
        )
        seen = ""
    parameters = data.get("parameters") or {}
    found: dict[str, AbsentPackage] = {}
    for i, entry in entries:
        name = _name(entry["package_name"], f"$.result.unresolved[{i}].package_name", faults)
        index_url = entry.get("index_url") or parameters.get("index_url") or DEFAULT_INDEX_URL
        found[name] = AbsentPackage(name, seen, index_url, metadata["document_id"])
    return tuple(found.values())


def _utc(text: object) -> str | None:
    """An ISO 8601 date-time as the graph keeps times (UTC text), or None."""
    if not isinstance(text, str) or not text:
        return None
    try:
        return utc_timestamp(datetime.fromisoformat(text.replace("Z", "+00:00")))
    except ValueError:
        return None


def _environment(data: dict[str, Any] | None) -> RuntimeEnvironment | None:
    if not data:
        return None
    fields = dict(data)
    fields["cpu_flags"] = tuple(fields.get("cpu_flags", ()))
    known = RuntimeEnvironment.__dataclass_fields__
    return RuntimeEnvironment(**{k: v for k, v in fields.items() if k in known})


def _release(entry: dict[str, Any], path: str, faults: list[DocumentFault]) -> Release:
    name = _name(entry["package_name"], f"{path}.package_name", faults)
    raw_version = entry["package_version"]
    try:
        version = normalized_version(raw_version)
    except InvalidVersion:
        faults.append(
            DocumentFault(f"{path}.package_version", f"{raw_version!r} is not a PEP 440 version")
        )
        version = raw_version
    requires_python = entry.get("requires_python") or None
    if requires_python is not None:
        _specifier(requires_python, f"{path}.requires_python", faults)
    dependencies = tuple(
        _dependency(dep, f"{path}.dependencies[{j}]", faults)
        for j, dep in enumerate(entry.get("dependencies", []))
    )
    version_node = PackageVersion(
        name=name,
        version=version,
        index_url=entry.get("index_url") or DEFAULT_INDEX_URL,
        requires_python=requires_python,
        yanked=bool(entry.get("yanked", False)),
        upload_time=entry.get("upload_time"),
        sha256=tuple(entry.get("sha256", ())),
        files=tuple(_file(f) for f in entry.get("artifacts", ())),
    )
    return Release(version_node, dependencies)


def _file(entry: dict[str, Any]) -> DistributionFile:
    """A release's file as the runner lists it (`artifacts`); Thoth's documents have none."""
    return DistributionFile(
        filename=entry["filename"],
        url=entry.get("url"),
        sha256=entry.get("sha256"),
        requires_python=entry.get("requires_python") or None,
        yanked=bool(entry.get("yanked", False)),
        upload_time=entry.get("upload_time"),
    )


def _dependency(entry: dict[str, Any], path: str, faults: list[DocumentFault]) -> Dependency:
    name = _name(entry["package_name"], f"{path}.package_name", faults)
    specifier = _specifier(entry.get("specifier") or "", f"{path}.specifier", faults)
    marker: str | None = None
    if entry.get("marker"):
        marker = _normal_marker(entry["marker"])
        if marker is None:
            faults.append(
                DocumentFault(f"{path}.marker", f"{entry['marker']!r} is not a PEP 508 marker")
            )
    extras = tuple(sorted(canonical_name(e) for e in entry.get("extras", [])))
    return Dependency(name, specifier, extras, marker)


# Real documents repeat the same names, specifiers and markers many times over.
@lru_cache(maxsize=65536)
def _normal_name(raw: str) -> str | None:
    try:
        return str(canonicalize_name(raw, validate=True))
    except InvalidName:
        return None


@lru_cache(maxsize=65536)
def _normal_specifier(raw: str) -> str | None:
    try:
        return str(SpecifierSet(raw))
    except InvalidSpecifier:
        return None


@lru_cache(maxsize=65536)
def _normal_marker(raw: str) -> str | None:
    try:
        return str(Marker(raw))
    except InvalidMarker:
        return None


def _name(raw: str, path: str, faults: list[DocumentFault]) -> str:
    name = _normal_name(raw)
    if name is None:
        faults.append(DocumentFault(path, f"{raw!r} is not a valid project name"))
        return raw
    return name


def _specifier(raw: str, path: str, faults: list[DocumentFault]) -> str:
    specifier = _normal_specifier(raw)
    if specifier is None:
        faults.append(DocumentFault(path, f"{raw!r} is not a PEP 440 version specifier"))
        return raw
    return specifier

"""The JSON text in which both adapters keep release files and dependency lists,
observations, advisories, analyses."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict
from typing import Any, TypeVar

from thoth_graphql.domain import (
    Advisory,
    AffectedRange,
    Analysis,
    AnalysisKind,
    AnalysisStatus,
    Dependency,
    DistributionFile,
    Installability,
    ObservationSource,
    PackageVersion,
    Provenance,
    RuntimeEnvironment,
    StackObservation,
    StackOutcome,
    VersionKey,
)

T = TypeVar("T")


def in_order(
    found: Mapping[str, str], keys: Sequence[str], parse: Callable[[str], T]
) -> list[T | None]:
    """The texts `found` by key, parsed, one for each of `keys` (None where none was found)."""
    return [parse(found[k]) if k in found else None for k in keys]


def _dumps(value: object) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"))


def files_text(files: Sequence[DistributionFile]) -> str:
    """A release's files as JSON text; `[]` (the column default) when it has none."""
    return _dumps([asdict(f) for f in files])


def files_from(text: str | None) -> tuple[DistributionFile, ...]:
    return tuple(DistributionFile(**f) for f in json.loads(text)) if text else ()


class ReleaseDecoder:
    """Builds the releases of a closure from the texts both adapters keep: each distinct
    dependency row becomes one shared `Dependency` and each distinct `sha256` text is
    parsed once (closures repeat the same ones massively)."""

    __slots__ = ("_dependencies", "_hashes")

    def __init__(self) -> None:
        self._dependencies: dict[tuple[str, str, tuple[str, ...], str | None], Dependency] = {}
        self._hashes: dict[str, tuple[str, ...]] = {"[]": ()}

    def dependency(
        self, name: str, specifier: str, extras: Sequence[str], marker: str | None
    ) -> Dependency:
        key = (name, specifier, tuple(extras), marker)
        found = self._dependencies.get(key)
        if found is None:
            found = self._dependencies[key] = Dependency(*key)
        return found

    def version(
        self,
        name: str,
        version: str,
        index_url: str,
        requires_python: str | None,
        yanked: object,
        upload_time: str | None,
        sha256: str,
        files: str | None,
    ) -> PackageVersion:
        """A release from its columns, `sha256` and `files` as JSON texts."""
        hashes = self._hashes.get(sha256)
        if hashes is None:
            hashes = self._hashes[sha256] = tuple(json.loads(sha256))
        return PackageVersion(
            name,
            version,
            index_url,
            requires_python,
            bool(yanked),
            upload_time,
            hashes,
            files_from(files) if files != "[]" else (),
        )


def dependencies_text(dependencies: Sequence[Dependency]) -> str:
    """A release's dependencies as one JSON text of `[name, specifier, extras, marker]` rows,
    in the order given; the marker stays null apart from ''."""
    return _dumps([[d.name, d.specifier, list(d.extras), d.marker] for d in dependencies])


def dependencies_from(text: str) -> tuple[Dependency, ...]:
    return tuple(
        Dependency(name, specifier, tuple(extras), marker)
        for name, specifier, extras, marker in json.loads(text)
    )


def environment_text(environment: RuntimeEnvironment) -> str:
    return _dumps(asdict(environment))


def environment_from(text: str) -> RuntimeEnvironment:
    fields = json.loads(text)
    fields["cpu_flags"] = tuple(fields.get("cpu_flags", ()))
    return RuntimeEnvironment(**fields)


def _provenance(provenance: Provenance) -> dict[str, str]:
    return {
        "source": provenance.source.value,
        "document_ref": provenance.document_ref,
        "observed_at": provenance.observed_at,
    }


def _provenance_from(data: dict[str, str]) -> Provenance:
    return Provenance(ObservationSource(data["source"]), data["document_ref"], data["observed_at"])


def _version(key: VersionKey) -> list[str]:
    return [key.name, key.version, key.index_url]


def stack_observation_text(observation: StackObservation) -> str:
    return _dumps(
        {
            "packages": [_version(k) for k in observation.packages],
            "environment": asdict(observation.environment),
            "outcome": observation.outcome.value,
            "provenance": _provenance(observation.provenance),
            "message": observation.message,
            "metrics": observation.metrics,
        }
    )


def stack_observation_from(text: str) -> StackObservation:
    data = json.loads(text)
    return StackObservation(
        packages=tuple(VersionKey(*k) for k in data["packages"]),
        environment=environment_from(_dumps(data["environment"])),
        outcome=StackOutcome(data["outcome"]),
        provenance=_provenance_from(data["provenance"]),
        message=data["message"],
        metrics={k: float(v) for k, v in data["metrics"].items()},
    )


def installability_text(observation: Installability) -> str:
    return _dumps(
        {
            "version": _version(observation.version),
            "environment": asdict(observation.environment),
            "installable": observation.installable,
            "provenance": _provenance(observation.provenance),
            "error": observation.error,
        }
    )


def installability_from(text: str) -> Installability:
    data = json.loads(text)
    return Installability(
        version=VersionKey(*data["version"]),
        environment=environment_from(_dumps(data["environment"])),
        installable=data["installable"],
        provenance=_provenance_from(data["provenance"]),
        error=data["error"],
    )


def advisory_text(advisory: Advisory) -> str:
    return _dumps(asdict(advisory))


def advisory_from(text: str) -> Advisory:
    data: dict[str, Any] = json.loads(text)
    return Advisory(
        id=data["id"],
        package=data["package"],
        ranges=tuple(AffectedRange(**r) for r in data["ranges"]),
        versions=tuple(data["versions"]),
        severity=data["severity"],
        summary=data["summary"],
    )


def analysis_text(analysis: Analysis) -> str:
    data = asdict(analysis)
    data["kind"] = analysis.kind.value
    data["status"] = analysis.status.value
    return _dumps(data)


def analysis_from(text: str) -> Analysis:
    data = json.loads(text)
    data["kind"] = AnalysisKind(data["kind"])
    data["status"] = AnalysisStatus(data["status"])
    return Analysis(**data)

"""Result documents read into what the graph holds: releases and their installability from
solver documents, a stack observation from an inspection document.

Solver documents are parsed by ingest as they are (`parse_solver_document`); what the
runner adds to them (`installable` per release, `errors` per version whose metadata could
not be had) becomes Installability observations with provenance source SOLVER. An
inspection document becomes one StackObservation with provenance source INSPECTION and
its document id as the document reference.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from functools import cache
from importlib import resources
from typing import Any

import fastjsonschema
from jsonschema import Draft202012Validator
from packaging.utils import InvalidName, canonicalize_name
from packaging.version import InvalidVersion, Version

from thoth_graphql.domain import (
    DEFAULT_INDEX_URL,
    Installability,
    ObservationSource,
    Provenance,
    RuntimeEnvironment,
    StackObservation,
    StackOutcome,
    VersionKey,
)
from thoth_graphql.domain.timestamps import utc_timestamp
from thoth_graphql.ingest.observations import MAX_MESSAGE
from thoth_graphql.ingest.solver_document import SolverDocument

INSPECTION_SCHEMA = "inspection-document.schema.json"
MAX_ERROR = 2_000


class InvalidResult(ValueError):
    """A result document that cannot be loaded into the graph, and why."""


def observed_at(metadata: dict[str, Any]) -> str:
    """A document's `metadata.datetime` as the graph keeps times (UTC, to the second)."""
    raw = metadata.get("datetime")
    if not isinstance(raw, str) or not raw:
        return utc_timestamp()
    try:
        return utc_timestamp(datetime.fromisoformat(raw.replace("Z", "+00:00")))
    except ValueError as error:
        raise InvalidResult(f"metadata.datetime {raw!r} is not an ISO 8601 time") from error


def environment_of(data: Any) -> RuntimeEnvironment:
    """A document's `environment` object as a RuntimeEnvironment (unknown fields ignored)."""
    if not isinstance(data, dict):
        return RuntimeEnvironment()
    known = RuntimeEnvironment.__dataclass_fields__
    fields = {k: v for k, v in data.items() if k in known}
    fields["cpu_flags"] = tuple(sorted(set(fields.get("cpu_flags") or ())))
    return RuntimeEnvironment(**fields)


def _version_key(entry: dict[str, Any]) -> VersionKey | None:
    try:
        name = str(canonicalize_name(str(entry.get("package_name", "")), validate=True))
        version = str(Version(str(entry.get("package_version", ""))))
    except (InvalidName, InvalidVersion):
        return None
    return VersionKey(name, version, str(entry.get("index_url") or DEFAULT_INDEX_URL))


def solver_installability(data: dict[str, Any], parsed: SolverDocument) -> list[Installability]:
    """What a runner's solver document says about installing its versions.

    Releases with `installable` give a positive or negative observation; `errors` entries
    (metadata that could not be had, e.g. a failed build) a negative one with the reason.
    Documents without these fields (Thoth's own) give none.
    """
    environment = parsed.ref.environment or RuntimeEnvironment()
    provenance = Provenance(
        ObservationSource.SOLVER, parsed.ref.document_id, observed_at(data["metadata"])
    )
    found: list[Installability] = []
    result = data["result"]
    for entry, release in zip(result["tree"], parsed.releases, strict=True):
        installable = entry.get("installable")
        if isinstance(installable, bool):
            reason = str(entry.get("installability_reason") or "not installable")
            error = None if installable else reason[:MAX_ERROR]
            found.append(
                Installability(release.version.key, environment, installable, provenance, error)
            )
    for entry in result.get("errors") or ():
        key = _version_key(entry) if isinstance(entry, dict) else None
        if key is None:
            continue  # an error about no particular version says nothing installable
        kind = str(entry.get("type") or "error")
        reason = f"{kind}: {entry.get('reason') or 'no reason given'}"
        found.append(Installability(key, environment, False, provenance, reason[:MAX_ERROR]))
    return found


@cache
def _inspection_schema() -> dict[str, Any]:
    text = resources.files("thoth_graphql").joinpath("schemas", INSPECTION_SCHEMA).read_text()
    schema: dict[str, Any] = json.loads(text)
    return schema


@cache
def _fast_inspection_check() -> Callable[[object], object]:
    return fastjsonschema.compile(_inspection_schema(), formats={"date-time": ".*"})


def _check_inspection(data: object) -> None:
    try:
        _fast_inspection_check()(data)
    except fastjsonschema.JsonSchemaException as fault:
        errors = sorted(
            Draft202012Validator(_inspection_schema()).iter_errors(data),
            key=lambda e: [str(p) for p in e.absolute_path],
        )
        path = errors[0].absolute_path if errors else ()
        where = "$" + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path)
        message = errors[0].message if errors else str(fault)
        raise InvalidResult(f"not a valid inspection document: {where}: {message}") from None


def inspection_observation(data: object) -> StackObservation:
    """The stack observation an inspection document records; raises InvalidResult."""
    _check_inspection(data)
    assert isinstance(data, dict)  # the schema says so
    packages: list[VersionKey] = []
    for i, entry in enumerate(data["stack"]):
        key = _version_key(entry)
        if key is None:
            raise InvalidResult(f"$.stack[{i}] does not name a valid project and version")
        packages.append(key)
    result = data["result"]
    metadata = data["metadata"]
    return StackObservation(
        packages=tuple(packages),
        environment=environment_of(data.get("environment")),
        outcome=StackOutcome(result["outcome"]),
        provenance=Provenance(
            ObservationSource.INSPECTION, metadata["document_id"], observed_at(metadata)
        ),
        message=str(result.get("message") or "")[:MAX_MESSAGE],
        metrics={str(k): float(v) for k, v in (result.get("metrics") or {}).items()},
    )

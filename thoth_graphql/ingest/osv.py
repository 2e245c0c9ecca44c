"""OSV records (https://ossf.github.io/osv-schema/): validating them and reading the PyPI
packages they affect into Advisories, one per affected package.

Faults name JSON paths as solver documents do (`$.affected[0].ranges[0].events[1].fixed`).
Entries of other ecosystems are ignored; a record must affect at least one PyPI package.
"""

from __future__ import annotations

from typing import Any

from packaging.utils import InvalidName, canonicalize_name
from packaging.version import InvalidVersion, Version

from thoth_graphql.domain import Advisory, AffectedRange
from thoth_graphql.ingest.cvss import base_score
from thoth_graphql.ingest.limits import MAX_NAME, MAX_VERSION
from thoth_graphql.ingest.solver_document import DocumentFault, InvalidDocument

ECOSYSTEM = "PyPI"
_SUMMARY_LIMIT = 500
MAX_ID = 256
"""An OSV id (`PYSEC-2022-1`, `GHSA-...`), bounded as a solver document's id is."""


def parse_osv_record(data: object, source: str) -> tuple[Advisory, ...]:
    """The advisories of one OSV record; raises InvalidDocument naming `source`."""
    faults: list[DocumentFault] = []
    if not isinstance(data, dict):
        fault = DocumentFault("$", "an OSV record is a JSON object")
        raise InvalidDocument(source, [fault], kind="OSV record")
    record_id = data.get("id")
    if not isinstance(record_id, str) or not record_id.strip():
        faults.append(DocumentFault("$.id", "must be a non-empty string"))
    elif (too_long := _too_long(record_id, MAX_ID)) is not None:
        faults.append(DocumentFault("$.id", too_long))
    affected = data.get("affected")
    if not isinstance(affected, list):
        faults.append(DocumentFault("$.affected", "must be a list"))
        affected = []
    severity = _severity(data.get("severity"), faults)
    summary = _summary(data)
    advisories: list[Advisory] = []
    for i, entry in enumerate(affected):
        path = f"$.affected[{i}]"
        if not isinstance(entry, dict):
            faults.append(DocumentFault(path, "must be an object"))
            continue
        package = entry.get("package")
        if not isinstance(package, dict) or package.get("ecosystem") != ECOSYSTEM:
            continue
        name = _name(package.get("name"), f"{path}.package.name", faults)
        ranges = _ranges(entry.get("ranges", []), f"{path}.ranges", faults)
        versions = _versions(entry.get("versions", []), f"{path}.versions", faults)
        if name is not None:
            advisories.append(Advisory(str(record_id), name, ranges, versions, severity, summary))
    if not faults and not advisories:
        faults.append(DocumentFault("$.affected", f"affects no {ECOSYSTEM} package"))
    if faults:
        raise InvalidDocument(source, faults[:20], kind="OSV record")
    return tuple(advisories)


def _too_long(raw: str, most: int) -> str | None:
    """The fault of a string past its bound, naming its length rather than quoting it."""
    return f"{len(raw)} characters, more than the {most} allowed" if len(raw) > most else None


def _name(raw: object, path: str, faults: list[DocumentFault]) -> str | None:
    if isinstance(raw, str) and (too_long := _too_long(raw, MAX_NAME)) is not None:
        faults.append(DocumentFault(path, too_long))
        return None
    try:
        if isinstance(raw, str):
            return str(canonicalize_name(raw, validate=True))
    except InvalidName:
        pass
    faults.append(DocumentFault(path, f"{raw!r} is not a valid project name"))
    return None


def _version(raw: object, path: str, faults: list[DocumentFault]) -> str | None:
    if isinstance(raw, str) and (too_long := _too_long(raw, MAX_VERSION)) is not None:
        faults.append(DocumentFault(path, too_long))
        return None
    if isinstance(raw, str):
        if raw == "0":
            return raw  # OSV's "from the beginning"
        try:
            return str(Version(raw))
        except InvalidVersion:
            pass
    faults.append(DocumentFault(path, f"{raw!r} is not a PEP 440 version"))
    return None


def _ranges(raw: Any, path: str, faults: list[DocumentFault]) -> tuple[AffectedRange, ...]:
    if not isinstance(raw, list):
        faults.append(DocumentFault(path, "must be a list"))
        return ()
    ranges: list[AffectedRange] = []
    for i, entry in enumerate(raw):
        here = f"{path}[{i}]"
        if not isinstance(entry, dict) or not isinstance(entry.get("events"), list):
            faults.append(DocumentFault(here, "must be an object with a list of events"))
            continue
        if entry.get("type") not in ("ECOSYSTEM", "SEMVER"):
            continue  # GIT ranges name commits, not versions
        introduced: str | None = None
        opened = False
        for j, event in enumerate(entry["events"]):
            at = f"{here}.events[{j}]"
            if not isinstance(event, dict) or len(event) != 1:
                faults.append(DocumentFault(at, "must be an object with one key"))
                continue
            [(kind, value)] = event.items()
            if kind == "limit":
                continue
            if kind not in ("introduced", "fixed", "last_affected"):
                faults.append(DocumentFault(at, f"unknown event {kind!r}"))
                continue
            version = _version(value, f"{at}.{kind}", faults)
            if kind == "introduced":
                if opened:
                    ranges.append(AffectedRange(introduced))
                introduced, opened = version, True
            elif not opened:
                faults.append(DocumentFault(at, f"{kind} without an introduced event before it"))
            else:
                fixed = version if kind == "fixed" else None
                last = version if kind == "last_affected" else None
                ranges.append(AffectedRange(introduced, fixed, last))
                opened = False
        if opened:
            ranges.append(AffectedRange(introduced))
    return tuple(ranges)


def _versions(raw: Any, path: str, faults: list[DocumentFault]) -> tuple[str, ...]:
    if not isinstance(raw, list):
        faults.append(DocumentFault(path, "must be a list"))
        return ()
    found = [_version(v, f"{path}[{i}]", faults) for i, v in enumerate(raw)]
    return tuple(v for v in found if v is not None)


def _severity(raw: Any, faults: list[DocumentFault]) -> float | None:
    if raw is None:
        return None
    if not isinstance(raw, list):
        faults.append(DocumentFault("$.severity", "must be a list"))
        return None
    scores: list[float] = []
    for i, entry in enumerate(raw):
        score = entry.get("score") if isinstance(entry, dict) else None
        if not isinstance(entry, dict) or not str(entry.get("type", "")).startswith("CVSS_V3"):
            continue  # other systems (CVSS v2, v4, Ubuntu) have other scales
        try:
            scores.append(base_score(str(score)))
        except ValueError as error:
            faults.append(DocumentFault(f"$.severity[{i}].score", str(error)))
    return max(scores) if scores else None


def _summary(data: dict[str, Any]) -> str:
    text = data.get("summary") or (str(data.get("details") or "").strip().split("\n")[0])
    return str(text)[:_SUMMARY_LIMIT]

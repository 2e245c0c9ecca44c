"""Which results may enter the graph: only those of an analysis the API queued, under the
key that analysis' result has, and about what it asked (kind, package, index, versions).

Runners hold object-store credentials and run next to the code they analyse, so anything
in the object store may have been written by a compromised one. What the graph takes from
a result is bounded by what someone with a token asked for: a result naming another
package, another index or another analysis is refused (and quarantined by the caller).
Within those bounds a runner is trusted, as the paper's design trusts it: a lying
solver of `dask` on PyPI can still lie about dask's dependencies on PyPI.
"""

from __future__ import annotations

from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

from thoth_graphql.domain import (
    DEFAULT_INDEX_URL,
    Analysis,
    AnalysisKind,
    Installability,
    StackObservation,
    VersionKey,
)
from thoth_graphql.ingest.solver_document import SolverDocument
from thoth_objects.layout import INSPECTION, SOLVER, result_key


class NotAdmitted(ValueError):
    """A result that does not belong to the analysis it claims to be for, and why."""


def result_kind(analysis: Analysis) -> str:
    return SOLVER if analysis.kind is AnalysisKind.SOLVER else INSPECTION


def expected_document_id(analysis: Analysis) -> str:
    """The document id a runner gives this analysis' result (the runner's rule)."""
    return f"{result_kind(analysis)}-{analysis.id}"


def expected_result_key(analysis: Analysis) -> str:
    """The one key this analysis' result may be loaded from."""
    return result_key(result_kind(analysis), expected_document_id(analysis))


def _index(raw: object) -> str:
    return str(raw or DEFAULT_INDEX_URL).rstrip("/")


def _specifier(raw: object) -> SpecifierSet | None:
    if not isinstance(raw, str) or not raw.strip():
        return None
    text = raw.strip()
    try:
        return SpecifierSet(f"=={text}" if text[0].isdigit() else text, prereleases=True)
    except InvalidSpecifier:
        return None


def admit_solver(
    analysis: Analysis, document: SolverDocument, installability: list[Installability]
) -> None:
    """Raise NotAdmitted unless every release and installability statement of a solver
    document is a version of the package, on the index, that `analysis` asked about."""
    if analysis.kind is not AnalysisKind.SOLVER:
        raise NotAdmitted(f"analysis {analysis.id} is a {analysis.kind.value}, not a solver run")
    parameters = analysis.parameters
    name = str(canonicalize_name(str(parameters.get("package_name", ""))))
    index = _index(parameters.get("index_url"))
    specifier = _specifier(parameters.get("version_spec"))
    keys = [r.version.key for r in document.releases] + [i.version for i in installability]
    for key in keys:
        _admit_key(key, name, index, specifier)


def _admit_key(key: VersionKey, name: str, index: str, specifier: SpecifierSet | None) -> None:
    if key.name != name:
        raise NotAdmitted(f"it describes {key.name} {key.version}; {name} was asked for")
    if _index(key.index_url) != index:
        raise NotAdmitted(
            f"it describes {key.name} {key.version} from {key.index_url}; {index} was asked for"
        )
    if specifier is not None:
        try:
            inside = Version(key.version) in specifier
        except InvalidVersion:
            inside = False
        if not inside:
            raise NotAdmitted(f"{key.name} {key.version} is outside the {specifier} asked for")


def admit_inspection(analysis: Analysis, observation: StackObservation) -> None:
    """Raise NotAdmitted unless an inspection observes exactly the stack asked for."""
    if analysis.kind is not AnalysisKind.STACK_INSPECTION:
        raise NotAdmitted(
            f"analysis {analysis.id} is a {analysis.kind.value}, not a stack inspection"
        )
    asked = set()
    for package in analysis.parameters.get("packages") or ():
        asked.add(
            (
                str(canonicalize_name(str(package.get("package_name", "")))),
                str(package.get("package_version", "")),
                _index(package.get("index_url")),
            )
        )
    observed = {(k.name, k.version, _index(k.index_url)) for k in observation.packages}
    if observed != asked:
        extra = sorted(f"{n} {v} ({i})" for n, v, i in observed - asked)
        missing = sorted(f"{n} {v} ({i})" for n, v, i in asked - observed)
        raise NotAdmitted(
            f"it observes another stack than the one asked for (not asked: {extra or 'none'}; "
            f"missing: {missing or 'none'})"
        )

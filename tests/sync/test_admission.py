"""Admission: what a result may put into the graph, given the analysis that asked for it."""

from __future__ import annotations

from typing import Any

import pytest

from thoth_graphql.domain import (
    Analysis,
    AnalysisKind,
    ObservationSource,
    Provenance,
    RuntimeEnvironment,
    StackObservation,
    StackOutcome,
    VersionKey,
)
from thoth_graphql.ingest import parse_solver_document
from thoth_graphql.sync.admission import (
    NotAdmitted,
    admit_inspection,
    admit_solver,
    expected_result_key,
)

INDEX = "https://mirror.example/simple"


def solver(parameters: dict[str, Any]) -> Analysis:
    return Analysis("a-1", AnalysisKind.SOLVER, parameters)


def document(*releases: tuple[str, str, str]) -> Any:
    tree = [
        {"package_name": n, "package_version": v, "index_url": i, "dependencies": []}
        for n, v, i in releases
    ]
    data = {
        "metadata": {"document_id": "solver-a-1", "datetime": "2026-01-01T00:00:00Z"},
        "result": {"tree": tree, "unresolved": [], "errors": []},
    }
    return parse_solver_document(data, "test")


def test_the_key_is_the_analysis_own() -> None:
    assert expected_result_key(solver({})) == "results/solver/solver-a-1.json"
    inspection = Analysis("a-1", AnalysisKind.STACK_INSPECTION, {})
    assert expected_result_key(inspection) == "results/inspection/inspection-a-1.json"


def test_a_solver_result_about_what_was_asked_is_admitted() -> None:
    asked = solver({"package_name": "Dask", "index_url": f"{INDEX}/", "version_spec": ">=2"})
    admit_solver(asked, document(("dask", "2.10.1", INDEX), ("dask", "3.0rc1", INDEX)), [])


@pytest.mark.parametrize(
    ("release", "reason"),
    [
        (("numpy", "2.0", INDEX), "numpy 2.0; dask was asked for"),
        (("dask", "2.0", "https://evil.example/simple"), "from https://evil.example/simple"),
        (("dask", "1.0", INDEX), "outside the >=2"),
    ],
)
def test_a_solver_result_about_anything_else_is_not(
    release: tuple[str, str, str], reason: str
) -> None:
    asked = solver({"package_name": "dask", "index_url": INDEX, "version_spec": ">=2"})
    with pytest.raises(NotAdmitted, match=reason):
        admit_solver(asked, document(("dask", "2.0", INDEX), release), [])


def test_an_inspection_must_observe_the_stack_asked_for() -> None:
    packages = [{"package_name": "app", "package_version": "1.0", "index_url": INDEX}]
    asked = Analysis("a-1", AnalysisKind.STACK_INSPECTION, {"packages": packages})
    provenance = Provenance(ObservationSource.INSPECTION, "inspection-a-1", "2026-01-01")

    def observed(*keys: VersionKey) -> StackObservation:
        return StackObservation(keys, RuntimeEnvironment(), StackOutcome.SUCCESS, provenance)

    admit_inspection(asked, observed(VersionKey("app", "1.0", INDEX)))
    with pytest.raises(NotAdmitted, match=r"not asked: \['evil 1.0"):
        admit_inspection(
            asked, observed(VersionKey("app", "1.0", INDEX), VersionKey("evil", "1.0", INDEX))
        )
    with pytest.raises(NotAdmitted, match="not a stack inspection"):
        admit_inspection(solver({}), observed(VersionKey("app", "1.0", INDEX)))

"""resolvelib's real PyPI cases: valid stacks, its answers, and its conflict cases."""

from __future__ import annotations

import pytest
from packaging.version import Version

from bench.universe import (
    ENVIRONMENT,
    expected_resolution,
    resolvelib_case,
    resolvelib_cases,
    resolvelib_snapshot,
    stack_problems,
)
from thoth_graphql.scorer import AdviseRequest, recommend

SOLVABLE = [
    c for c in resolvelib_cases() if "resolved" in resolvelib_case(c) and c != "pyrex-1.9.8"
]

# resolvelib's harness evaluates the markers of a release requested without extras
# against an empty set of extras, so it drops every dependency with a marker. The one
# case where that changes the answer: botocore's `urllib3...; python_version != '3.4'`.
MARKER_DEPENDENCIES = {"chalice": {"urllib3"}}
GAPS = {"conflict-with-dependency": {"distlib": "virtualenv==20.0.4"}}
"""Packages a case's snapshot lacks although a newer release than the one chosen needs them:
resolvelib's harness skips such releases silently; advise says so and is provisional."""


def test_the_data_is_all_there() -> None:
    assert len(resolvelib_cases()) == 13
    assert len(SOLVABLE) == 11


@pytest.mark.parametrize("name", SOLVABLE)
def test_every_solvable_case_gives_a_valid_proven_stack(name: str) -> None:
    case = resolvelib_case(name)
    snapshot = resolvelib_snapshot(case["index"])
    request = AdviseRequest(tuple(case["requested"]), environment=ENVIRONMENT)
    result = recommend(snapshot, request)
    assert result.unsatisfiable is None
    [stack] = result.stacks
    assert stack_problems(snapshot, case["requested"], stack) == []
    gaps = GAPS.get(name, {})
    assert {g.package: g.required_by for g in result.gaps} == gaps
    assert [u.split(":")[0] for u in result.unresolved] == list(gaps)
    assert result.optimal is result.complete is (not gaps)


@pytest.mark.parametrize("name", SOLVABLE)
def test_latest_agrees_with_resolvelib_where_its_harness_reads_markers_like_pip(
    name: str,
) -> None:
    case = resolvelib_case(name)
    snapshot = resolvelib_snapshot(case["index"])
    [stack] = recommend(
        snapshot, AdviseRequest(tuple(case["requested"]), environment=ENVIRONMENT)
    ).stacks
    got = {p.name: Version(p.version) for p in stack.packages}
    extra = MARKER_DEPENDENCIES.get(name, set())
    assert {k: v for k, v in got.items() if k not in extra} == expected_resolution(case)
    assert extra <= got.keys()


def test_different_extras_is_unsatisfiable_and_blames_markupsafe() -> None:
    case = resolvelib_case("different-extras")
    result = recommend(
        resolvelib_snapshot(case["index"]),
        AdviseRequest(tuple(case["requested"]), environment=ENVIRONMENT),
    )
    assert result.stacks == ()
    assert result.unsatisfiable is not None
    assert set(result.unsatisfiable.packages) == set(case["conflicted"]) == {"markupsafe"}
    assert result.unsatisfiable.conflicts
    for chain in result.unsatisfiable.conflicts:
        # Minimal: the chain starts at the extra that pulls markupsafe in; the other
        # requirement (dask[delayed]) is a bystander and is left out.
        assert chain.startswith("dask[diagnostics]==2.10.1 -> bokeh")
        assert "markupsafe" in chain and "delayed" not in chain
    assert any(u.startswith("markupsafe:") for u in result.unresolved)
    # No stack over what the graph knows, but markupsafe is unknown: once solved, one
    # may exist, so the answer is provisional and says what to solve.
    assert not result.optimal and not result.complete
    assert [g.package for g in result.gaps] == ["markupsafe"]


def test_pyrex_is_proven_unsatisfiable() -> None:
    case = resolvelib_case("pyrex-1.9.8")
    result = recommend(
        resolvelib_snapshot(case["index"]),
        AdviseRequest(tuple(case["requested"]), environment=ENVIRONMENT, time_limit_ms=60_000),
    )
    assert result.stacks == ()
    # No stack over what the graph knows, proven; but only because packages the snapshot
    # lacks rule every pyrax out, so the answer is provisional and names them.
    assert not result.optimal and not result.complete
    gaps = {g.package for g in result.gaps}
    assert gaps and gaps <= resolvelib_snapshot(case["index"]).missing
    assert result.unsatisfiable is not None
    assert result.unsatisfiable.conflicts
    assert all(c.startswith("pyrax==1.9.8 -> ") for c in result.unsatisfiable.conflicts)
    # Every chain ends at a package the snapshot does not have.
    missing = set(result.unsatisfiable.packages)
    assert missing and missing <= resolvelib_snapshot(case["index"]).missing

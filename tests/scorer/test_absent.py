"""A package the index does not have is a known package with no release: a demand on it
is proven unsatisfiable on every engine, with a chain that ends at the index's answer, and
a release that needs it is simply not installable."""

from __future__ import annotations

import pytest

from bench.universe import release
from thoth_graphql.domain import AbsentPackage, Release
from thoth_graphql.scorer import (
    AdviseRequest,
    AdviseResult,
    RecommendationType,
    Snapshot,
    recommend,
)
from thoth_graphql.scorer.budget import Budget
from thoth_graphql.scorer.engines import ENGINES, encoding_of
from thoth_graphql.scorer.solver import Solver

GONE = AbsentPackage("gone", "2025-05-01T12:00:00Z", "https://pypi.org/simple", "doc-1")
NOT_ON_INDEX = "gone is not on the index (seen 2025-05-01)"

# Every engine, on the objective it applies to: the LATEST descent, the costed engine and
# the branch and bound search on LATEST and on STABLE.
RUNS = [
    (engine, kind)
    for engine in ENGINES
    for kind in ("LATEST", "STABLE")
    if not (engine.name == "latest-sat" and kind != "LATEST")
]


def advise(
    releases: list[Release], roots: tuple[str, ...], engine: Solver, kind: str
) -> AdviseResult:
    snapshot = Snapshot.from_releases(releases, [GONE])
    request = AdviseRequest(roots, recommendation_type=RecommendationType(kind))
    return recommend(snapshot, request, solver=engine)


def assert_proven_not_on_index(result: AdviseResult) -> tuple[str, ...]:
    assert result.stacks == () and result.unsatisfiable is not None
    assert result.optimal and result.proven and result.complete
    assert (result.missing, result.unresolved, result.gaps) == ((), (), ())
    assert result.unsatisfiable.packages == ("gone",)
    assert all(chain.endswith(NOT_ON_INDEX) for chain in result.unsatisfiable.conflicts)
    return result.unsatisfiable.conflicts


@pytest.mark.parametrize(("engine", "kind"), RUNS, ids=lambda x: getattr(x, "name", x))
def test_a_root_on_a_package_not_on_the_index_is_proven_unsatisfiable(
    engine: Solver, kind: str
) -> None:
    result = advise([release("a", "1.0")], ("a", "gone>=1"), engine, kind)
    assert assert_proven_not_on_index(result) == (f"gone>=1: {NOT_ON_INDEX}",)


@pytest.mark.parametrize(("engine", "kind"), RUNS, ids=lambda x: getattr(x, "name", x))
def test_a_chain_to_a_package_not_on_the_index_names_the_root_it_starts_from(
    engine: Solver, kind: str
) -> None:
    releases = [
        release("app", "1.0", "lib"),
        release("lib", "2.0", "gone>=1"),
        release("lib", "1.0", "gone"),
        release("other", "1.0"),
    ]
    result = advise(releases, ("other", "app"), engine, kind)
    assert assert_proven_not_on_index(result) == (
        f"app -> lib (app==1.0) -> gone>=1 (lib==2.0): {NOT_ON_INDEX}",
        f"app -> lib (app==1.0) -> gone (lib==1.0): {NOT_ON_INDEX}",
    )


@pytest.mark.parametrize(("engine", "kind"), RUNS, ids=lambda x: getattr(x, "name", x))
def test_a_release_that_needs_a_package_not_on_the_index_is_passed_over(
    engine: Solver, kind: str
) -> None:
    releases = [release("app", "2.0", "gone"), release("app", "1.0", "lib"), release("lib", "1.0")]
    result = advise(releases, ("app",), engine, kind)
    [stack] = result.stacks
    assert {p.name: p.version for p in stack.packages} == {"app": "1.0", "lib": "1.0"}
    assert result.optimal and result.complete and result.gaps == () and result.missing == ()


def test_an_unknown_package_in_its_place_leaves_the_answer_provisional() -> None:
    """The contrast: the same graph without the index's answer knows less."""
    releases = [release("app", "2.0", "gone"), release("app", "1.0", "lib"), release("lib", "1.0")]
    result = recommend(Snapshot.from_releases(releases), AdviseRequest(("app",)))
    assert not result.optimal and [g.package for g in result.gaps] == ["gone"]


def test_the_explanation_admits_no_release_through_a_package_not_on_the_index() -> None:
    releases = [release("app", "2.0", "gone"), release("app", "1.0", "lib"), release("lib", "1.0")]
    snapshot = Snapshot.from_releases(releases, [GONE])
    view = snapshot.view(AdviseRequest(("app",)).environment)
    encoding = encoding_of(view)
    app, gone = snapshot.packages["app"], snapshot.packages["gone"]
    budget = Budget.of_ms(10_000)
    # Even where unknown packages are assumed to fit: an absent one is known.
    for unknown_fits in (False, True):
        assert not encoding.admits(gone, gone.full_mask, (), budget, unknown_fits)
        assert not encoding.admits(app, 0b01, (), budget, unknown_fits)  # app 2.0
        assert encoding.admits(app, 0b10, (), budget, unknown_fits)  # app 1.0
    assert view.dead([app])[app.id] == 0b01


def test_releases_win_over_an_absence_in_the_snapshot() -> None:
    snapshot = Snapshot.from_releases([release("gone", "1.0")], [GONE])
    assert snapshot.absent == {} and len(snapshot.packages["gone"].versions) == 1
    result = recommend(snapshot, AdviseRequest(("gone",)))
    assert [p.version for p in result.stacks[0].packages] == ["1.0"]


@pytest.mark.parametrize(("engine", "kind"), RUNS, ids=lambda x: getattr(x, "name", x))
def test_a_pin_on_a_package_not_on_the_index_is_a_proof_beside_unknown_roots(
    engine: Solver, kind: str
) -> None:
    """Whatever the unknown root holds, a requirement more only narrows: the request has no
    stack, and the unknown root stays listed to be solved."""
    result = advise([release("a", "1.0")], ("a", "gone==1.0", "ghost>=2"), engine, kind)
    assert result.unsatisfiable is not None and result.optimal and result.proven
    assert result.unsatisfiable.conflicts == (f"gone==1.0: {NOT_ON_INDEX}",)
    assert result.missing == ("ghost",) and result.gaps == ()
    assert [u.split(":", 1)[0] for u in result.unresolved] == ["ghost"]
    # Without the absent pin, the unknown root leaves the answer open, as before.
    open_ = advise([release("a", "1.0")], ("a", "ghost>=2"), engine, kind)
    assert open_.unsatisfiable is None and not open_.optimal and open_.missing == ("ghost",)

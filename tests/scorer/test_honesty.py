"""An answer that depends on what the graph does not know says so and is never `optimal`."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bench.universe import release
from thoth_graphql.domain import Release, RuntimeEnvironment
from thoth_graphql.scorer import (
    AdviseRequest,
    AdviseResult,
    GapReason,
    RecommendationType,
    Snapshot,
    recommend,
)
from thoth_graphql.scorer.lexicographic import Lexicographic

HERE = RuntimeEnvironment(python_version="3.12", platform="linux_x86_64")

FOUR_LEVELS = [
    release("a", "1.0", "b"),
    release("b", "1.0", "c"),
    release("c", "1.0", "d"),
    release("c", "2.0", "d", "e>=1"),  # the newest c needs e, which nobody solved yet
    release("d", "1.0"),
]


def chosen(
    releases: list[Release], kind: RecommendationType = RecommendationType.LATEST
) -> tuple[dict[str, str], AdviseResult]:
    result = recommend(
        Snapshot.from_releases(releases),
        AdviseRequest(("a",), environment=HERE, recommendation_type=kind),
    )
    [stack] = result.stacks
    return {p.name: p.version for p in stack.packages}, result


def test_a_release_ruled_out_by_an_unknown_package_makes_the_answer_provisional() -> None:
    for kind in (RecommendationType.LATEST, RecommendationType.TESTING):
        versions, result = chosen(FOUR_LEVELS, kind)
        assert versions == {"a": "1.0", "b": "1.0", "c": "1.0", "d": "1.0"}
        assert not result.optimal and not result.complete, kind
        [gap] = result.gaps
        assert (gap.package, gap.reason, gap.required_by, gap.requirement) == (
            "e",
            GapReason.UNKNOWN_PACKAGE,
            "c==2.0",
            "e>=1",
        )
        assert result.missing == ("e",)


def test_once_the_gap_is_filled_the_answer_is_proven() -> None:
    versions, result = chosen([*FOUR_LEVELS, release("e", "1.0")])
    assert versions["c"] == "2.0" and versions["e"] == "1.0"
    assert result.optimal and result.complete and result.gaps == ()


def test_an_unknown_package_no_better_stack_needs_changes_nothing() -> None:
    # Only an old c needs e: the newest c fits, so the answer is final as it is.
    releases = [
        release("a", "1.0", "b"),
        release("b", "1.0", "c"),
        release("c", "0.5", "e"),
        release("c", "2.0", "d"),
        release("d", "1.0"),
    ]
    versions, result = chosen(releases)
    assert versions["c"] == "2.0"
    assert result.optimal and result.complete and result.gaps == ()


def test_a_clash_that_remains_whatever_the_unknown_is_explained_past_it() -> None:
    # Every web release needs an unknown package, but even if it fitted, the request
    # clashes on util: the answer is final, and the explanation names util, not the gap.
    releases = [
        release("web", "1.0", "ghost", "util<2"),
        release("util", "1.0"),
        release("util", "2.0"),
    ]
    result = recommend(
        Snapshot.from_releases(releases),
        AdviseRequest(("web", "util>=2"), environment=HERE),
    )
    assert result.stacks == () and result.optimal and result.complete and result.gaps == ()
    assert result.unsatisfiable is not None
    assert result.unsatisfiable.packages == ("util",)
    assert not any("ghost" in chain for chain in result.unsatisfiable.conflicts)


@st.composite
def universes_with_gaps(draw: st.DrawFn) -> tuple[list[Release], tuple[str, ...]]:
    """Small universes whose releases may depend on `x` and `y`, which nobody released."""
    names, known = ("a", "b", "c", "d"), ("a", "b", "c", "d", "x", "y")
    specifiers = ("", ">=2.0", "<2.0", "==1.0", "!=2.0", "<3.0", "!=4.0", "<4.0")
    releases: list[Release] = []
    for name in names:
        for version in ("1.0", "2.0", "3.0", "4.0")[: draw(st.integers(1, 4))]:
            targets = draw(st.lists(st.sampled_from(known), max_size=3, unique=True))
            requirements = [f"{t}{draw(st.sampled_from(specifiers))}" for t in targets if t != name]
            releases.append(release(name, version, *requirements))
    roots = draw(st.lists(st.sampled_from(names), min_size=1, max_size=2, unique=True))
    return releases, tuple(roots)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(universes_with_gaps())
def test_the_one_question_honesty_check_agrees_with_the_relaxed_descent(
    universe: tuple[list[Release], tuple[str, ...]],
) -> None:
    # LATEST asks once whether the descent with unknown packages free would leave the
    # stack found (`_better_exists`); the reference runs that descent every time.
    releases, roots = universe
    request = AdviseRequest(roots, environment=HERE)
    asked = recommend(Snapshot.from_releases(releases), request)
    original = Lexicographic._better_exists
    try:
        Lexicographic._better_exists = lambda self, relaxed, found: True  # type: ignore[method-assign]
        descended = recommend(Snapshot.from_releases(releases), request)
    finally:
        Lexicographic._better_exists = original  # type: ignore[method-assign]
    assert asked.proven and descended.proven
    assert [s.packages for s in asked.stacks] == [s.packages for s in descended.stacks]
    assert (asked.complete, asked.gaps) == (descended.complete, descended.gaps)

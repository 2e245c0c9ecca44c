"""Every engine behind the Solver protocol answers the same problems the same way where it
applies, and the costed SAT engine reaches the brute-force optimum for every costed type."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bench.universe import release
from tests.scorer.test_properties import (
    NAMES,
    PROVENANCE,
    SETTINGS,
    VERSIONS,
    Stack,
    _as_stack,
    latest_key,
    observations,
    universes,
    valid_stacks,
)
from thoth_graphql.domain import (
    AbsentPackage,
    Advisory,
    AffectedRange,
    Release,
    RuntimeEnvironment,
    StackObservation,
    StackOutcome,
    VersionKey,
)
from thoth_graphql.scorer import (
    AdviseRequest,
    AdviseResult,
    Observations,
    RecommendationType,
    Snapshot,
    recommend,
)
from thoth_graphql.scorer.budget import Budget
from thoth_graphql.scorer.engines import (
    ENGINES,
    BranchAndBound,
    CostedSat,
    LatestSat,
    engine_for,
)
from thoth_graphql.scorer.objectives import objective_for


@st.composite
def advisories(draw: st.DrawFn) -> tuple[Advisory, ...]:
    out = []
    for i in range(draw(st.integers(0, 4))):
        name = draw(st.sampled_from(NAMES))
        low, high = sorted(draw(st.lists(st.sampled_from(VERSIONS), min_size=2, max_size=2)))
        severity = draw(st.sampled_from([None, 2.5, 7.5, 9.8]))
        fixed = None if high == low else high
        out.append(Advisory(f"A-{i}", name, (AffectedRange(low, fixed),), severity=severity))
    return tuple(out)


View = tuple[list[Release], tuple[str, ...], tuple[AbsentPackage, ...]]


@st.composite
def views(draw: st.DrawFn) -> View:
    """A universe in which some packages are not on the index: their releases are left out
    and their absence is recorded, so a demand on one is a clash, not a gap."""
    releases, roots = draw(universes())
    gone = draw(st.lists(st.sampled_from(NAMES), max_size=2, unique=True))
    kept = [r for r in releases if r.version.name not in gone]
    absent = tuple(
        AbsentPackage(n, "2025-05-01T00:00:00Z", "https://pypi.org/simple", "d") for n in gone
    )
    return kept, roots, absent


def _request(
    roots: tuple[str, ...],
    kind: str,
    seen: tuple[StackObservation, ...],
    affected: tuple[Advisory, ...],
    count: int = 1,
) -> AdviseRequest:
    return AdviseRequest(
        roots,
        recommendation_type=RecommendationType(kind),
        observations=Observations(stacks=seen, advisories=affected),
        count=count,
    )


def _answer(result: AdviseResult) -> tuple[object, ...]:
    """What must not depend on the engine: stacks, scores, justifications, proofs."""
    return (
        [
            (_as_stack(s), round(s.score, 9), [(j.kind, j.message) for j in s.justifications])
            for s in result.stacks
        ],
        result.optimal,
        result.unsatisfiable is not None,
        result.unsatisfiable.packages if result.unsatisfiable else (),
    )


def test_stacks_of_equal_cost_come_in_key_order_on_every_engine() -> None:
    """Found by the property below: the branch and bound search kept a running cost that
    ended at -1e-16 for a stack of cost 0 (steps of ln 2 taken and undone), so {a 3.0}
    came before the stack with a 4.0, whose key is smaller."""
    releases = [
        release("a", "1.0"),
        release("a", "2.0"),
        release("a", "3.0"),
        release("a", "4.0", "b"),
        release("b", "1.0", "c"),
        release("c", "1.0", "a", "b", "d"),
        release("d", "1.0", "a", "b", "f"),
        release("d", "2.0", "a<2.0"),
        release("e", "1.0"),
        release("f", "1.0", "a", "e"),
        release("f", "2.0"),
    ]
    failed = (VersionKey("a", "1.0"), VersionKey("e", "1.0"), VersionKey("f", "1.0"))
    seen = (
        StackObservation(failed, RuntimeEnvironment(), StackOutcome.RUNTIME_FAILURE, PROVENANCE),
        StackObservation(
            (VersionKey("a", "1.0"),), RuntimeEnvironment(), StackOutcome.SUCCESS, PROVENANCE
        ),
    )
    request = _request(("a",), "STABLE", seen, (), count=2)
    for engine in (CostedSat(), BranchAndBound()):
        result = recommend(Snapshot.from_releases(releases), request, solver=engine)
        stacks = [_as_stack(s) for s in result.stacks]
        assert stacks == [
            {"a": "4.0", "b": "1.0", "c": "1.0", "d": "1.0", "f": "2.0"},
            {"a": "3.0"},
        ], engine.name
        assert [s.score for s in result.stacks] == [0.0, 0.0], engine.name


KINDS = st.sampled_from(["LATEST", "STABLE", "TESTING", "SECURITY"])


@SETTINGS
@given(views(), observations(), advisories(), KINDS, st.integers(1, 3))
def test_every_engine_that_applies_gives_the_same_answer(
    view: View,
    seen: tuple[StackObservation, ...],
    affected: tuple[Advisory, ...],
    kind: str,
    count: int,
) -> None:
    releases, roots, absent = view
    snapshot = Snapshot.from_releases(releases, absent)
    request = _request(roots, kind, seen, affected, count)
    objective = objective_for(snapshot.view(request.environment), request)
    engines = [e for e in ENGINES if e.applies(objective, count)]
    assert len(engines) >= 2  # the costed SAT engine and the branch and bound search
    # A fresh snapshot each: the SAT encoding of a view keeps what it learned, and two
    # minimal unsat cores can both be right.
    answers = [
        _answer(recommend(Snapshot.from_releases(releases, absent), request, solver=engine))
        for engine in engines
    ]
    assert all(answer == answers[0] for answer in answers), [e.name for e in engines]
    assert answers[0][1]  # proven: a package not on the index is no gap


@SETTINGS
@given(views(), observations(), advisories(), st.sampled_from(["STABLE", "SECURITY"]))
def test_the_costed_sat_engine_reaches_the_brute_force_optimum(
    view: View,
    seen: tuple[StackObservation, ...],
    affected: tuple[Advisory, ...],
    kind: str,
) -> None:
    releases, roots, absent = view
    snapshot = Snapshot.from_releases(releases, absent)
    request = _request(roots, kind, seen, affected)
    result = recommend(snapshot, request, solver=CostedSat())
    stacks = list(valid_stacks(releases, roots))
    assert result.optimal
    if not stacks:
        assert result.stacks == () and result.unsatisfiable is not None
        return
    objective = objective_for(snapshot.view(request.environment), request)

    def cost(stack: Stack) -> float:
        chosen = {}
        for name, version in stack.items():
            package = snapshot.packages[name]
            v = package.position(version)
            assert v is not None
            chosen[package.id] = v
        return objective.cost_of(chosen)

    best = min(stacks, key=lambda s: (round(cost(s), 9), latest_key(releases, roots, s)))
    [found] = result.stacks
    assert _as_stack(found) == best
    assert abs(found.score + cost(best)) < 1e-9


def test_engines_are_picked_by_objective_and_count() -> None:
    snapshot = Snapshot.from_releases([release("a", "1.0")])
    view = snapshot.view(AdviseRequest(("a",)).environment)
    latest = objective_for(view, AdviseRequest(("a",)))
    costed = objective_for(
        view,
        AdviseRequest(
            ("a",),
            recommendation_type=RecommendationType.SECURITY,
            observations=Observations(
                advisories=(Advisory("A", "a", (AffectedRange("0", None),)),)
            ),
        ),
    )
    assert isinstance(engine_for(latest, 1), LatestSat)
    assert isinstance(engine_for(costed, 1), CostedSat)
    assert isinstance(engine_for(latest, 3), CostedSat)
    assert isinstance(engine_for(costed, 3), CostedSat)
    assert BranchAndBound().applies(costed, 3) and not LatestSat().applies(latest, 3)


@pytest.mark.parametrize("engine", ENGINES, ids=lambda e: e.name)
def test_a_spent_budget_answers_unproven_on_every_engine(engine: object) -> None:
    snapshot = Snapshot.from_releases(
        [release("app", "2.0", "lib>=2"), release("app", "1.0", "lib"), release("lib", "2.0")]
    )
    budget = Budget.of_ms(10_000)
    budget.cancel()
    request = _request(("app",), "LATEST", (), ())
    result = recommend(snapshot, request, budget=budget, solver=engine)  # type: ignore[arg-type]
    assert not result.optimal and result.stacks == () and result.unsatisfiable is None


def _stable_with_failed(version: str) -> tuple[Snapshot, AdviseRequest]:
    snapshot = Snapshot.from_releases(
        [release("app", "2.0", "ghost>=1"), release("app", "1.0", "lib"), release("lib", "1.0")]
    )
    failed = StackObservation(
        (VersionKey("app", version),),
        RuntimeEnvironment(),
        StackOutcome.RUNTIME_FAILURE,
        PROVENANCE,
    )
    return snapshot, _request(("app",), "STABLE", (failed,), ())


def test_the_costed_sat_engine_says_when_an_unknown_package_could_make_it_cheaper() -> None:
    # app 2.0 needs ghost, which the graph does not know; app 1.0 failed once.
    snapshot, request = _stable_with_failed("1.0")
    result = recommend(snapshot, request, solver=CostedSat())
    assert _as_stack(result.stacks[0]) == {"app": "1.0", "lib": "1.0"}
    assert not result.optimal and not result.complete
    assert [(g.package, g.required_by) for g in result.gaps] == [("ghost", "app==2.0")]


def test_the_costed_sat_engine_is_final_when_unknown_packages_cannot_help() -> None:
    # The release that needs ghost failed: knowing ghost would not make it cheaper.
    snapshot, request = _stable_with_failed("2.0")
    result = recommend(snapshot, request, solver=CostedSat())
    assert _as_stack(result.stacks[0]) == {"app": "1.0", "lib": "1.0"}
    assert result.optimal and result.complete and result.gaps == ()


class _Looks(Budget):
    """A budget that runs out after a number of looks at it (no clock involved)."""

    __slots__ = ("left",)

    def __init__(self, looks: int) -> None:
        super().__init__(float("inf"))
        self.left = looks

    def expired(self) -> bool:
        self.left -= 1
        return self.left < 0 or super().expired()


def test_a_costed_answer_cut_short_keeps_the_cheapest_stack_seen_unproven() -> None:
    # lib 3.0 failed: the optimum avoids it, and app 2.0 with it. So every stack of the
    # least cost has app 1.0, and the descent after it asks at least once whether app
    # 2.0 fits: a budget can run out there, after the optimum is known.
    snapshot = Snapshot.from_releases(
        [
            release("app", "2.0", "lib==3.0", "extra"),
            release("app", "1.0", "lib"),
            release("lib", "3.0"),
            release("lib", "2.0"),
            release("lib", "1.0"),
            release("extra", "1.0"),
        ]
    )
    failed = StackObservation(
        (VersionKey("lib", "3.0"),), RuntimeEnvironment(), StackOutcome.RUNTIME_FAILURE, PROVENANCE
    )
    request = _request(("app",), "STABLE", (failed,), ())
    best = recommend(snapshot, request, solver=CostedSat())
    assert best.optimal and _as_stack(best.stacks[0])["lib"] == "2.0"
    cut_short = []
    for looks in range(40):
        result = recommend(snapshot, request, budget=_Looks(looks), solver=CostedSat())
        if result.optimal:
            assert _answer(result) == _answer(best)
            continue
        assert result.unsatisfiable is None
        if result.stacks:
            [stack] = result.stacks
            assert stack.score == 0.0 and _as_stack(stack)["lib"] != "3.0"
            cut_short.append(looks)
    assert cut_short  # some budget ran out after the optimum and before the proof

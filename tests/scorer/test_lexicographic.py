"""The LATEST descent: after it meets a pre-release that the rule rules out, the next descent
keeps the decisions before it that still fit, and drops those that no longer do; and a
model's bystanders (releases and extras nothing in the stack requires) cannot justify a
pre-release."""

from __future__ import annotations

import pytest

from bench.universe import release, stack_problems
from tests.scorer.test_encoding import PRE_THROUGH_UNREACHED
from thoth_graphql.domain import Release, RuntimeEnvironment
from thoth_graphql.scorer import (
    AdviseRequest,
    RecommendationType,
    Snapshot,
    encoding,
    lexicographic,
    recommend,
)
from thoth_graphql.scorer.engines import BranchAndBound
from thoth_graphql.scorer.lexicographic import Lexicographic

HERE = RuntimeEnvironment(python_version="3.12", platform="linux_x86_64")

# p's final release clashes with the root z==2, so p can only have a pre-release, which
# only a stack that names it may have: q's oldest release pins p's older one. The descent
# (roots in name order: a, p, q, z) takes p's newest pre-release, learns the pre-release
# rule for p's pre-releases there, and finds that it no longer fits: it stops and starts
# again from the decisions before p that still fit.
PRE_RULE = [
    release("p", "1.0", "z==1"),
    release("p", "2.0rc1"),
    release("p", "2.0rc2"),
    release("q", "1.0", "p==2.0rc1"),
    release("q", "2.0"),
    release("q", "3.0"),
    release("z", "1.0"),
    release("z", "2.0"),
]
# a's newest release fits whatever q is: the next descent keeps it.
KEPT = [*PRE_RULE, release("a", "1.0"), release("a", "2.0")]
# a's newest release needs q>=3, which the rule (learned for both of p's pre-releases at
# the first stop) rules out: a==2.0 no longer fits, and the next descent must not keep it.
DROPPED = [*PRE_RULE, release("a", "1.0"), release("a", "2.0", "q>=3")]


def versions(releases: list[Release], kind: RecommendationType) -> dict[str, str]:
    snapshot = Snapshot.from_releases(releases)
    roots = ("a", "p", "q", "z==2")
    request = AdviseRequest(roots, environment=HERE, recommendation_type=kind)
    result = recommend(snapshot, request)
    assert result.optimal
    [stack] = result.stacks
    assert stack_problems(snapshot, roots, stack, HERE) == []
    reference = recommend(snapshot, request, solver=BranchAndBound())
    found = {p.name: p.version for p in stack.packages}
    assert found == {p.name: p.version for p in reference.stacks[0].packages}
    return found


@pytest.mark.parametrize("kind", [RecommendationType.LATEST, RecommendationType.STABLE])
def test_a_descent_after_a_broken_rule_keeps_the_decisions_that_still_fit(
    kind: RecommendationType, monkeypatch: pytest.MonkeyPatch
) -> None:
    kept: list[list[tuple[int, int]] | None] = []
    still_fitting = Lexicographic._still_fitting

    def spy(self: Lexicographic, *args: object) -> list[tuple[int, int]] | None:
        found = still_fitting(self, *args)  # type: ignore[arg-type]
        kept.append(found)
        return found

    monkeypatch.setattr(lexicographic.Lexicographic, "_still_fitting", spy)
    assert versions(KEPT, kind) == {"a": "2.0", "p": "2.0rc1", "q": "1.0", "z": "2.0"}
    assert [len(k or ()) for k in kept] == [1]
    kept.clear()
    assert versions(DROPPED, kind) == {"a": "1.0", "p": "2.0rc1", "q": "1.0", "z": "2.0"}
    assert [len(k or ()) for k in kept] == [0]


# p's pre-release is named only by r, which only q's older release requires; a model may
# keep r for nothing (a bystander) with q's newest release, which the stack then takes.
THROUGH_A_PACKAGE = PRE_THROUGH_UNREACHED
# The same through a cycle: r and t require each other, and a model may keep both for
# nothing, each the other's support.
THROUGH_A_CYCLE = [
    *(r for r in THROUGH_A_PACKAGE if r.version.name != "r"),
    release("r", "1.0", "t", "p>=2.0rc1"),
    release("t", "1.0", "r"),
]
# The same through an extra: only q's extra x names p's pre-release, and only s's older
# release requests it; a model may switch the extra on for nothing.
THROUGH_AN_EXTRA = [
    release("p", "1.0", "z==1"),
    release("p", "2.0rc1"),
    release("q", "1.0", 'p>=2.0rc1; extra == "x"'),
    release("s", "1.0", "q[x]"),
    release("s", "2.0"),
    release("z", "1.0"),
    release("z", "2.0"),
]


@pytest.mark.parametrize("kind", list(RecommendationType))
@pytest.mark.parametrize("window", [1, 2, 100])
@pytest.mark.parametrize(
    ("releases", "roots", "expected"),
    [
        (THROUGH_A_PACKAGE, ("p", "q", "z==2"), {"p": "2.0rc1", "q": "1.0", "r": "1.0"}),
        (THROUGH_AN_EXTRA, ("p", "q", "s", "z==2"), {"p": "2.0rc1", "q": "1.0", "s": "1.0"}),
        (
            THROUGH_A_CYCLE,
            ("p", "q", "z==2"),
            {"p": "2.0rc1", "q": "1.0", "r": "1.0", "t": "1.0"},
        ),
    ],
    ids=["package", "extra", "cycle"],
)
def test_a_bystander_does_not_justify_a_pre_release(
    releases: list[Release],
    roots: tuple[str, ...],
    expected: dict[str, str],
    kind: RecommendationType,
    window: int,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Before the support of bystanders was learned (and loop formulas for the cycle),
    # each of these gave up (out of restarts: no stack, not optimal) once q's or s's
    # older release was encoded.
    monkeypatch.setattr(encoding, "WINDOW", window)
    snapshot = Snapshot.from_releases(releases)
    request = AdviseRequest(roots, environment=HERE, recommendation_type=kind)
    result = recommend(snapshot, request)
    assert result.optimal
    [stack] = result.stacks
    assert {p.name: p.version for p in stack.packages} == {**expected, "z": "2.0"}
    assert stack_problems(snapshot, roots, stack, HERE) == []
    reference = recommend(snapshot, request, solver=BranchAndBound())
    assert [(p.name, p.version) for p in reference.stacks[0].packages] == [
        (p.name, p.version) for p in stack.packages
    ]


@pytest.mark.parametrize("window", [1, 2, 100])
def test_an_extra_nothing_requests_leaves_no_stack(
    window: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Without s, nothing requests q's extra: p's pre-release is never allowed, and p's
    # final release clashes with z==2.
    monkeypatch.setattr(encoding, "WINDOW", window)
    snapshot = Snapshot.from_releases(THROUGH_AN_EXTRA)
    request = AdviseRequest(("p", "q", "z==2"), environment=HERE)
    result = recommend(snapshot, request)
    assert result.optimal and not result.stacks
    assert result.unsatisfiable is not None
    reference = recommend(snapshot, request, solver=BranchAndBound())
    assert reference.unsatisfiable is not None

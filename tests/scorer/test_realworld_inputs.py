"""What real requirement sets bring: self-referential extras, markers packaging cannot
evaluate, thousands of requirements, deep backtracking, hard instances under a budget."""

from __future__ import annotations

import threading
import time

from bench.universe import release, stack_problems
from thoth_graphql.domain import Release, RuntimeEnvironment
from thoth_graphql.scorer import (
    AdviseRequest,
    AdviseResult,
    RecommendationType,
    Snapshot,
    recommend,
)
from thoth_graphql.scorer.budget import Budget
from thoth_graphql.scorer.explanation import explain
from thoth_graphql.scorer.objectives import objective_for
from thoth_graphql.scorer.recommend import encoding_of
from thoth_graphql.scorer.requirements import read_demands

HERE = RuntimeEnvironment(python_version="3.12", platform="linux_x86_64")


def versions(result: AdviseResult) -> dict[str, str]:
    [stack] = result.stacks
    return {p.name: p.version for p in stack.packages}


def ask(snapshot: Snapshot, *requirements: str, **fields: object) -> AdviseResult:
    return recommend(snapshot, AdviseRequest(requirements, environment=HERE, **fields))  # type: ignore[arg-type]


# -- self-referential extras (apache-airflow[all]) ---------------------------------------

SELF_EXTRAS = [
    release(
        "a",
        "1.0",
        "a[b]; extra == 'all'",
        "a[c]; extra == 'all'",
        "bee>=2; extra == 'b'",
        "sea; extra == 'c'",
    ),
    release("bee", "1.0"),
    release("bee", "2.0"),
    release("sea", "1.0"),
]


def test_an_extra_that_requests_extras_of_its_own_package_pulls_them_all() -> None:
    snapshot = Snapshot.from_releases(SELF_EXTRAS)
    # LATEST through the SAT engine, count=2 through the branch and bound search: both
    # once crashed or could; both must give the same stack.
    for fields in ({}, {"count": 2}, {"recommendation_type": RecommendationType.TESTING}):
        result = ask(snapshot, "a[all]", **fields)
        assert result.optimal, fields
        stack = result.stacks[0]
        assert {p.name: p.version for p in stack.packages} == {
            "a": "1.0",
            "bee": "2.0",
            "sea": "1.0",
        }
        assert stack_problems(snapshot, ("a[all]",), stack, HERE) == []


# -- markers packaging refuses ----------------------------------------------------------


def test_a_marker_that_cannot_be_evaluated_leaves_its_dependency_out_with_a_note() -> None:
    snapshot = Snapshot.from_releases(
        [
            release("jupyter", "1.0", "notebook", "pypy-only; implementation_name === 'pypy'"),
            release("notebook", "7.0"),
        ]
    )
    result = ask(snapshot, "jupyter")
    assert versions(result) == {"jupyter": "1.0", "notebook": "7.0"}
    assert result.optimal
    [note] = result.notes
    assert "implementation_name === 'pypy'" in note or 'implementation_name === "pypy"' in note
    assert "left out" in note


# -- many requirements ------------------------------------------------------------------


def test_two_thousand_requirements_are_answered_and_valid() -> None:
    releases: list[Release] = []
    requirements = []
    for i in range(2000):
        name = f"pkg{i}"
        releases += [release(name, "1.0"), release(name, "2.0", f"pkg{(i + 1) % 2000}>=1")]
        requirements.append(f"{name}>=1; python_version >= '3'")
    snapshot = Snapshot.from_releases(releases)
    result = ask(snapshot, *requirements, time_limit_ms=60_000)
    assert result.optimal
    assert set(versions(result).values()) == {"2.0"} and len(versions(result)) == 2000
    assert stack_problems(snapshot, requirements, result.stacks[0], HERE) == []


# -- deep backtracking (boto3 against an old urllib3) -----------------------------------


def boto_like(releases_of_boto: int = 400) -> Snapshot:
    """boto3's shape: each release pins a narrow botocore range, and every botocore newer
    than the first few needs a urllib3 that the request rules out."""
    releases = [release("urllib3", f"1.{n}") for n in range(20, 27)]
    for n in range(releases_of_boto * 2):
        floor = "1.20" if n < 6 else "1.25"
        releases.append(release("botocore", f"1.{n}.0", f"urllib3>={floor}"))
    for n in range(releases_of_boto):
        releases.append(release("boto3", f"1.{n}.0", f"botocore>=1.{2 * n}.0,<1.{2 * n + 2}.0"))
    return Snapshot.from_releases(releases)


def test_deep_backtracking_is_proven_with_few_questions() -> None:
    snapshot = boto_like()
    result = ask(snapshot, "urllib3<1.25", "boto3")
    assert versions(result) == {"boto3": "1.2.0", "botocore": "1.5.0", "urllib3": "1.24"}
    assert result.optimal
    # A binary search per package over its candidates, not one try per release.
    assert result.explored < 40
    [boto3, *_] = result.stacks[0].justifications
    assert boto3.kind.name == "INCOMPATIBLE_NEWER"


# -- budgets ----------------------------------------------------------------------------


def pigeonholes(holes: int) -> Snapshot:
    """holes + 1 pigeons, each in one of `holes` holes, no two sharing: unsatisfiable, and
    exponentially hard for resolution (so for any CDCL solver) as holes grow."""
    releases = []
    for j in range(holes + 1):
        for h in range(holes):
            releases.append(release(f"pigeon{j}", f"{h + 1}.0", f"hole{h}=={j + 1}.0"))
        releases += [release(f"hole{h}", f"{j + 1}.0") for h in range(holes)]
    return Snapshot.from_releases(releases)


def test_a_hard_search_stops_when_its_request_goes_away() -> None:
    # 16 pigeons in 15 holes: a refutation by resolution (what a CDCL solver finds) is
    # exponentially long; 12 in 11 take about a second, 16 in 15 more than 20 s here.
    snapshot = pigeonholes(15)
    roots = tuple(f"pigeon{j}" for j in range(16))
    budget = Budget.of_ms(600_000)
    answers: list[AdviseResult] = []
    request = AdviseRequest(roots, environment=HERE, count=2)
    worker = threading.Thread(target=lambda: answers.append(recommend(snapshot, request, budget)))
    worker.start()
    time.sleep(0.5)
    assert worker.is_alive()  # it really is hard
    budget.cancel()
    worker.join(timeout=5)
    assert not worker.is_alive()
    [answer] = answers
    assert answer.stacks == () and answer.unsatisfiable is None and not answer.optimal


def test_an_explanation_out_of_budget_still_answers_without_searching() -> None:
    snapshot = Snapshot.from_releases(
        [
            release("app", "1.0", "lib<2"),
            release("tool", "1.0", "lib>=2"),
            release("lib", "1.0"),
            release("lib", "2.0"),
        ]
    )
    view = snapshot.view(HERE)
    request = AdviseRequest(("app", "tool"), environment=HERE)
    demands = read_demands(view, request.requirements, ())
    asked: list[object] = []

    def admits(*args: object) -> bool:
        asked.append(args)
        return True

    spent = Budget.of_ms(0)
    unsatisfiable = explain(
        view, demands, demands.roots, objective_for(view, request), admits, spent
    )
    assert asked == []
    assert unsatisfiable.message.startswith("no stack satisfies every requirement")
    assert unsatisfiable.conflicts  # the roots, at least
    # With time, the same request is explained down to the clash on lib.
    full = ask(snapshot, "app", "tool")
    assert full.unsatisfiable is not None and "lib" in full.unsatisfiable.packages
    assert encoding_of(view) is encoding_of(view)


def test_a_repeated_unsatisfiable_question_is_explained_once() -> None:
    snapshot = Snapshot.from_releases(
        [
            release("app", "1.0", "lib<2"),
            release("tool", "1.0", "lib>=2"),
            release("lib", "1.0"),
            release("lib", "2.0"),
        ]
    )
    first = ask(snapshot, "app", "tool")
    # A constraint on a package nothing requires changes nothing: the same explanation.
    again = ask(snapshot, "app", "tool", constraints=("unrelated<1",))
    assert first.unsatisfiable is not None
    assert again.unsatisfiable is first.unsatisfiable


def test_encoding_a_large_closure_stops_at_the_time_limit_and_goes_on_next_time() -> None:
    releases = [
        release(f"pkg{i}", f"{v}.0", f"pkg{i + 1}>={v}") for i in range(3000) for v in (1, 2)
    ]
    releases += [release("pkg3000", "1.0"), release("pkg3000", "2.0")]
    snapshot = Snapshot.from_releases(releases)
    cut = ask(snapshot, "pkg0", time_limit_ms=1)
    assert cut.stacks == () and not cut.proven and not cut.optimal
    # The next request finds the encoding half built, finishes it and answers right.
    full = ask(snapshot, "pkg0", time_limit_ms=120_000)
    assert full.optimal and set(versions(full).values()) == {"2.0"}
    assert stack_problems(snapshot, ("pkg0",), full.stacks[0], HERE) == []


def test_a_costed_search_out_of_time_while_encoding_answers_unproven() -> None:
    releases = [
        release(f"pkg{i}", f"{v}.0", f"pkg{i + 1}>={v}") for i in range(3000) for v in (1, 2)
    ]
    snapshot = Snapshot.from_releases([*releases, release("pkg3000", "1.0")])
    # TESTING with count=2 takes the branch and bound search and its SAT oracle.
    cut = ask(snapshot, "pkg0", time_limit_ms=1, count=2)
    assert cut.stacks == () and not cut.proven and not cut.optimal

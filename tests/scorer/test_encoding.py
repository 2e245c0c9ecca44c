"""The SAT encoding encodes the newest releases of each package first and the older ones
when a proof needs them: the answers are those of encoding everything at once."""

from __future__ import annotations

from typing import Any

import pytest

from bench.universe import release, stack_problems
from thoth_graphql.domain import Release, RuntimeEnvironment
from thoth_graphql.scorer import AdviseRequest, AdviseResult, Snapshot, encoding, recommend
from thoth_graphql.scorer.decisions import Solution
from thoth_graphql.scorer.engines import encoding_of
from thoth_graphql.scorer.lexicographic import Lexicographic

HERE = RuntimeEnvironment(python_version="3.12", platform="linux_x86_64")


def answer(releases: list[Release], *requirements: str) -> tuple[AdviseResult, Snapshot]:
    snapshot = Snapshot.from_releases(releases)
    return recommend(snapshot, AdviseRequest(requirements, environment=HERE)), snapshot


def versions(result: AdviseResult) -> dict[str, str]:
    [stack] = result.stacks
    return {p.name: p.version for p in stack.packages}


# p's final release clashes with z==2, so only its pre-release fits, and only a stack in
# which something names that pre-release may have it: q's older release does. The
# pre-release rule is learned before q's older releases are encoded.
PRE_THROUGH_OLD = [
    release("p", "1.0", "z==1"),
    release("p", "2.0rc1"),
    release("q", "1.0", "p>=2.0rc1"),
    release("q", "2.0"),
    release("q", "3.0"),
    release("z", "1.0"),
    release("z", "2.0"),
]

# The same through a package that nothing encoded reaches yet: r, which only q's older
# release depends on, names p's pre-release. With a window of 1, r has no variables when
# the rule is learned, so what may justify p's pre-release is q's 'older' variable;
# without it (as for a pre-release that no package without variables names) no stack has
# p. With q's releases all encoded, the rule names r's release, which a model may keep
# as a bystander: its support is learned then (test_lexicographic.py).
PRE_THROUGH_UNREACHED = [
    release("p", "1.0", "z==1"),
    release("p", "2.0rc1"),
    release("q", "1.0", "r"),
    release("q", "2.0"),
    release("r", "1.0", "p>=2.0rc1"),
    release("z", "1.0"),
    release("z", "2.0"),
]

# p's pre-release again, named by s's oldest release only (r names it too, but r clashes
# with z==2). When the rule is learned, s's oldest release and q's older ones are not
# encoded (window 1 or 2), and r has no variables: the rule names the 'older' variables,
# the solver's refutation expands s and q, and q's 'older' variable is then free: a stack
# with s 3.0, without q, could satisfy the rule with it for nothing.
FREE_OLDER = [
    release("p", "1.0", "z==1"),
    release("p", "2.0rc1"),
    release("s", "1.0", "p>=2.0rc1"),
    release("s", "2.0", "q"),
    release("s", "3.0"),
    release("q", "1.0", "r"),
    release("q", "2.0"),
    release("q", "3.0"),
    release("r", "1.0", "p>=2.0rc1", "z==1"),
    release("z", "1.0"),
    release("z", "2.0"),
]

# The newest releases of a need b<2, which only the oldest release of b fits; the oldest
# release of c is yanked, and only d's old release pins it (a pin encoded before the
# yanked release's package once went unrecorded: no stack).
DEEP = [
    *(release("a", f"{i}.0", "b<2") for i in range(1, 5)),
    *(release("b", f"{i}.0", f"c>={i}") for i in range(1, 12)),
    release("c", "1.0", yanked=True),
    *(release("c", f"{i}.0") for i in range(2, 12)),
    release("d", "1.0", "c==1.0"),
    release("d", "2.0", "c>=5"),
]


@pytest.mark.parametrize("window", [1, 2, 100])
def test_older_releases_encoded_on_demand_give_the_eager_answers(
    window: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(encoding, "WINDOW", window)
    result, snapshot = answer(PRE_THROUGH_OLD, "p", "q", "z==2")
    assert result.optimal
    assert versions(result) == {"p": "2.0rc1", "q": "1.0", "z": "2.0"}
    assert stack_problems(snapshot, ("p", "q", "z==2"), result.stacks[0], HERE) == []

    result, _ = answer(DEEP, "a", "c==1.0")
    assert result.optimal
    assert versions(result) == {"a": "4.0", "b": "1.0", "c": "1.0"}

    result, _ = answer(DEEP, "a", "d<2")
    assert result.optimal
    assert versions(result) == {"a": "4.0", "b": "1.0", "c": "1.0", "d": "1.0"}

    result, _ = answer(DEEP, "a", "c>=2")
    assert result.optimal
    assert versions(result) == {"a": "4.0", "b": "1.0", "c": "11.0"}

    result, _ = answer(DEEP, "a", "c<1")
    assert result.unsatisfiable is not None and result.optimal


@pytest.mark.parametrize("window", [1, 2, 100])
def test_a_pre_release_named_only_behind_an_older_release_is_found(
    window: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(encoding, "WINDOW", window)
    result, snapshot = answer(PRE_THROUGH_UNREACHED, "p", "q", "z==2")
    assert result.optimal
    assert versions(result) == {"p": "2.0rc1", "q": "1.0", "r": "1.0", "z": "2.0"}
    assert stack_problems(snapshot, ("p", "q", "z==2"), result.stacks[0], HERE) == []


@pytest.mark.parametrize("window", [1, 2, 100])
def test_a_rule_naming_an_expanded_package_is_learned_again_before_the_descent_goes_on(
    window: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Learned again with the expanded releases themselves, the rule keeps p's pre-release
    # only with s 1.0, which the descent then takes: one descent, where a stack with s 3.0
    # used to break the rule at the final check and start the descent again.
    monkeypatch.setattr(encoding, "WINDOW", window)
    descents = 0
    descend = Lexicographic._descend

    def counted(self: Lexicographic, *args: Any, **kwargs: Any) -> Solution:
        nonlocal descents
        descents += 1
        return descend(self, *args, **kwargs)

    monkeypatch.setattr(Lexicographic, "_descend", counted)
    result, snapshot = answer(FREE_OLDER, "p", "s", "z==2")
    assert result.optimal
    assert versions(result) == {"p": "2.0rc1", "s": "1.0", "z": "2.0"}
    assert stack_problems(snapshot, ("p", "s", "z==2"), result.stacks[0], HERE) == []
    assert descents == 1


def test_only_the_newest_window_is_encoded_until_a_proof_needs_more(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(encoding, "WINDOW", 2)
    snapshot = Snapshot.from_releases(DEEP)
    result = recommend(snapshot, AdviseRequest(("c",), environment=HERE))
    assert versions(result) == {"c": "11.0"}
    found = encoding_of(snapshot.view(HERE))
    assert [snapshot.by_id[p].name for p in sorted(found.older_packages())] == ["c"]

"""What a learning solves for an advise answer: the ranges that reach each unknown package."""

from __future__ import annotations

from thoth_graphql.analyses.learning import FINAL_RELEASES, frontier, range_of, solver_specs
from thoth_graphql.domain import RuntimeEnvironment
from thoth_graphql.scorer import AdviseResult, GapReason, KnowledgeGap

HERE = RuntimeEnvironment(python_version="3.12", platform="linux_x86_64")


def gap(package: str, requirement: str, by: str = "app==1.0") -> KnowledgeGap:
    return KnowledgeGap(package, GapReason.UNKNOWN_PACKAGE, requirement, by)


def test_gaps_give_their_ranges_and_unknown_roots_their_root_specifiers() -> None:
    result = AdviseResult(
        missing=("lib", "root", "bare"),
        gaps=(gap("lib", "lib<2; python_version >= '3'"), gap("other", "Other[x]>=1")),
    )
    ranges = frontier(result, ["root>=3", "root!=3.1", "bare", "lib>=9"])
    assert ranges == {"lib": {"<2"}, "other": {">=1"}, "root": {">=3", "!=3.1"}, "bare": {""}}


def test_each_range_is_one_analysis_and_every_release_covers_the_rest() -> None:
    ranges = {"lib": {"<2", ">=3", ""}, "one": {">=1"}}
    unbounded = solver_specs(ranges, environment=HERE)
    assert [range_of(s) for s in unbounded] == [("lib", ""), ("one", ">=1")]
    assert all(s.environment == HERE and s.max_versions is None for s in unbounded)
    bounded = solver_specs(ranges, environment=HERE, versions_per_range=2)
    assert [range_of(s) for s in bounded] == [
        ("lib", FINAL_RELEASES),  # so the newest 2 are not all pre-releases
        ("lib", "<2"),
        ("lib", ">=3"),
        ("one", ">=1"),
    ]
    assert {s.max_versions for s in bounded} == {2}

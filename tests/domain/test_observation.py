"""Advisories: which versions an OSV record's ranges and listed versions include."""

from __future__ import annotations

import pytest
from packaging.version import Version

from thoth_graphql.domain import Advisory, AffectedRange

RECORD = Advisory(
    "GHSA-x",
    "lib",
    (
        AffectedRange("1.0", "1.5"),
        AffectedRange("2.0", None, last_affected="2.3"),
        AffectedRange(None, None, last_affected="0.5"),
    ),
    versions=("3.1",),
)


@pytest.mark.parametrize(
    ("version", "affected"),
    [
        ("0.1", True),  # introduced defaults to 0
        ("0.5", True),  # last_affected is inclusive
        ("0.6", False),
        ("1.0", True),
        ("1.5rc1", True),  # plain PEP 440 order: a pre-release of the fix is affected
        ("1.5", False),  # fixed is exclusive
        ("2.3", True),
        ("2.3.post1", False),
        ("2.4", False),
        ("3.1.0", True),  # listed versions compare as versions
        ("3.2", False),
        ("not a version", False),
    ],
)
def test_ranges_and_listed_versions(version: str, affected: bool) -> None:
    assert RECORD.affects(version) is affected


def test_a_range_without_an_upper_bound_affects_everything_after_it() -> None:
    assert Advisory("A", "lib", (AffectedRange("2.0"),)).affects(Version("99"))
    assert not Advisory("A", "lib", (AffectedRange("2.0"),)).affects(Version("1.9"))


def test_an_unreadable_bound_includes_nothing() -> None:
    assert not Advisory("A", "lib", (AffectedRange("x y", "2.0"),)).affects("1.0")

"""The snapshot's version sets: what a specifier admits, found by binary search, is what
packaging admits version by version."""

from __future__ import annotations

import weakref

from hypothesis import given, settings
from hypothesis import strategies as st
from packaging.specifiers import SpecifierSet
from packaging.version import Version

from bench.universe import release
from thoth_graphql.domain import PackageVersion, Release, RuntimeEnvironment
from thoth_graphql.domain.collector import paused
from thoth_graphql.scorer import AdviseRequest, recommend
from thoth_graphql.scorer.snapshot import PackageIndex, Snapshot

releases = st.lists(st.integers(0, 3), min_size=1, max_size=3)
pre = st.sampled_from(["", "a1", "b2", "rc1", "rc10"])
post = st.sampled_from(["", ".post1", ".post2"])
dev = st.sampled_from(["", ".dev0", ".dev3"])
local = st.sampled_from(["", "+local", "+ubuntu.1"])


@st.composite
def versions(draw: st.DrawFn) -> str:
    release = ".".join(map(str, draw(releases)))
    return f"{release}{draw(pre)}{draw(post)}{draw(dev)}{draw(local)}"


@st.composite
def specifiers(draw: st.DrawFn) -> str:
    operator = draw(st.sampled_from(["==", "!=", "~=", "===", ">=", "<"]))
    if operator == "~=":
        release = draw(st.lists(st.integers(0, 3), min_size=2, max_size=3))
        return f"~={'.'.join(map(str, release))}{draw(pre)}{draw(post)}{draw(dev)}"
    if operator in ("==", "!=") and draw(st.booleans()):
        return f"{operator}{'.'.join(map(str, draw(releases)))}.*"
    text = draw(versions())
    return f"{operator}{text.split('+')[0] if operator in ('>=', '<') else text}"


@settings(max_examples=400, deadline=None)
@given(st.lists(versions(), min_size=1, max_size=40), st.lists(specifiers(), max_size=2))
def test_admitted_versions_are_the_ones_packaging_admits(
    found: list[str], clauses: list[str]
) -> None:
    unique = list({str(Version(v)): v for v in found}.values())
    index = PackageIndex(0, "p", [Release(PackageVersion("p", v)) for v in unique])
    specifier = ",".join(clauses)
    spec = SpecifierSet(specifier)
    expected = sum(
        1 << i for i, v in enumerate(index.versions) if spec.contains(v, prereleases=True)
    )
    assert index.matching(specifier).bits == expected


def test_a_pin_admits_its_local_versions_and_a_prefix_its_pre_and_post_releases() -> None:
    texts = ["1.3", "1.4.dev0", "1.4rc1", "1.4", "1.4+local", "1.4.post1", "1.4.1", "1.5a1"]
    index = PackageIndex(0, "p", [Release(PackageVersion("p", v)) for v in texts])

    def admitted(specifier: str) -> list[str]:
        bits = index.matching(specifier).bits
        return [str(v) for i, v in enumerate(index.versions) if (bits >> i) & 1]

    assert admitted("==1.4") == ["1.4+local", "1.4"]
    assert admitted("==1.4.*") == ["1.4.1", "1.4.post1", "1.4+local", "1.4", "1.4rc1", "1.4.dev0"]
    assert admitted("!=1.4.*") == ["1.5a1", "1.3"]
    assert admitted("~=1.4.0") == ["1.4.1", "1.4.post1", "1.4+local", "1.4"]
    assert admitted("==1.2") == []


def test_a_snapshot_dropped_after_a_search_is_freed_without_the_collector() -> None:
    # Its views and their SAT encodings point back at it weakly: no cycle keeps a
    # dropped snapshot (a 100x closure and its solver) alive until a collection.
    snapshot = Snapshot.from_releases(
        [release("app", "2.0", "lib>=1"), release("app", "1.0"), release("lib", "1.0")]
    )
    request = AdviseRequest(("app",), environment=RuntimeEnvironment(python_version="3.12"))
    assert recommend(snapshot, request).stacks
    view = weakref.ref(snapshot.view(request.environment))
    dropped = weakref.ref(snapshot)
    with paused():
        del snapshot
        assert dropped() is None
        assert view() is None

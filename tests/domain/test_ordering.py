from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from thoth_graphql.domain import Dependency, PackageVersion
from thoth_graphql.domain.ordering import newest_first, releases_newest_first

# Texts that parse to equal versions (1.0, 1.0.0, 1.0.0.0) and every kind of segment.
VERSIONS = st.sampled_from(
    ["1.0", "1.0.0", "1.0.0.0", "1.0a1", "1.0rc2", "1.0.post1", "1.0.dev3", "0.9", "1.10", "1.9"]
)
INDEXES = st.sampled_from(["https://pypi.org/simple", "https://mirror.example/simple"])


@given(
    st.dictionaries(
        st.sampled_from(["lib", "app", "tool"]),
        st.lists(st.tuples(VERSIONS, INDEXES), unique=True, max_size=8),
    )
)
def test_a_level_is_in_newest_first_order_per_package(
    level: dict[str, list[tuple[str, str]]],
) -> None:
    deps = (Dependency("six", ">=1"),)
    found = {
        name: [(PackageVersion(name, v, index_url=i), deps) for v, i in pairs]
        for name, pairs in level.items()
    }
    ordered = releases_newest_first(found)
    assert set(ordered) == {name for name, pairs in level.items() if pairs}
    for name, releases in ordered.items():
        expected = newest_first(version for version, _ in found[name])
        assert [r.version for r in releases] == expected
        assert all(r.dependencies is deps for r in releases)

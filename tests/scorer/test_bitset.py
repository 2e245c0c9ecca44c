"""Version sets as int bitsets: members lists every set bit, newest (lowest) first."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from thoth_graphql.scorer.bitset import members, newest


@given(st.integers(min_value=0, max_value=(1 << 1200) - 1))
def test_members_are_the_set_bits_in_order_narrow_or_wide(mask: int) -> None:
    assert members(mask) == [i for i in range(mask.bit_length()) if (mask >> i) & 1]
    if mask:
        assert newest(mask) == members(mask)[0]


def test_a_wide_set_with_its_edges() -> None:
    mask = (1 << 999) | (1 << 64) | (1 << 63) | 1
    assert members(mask) == [0, 63, 64, 999]


@given(st.integers(0, 1100), st.integers(1, 1100))
def test_a_run_of_consecutive_versions(low: int, length: int) -> None:
    mask = ((1 << length) - 1) << low
    assert members(mask) == list(range(low, low + length))
    gap = low + length + 1
    assert members(mask | (1 << gap)) == [*range(low, low + length), gap]

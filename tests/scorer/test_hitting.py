"""The least-cost hitting set equals brute force over every subset of the literals."""

from __future__ import annotations

from itertools import combinations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from thoth_graphql.scorer.budget import OutOfTime
from thoth_graphql.scorer.hitting import EPSILON, minimum_hitting_set

LITERALS = range(1, 8)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.frozensets(st.sampled_from(LITERALS), min_size=1, max_size=4), max_size=6),
    st.lists(st.sampled_from([0.5, 1.0, 1.5, 2.25, 7.5]), min_size=7, max_size=7),
    st.sampled_from([float("inf"), 0.0, 1.0, 3.0]),
)
def test_the_least_cost_hitting_set_is_the_brute_force_optimum(
    cores: list[frozenset[int]], weights: list[float], bound: float
) -> None:
    weight = dict(zip(LITERALS, weights, strict=True))
    best = min(
        (
            sum(weight[lit] for lit in subset)
            for size in range(len(LITERALS) + 1)
            for subset in combinations(LITERALS, size)
            if all(core & set(subset) for core in cores)
        ),
    )
    found = minimum_hitting_set(cores, weight, bound)
    if best > bound + EPSILON:
        assert found is None
        return
    assert found is not None
    hit, cost = found
    assert all(core & hit for core in cores)
    assert abs(cost - best) < 1e-9
    assert abs(sum(weight[lit] for lit in hit) - cost) < 1e-9


def test_an_empty_core_has_no_hitting_set() -> None:
    assert minimum_hitting_set([frozenset()], {}) is None


def test_the_search_stops_when_the_budget_is_spent() -> None:
    cores = [frozenset({i, i + 1, i + 2}) for i in range(0, 60, 2)]
    weight = {lit: 1.0 + lit / 100 for core in cores for lit in core}
    with pytest.raises(OutOfTime):
        minimum_hitting_set(cores, weight, expired=lambda: True)

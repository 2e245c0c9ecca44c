"""The cost of a document: depth, aliases and fields with fragments expanded, each
fragment measured once."""

from __future__ import annotations

import time

import pytest
from graphql import get_introspection_query, parse

from bench.fragment_bomb import bomb
from thoth_graphql.api.cost import MAX_FIELDS, assess


def refusals(document: str) -> list[str]:
    return [error.message for error in assess(parse(document)).refusals]


@pytest.mark.parametrize(
    ("document", "fields"),
    [
        ("{ __typename }", 1),
        ("{ a: package(name: 1) { name } b: package(name: 2) { name } }", 4),
        ("{ ...P ...P } fragment P on Query { package(name: 1) { name } }", 4),
        ("{ ... on Query { package(name: 1) { ...N } } } fragment N on Package { name }", 2),
    ],
)
def test_fields_are_counted_with_fragments_expanded(document: str, fields: int) -> None:
    assert assess(parse(document)) == assess(parse(document))
    assert assess(parse(document)).fields == fields


def nested(depth: int, via_fragments: bool) -> str:
    if not via_fragments:
        return "{ " + "a { " * depth + "b" + " }" * depth + " }"
    fragments = [f"fragment F{i} on T {{ a {{ ...F{i + 1} }} }}" for i in range(depth)]
    return "{ ...F0 } " + " ".join(fragments) + f" fragment F{depth} on T {{ b }}"


@pytest.mark.parametrize("via_fragments", [False, True])
def test_depth_counts_fields_with_selections_through_fragments(via_fragments: bool) -> None:
    assert refusals(nested(10, via_fragments)) == []
    assert refusals(nested(11, via_fragments)) == [
        "'anonymous' exceeds maximum operation depth of 10"
    ]


def test_introspection_does_not_count_for_depth_and_stays_within_the_fields() -> None:
    assessment = assess(parse(get_introspection_query(descriptions=True)))
    assert assessment.refusals == []
    assert 100 < assessment.fields < MAX_FIELDS


def test_aliases_are_counted_through_fragments() -> None:
    aliased = " ".join(f"a{i}: __typename" for i in range(16))
    document = f"query Q {{ ...A ...A }} fragment A on Query {{ {aliased} }}"
    assert refusals(document) == ["Q has more than 30 aliases in total."]


def test_a_cycle_is_refused() -> None:
    document = "{ ...A } fragment A on Query { ...B } fragment B on Query { x ...A }"
    assert refusals(document) == ["The fragment A spreads itself."]


def test_a_fragment_bomb_is_measured_in_linear_time() -> None:
    document = parse(bomb(40, 40))  # 40**40 fields once expanded
    started = time.perf_counter()
    assessment = assess(document)
    assert time.perf_counter() - started < 5  # expanded, it would never end
    assert assessment.fields == MAX_FIELDS + 1
    assert len(assessment.refusals) == 1

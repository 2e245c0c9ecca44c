"""Every GraphQL example in docs/api.md is valid against the schema the code serves."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from graphql import parse, validate

from thoth_graphql.api.schema import schema

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "api.md"
EXAMPLES = re.findall(r"```graphql\n(.*?)```", GUIDE.read_text(encoding="utf-8"), re.S)
PYTHON = re.findall(r'QUERY = """(.*?)"""', GUIDE.read_text(encoding="utf-8"), re.S)


@pytest.mark.parametrize("example", EXAMPLES + PYTHON)
def test_the_example_is_valid(example: str) -> None:
    assert validate(schema._schema, parse(example)) == []


def test_the_guide_has_examples() -> None:
    assert len(EXAMPLES) >= 6

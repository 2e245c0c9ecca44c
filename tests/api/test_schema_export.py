"""The committed SDL in schema/schema.graphql is the schema the code serves."""

from __future__ import annotations

from pathlib import Path

from thoth_graphql.api.schema import sdl

SCHEMA_FILE = Path(__file__).resolve().parents[2] / "schema" / "schema.graphql"


def test_the_committed_sdl_matches_the_code() -> None:
    committed = SCHEMA_FILE.read_text(encoding="utf-8") if SCHEMA_FILE.exists() else ""
    assert committed == sdl(), (
        f"{SCHEMA_FILE} differs from the schema in thoth_graphql/api. If the change is "
        "intended, regenerate it with `.venv/bin/python scripts/export_schema.py` and "
        "commit the result."
    )

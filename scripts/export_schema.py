"""Write the GraphQL schema's SDL to schema/schema.graphql (CI fails when it drifts)."""

from __future__ import annotations

import sys
from pathlib import Path

from thoth_graphql.api.schema import sdl

SCHEMA_FILE = Path(__file__).resolve().parent.parent / "schema" / "schema.graphql"


def main() -> int:
    SCHEMA_FILE.write_text(sdl(), encoding="utf-8")
    print(f"wrote {SCHEMA_FILE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

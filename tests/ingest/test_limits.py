"""The string bounds of ingest: the JSON Schema states the figures that limits.py names."""

from __future__ import annotations

from thoth_graphql.ingest import limits
from thoth_graphql.ingest.solver_document import _schema


def test_the_schema_bounds_strings_as_limits_says() -> None:
    defs = _schema()["$defs"]
    release, dependency = defs["release"]["properties"], defs["dependency"]["properties"]
    assert release["package_name"]["maxLength"] == limits.MAX_NAME
    assert dependency["package_name"]["maxLength"] == limits.MAX_NAME
    assert release["package_version"]["maxLength"] == limits.MAX_VERSION
    assert release["requires_python"]["maxLength"] == limits.MAX_SPECIFIER
    assert dependency["specifier"]["maxLength"] == limits.MAX_SPECIFIER
    assert dependency["marker"]["maxLength"] == limits.MAX_MARKER
    assert release["index_url"]["maxLength"] == limits.MAX_URL
    assert defs["error"]["properties"]["details"]["maxLength"] == limits.MAX_TEXT


def test_sizes_read_as_people_write_them() -> None:
    assert limits.size_text(limits.MAX_INPUT_BYTES) == "128 MiB"
    assert limits.size_text(1536) == "1.5 KiB"
    assert limits.size_text(10) == "10 bytes"

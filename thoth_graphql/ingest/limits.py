"""How much ingest reads: the bytes of one input, the items of one atomic write, and the
length of the strings it stores.

The JSON Schema (schema/solver-document.schema.json) states the string lengths with
`maxLength`, so that one place refuses them with their JSON path; these constants are the
same figures for the code that needs them (the schema test checks they agree).
"""

from __future__ import annotations

MAX_INPUT_BYTES = 128 * 2**20
"""The most bytes one input (a file, a decompressed .json.gz, stdin) may hold. The largest
bundled solver file holds 9.5 MB; parsed, an input takes about ten times its size."""

MAX_NAME = 200
"""A project name (PyPI's longest are under 100 characters)."""
MAX_VERSION = 128
MAX_SPECIFIER = 2_000
"""A specifier or requires-python: long lists of `!=` exclusions exist, in the hundreds."""
MAX_MARKER = 2_000
MAX_URL = 2_000
MAX_TEXT = 65_536
"""Free text kept for people: reasons, error details (the tail of a build's output)."""

MAX_BATCH = 1000
"""The most items (documents, records, observations, packages of a stack) one write that
is a single transaction takes: the GraphQL mutations' bound on a call."""


def size_text(size: int) -> str:
    """A byte count as people read it: `128 MiB`."""
    for unit, scale in (("GiB", 2**30), ("MiB", 2**20), ("KiB", 2**10)):
        if size >= scale:
            return f"{size / scale:g} {unit}"
    return f"{size} bytes"

"""Sandboxed analyses (solver, stack inspection); talks to the object store only."""

ANALYZER_VERSION = "1.0"

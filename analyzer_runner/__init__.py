"""Sandboxed analyses (solver, stack inspection); talks to the object store only."""

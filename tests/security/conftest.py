"""Fixtures for the attacks: the servers of tests/api (uvicorn in this process) and of
tests/http and tests/analyses (`thoth-graphql serve` as a process), on loopback."""

from __future__ import annotations

from tests.api.conftest import server

__all__ = ["server"]

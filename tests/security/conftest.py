"""Fixtures for the attacks: uvicorn in this process (the `server` of tests/api) and
`thoth-graphql serve --demo` as a process (tests/http's `demo_server`), on loopback."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.analyses.conftest import make_token
from tests.api.conftest import server
from tests.http.demo_server import demo_server

__all__ = ["server"]


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, str]]:
    """`serve --demo` running no analyses (its base URL), and a write token for it."""
    data = tmp_path / "data"
    with demo_server("--workers", "0", data_dir=data) as url:
        yield url, make_token(data)

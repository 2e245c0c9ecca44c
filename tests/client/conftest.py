"""Fixtures for the client tests: one real server on loopback for the module."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.workflow_graph import WorkflowServer, workflow_server


@pytest.fixture(scope="session")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WorkflowServer]:
    with workflow_server(tmp_path_factory.mktemp("client-server")) as server:
        yield server

"""Every overlay is built once per session."""

from __future__ import annotations

import pytest

from tests.deploy.manifests import OVERLAYS, Build, build_overlay


@pytest.fixture(scope="session")
def builds() -> dict[str, Build]:
    return {overlay: build_overlay(overlay) for overlay in OVERLAYS}

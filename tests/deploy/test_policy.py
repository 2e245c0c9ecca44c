"""Every overlay has every property of tests/deploy/policy.py."""

from __future__ import annotations

import pytest

from tests.deploy.manifests import OVERLAYS, Build
from tests.deploy.properties import PROPERTIES


def test_the_overlays_are_dev_and_prod_at_least() -> None:
    assert {"dev", "prod"} <= set(OVERLAYS)


@pytest.mark.parametrize("overlay", OVERLAYS)
@pytest.mark.parametrize("check", PROPERTIES)
def test_property(builds: dict[str, Build], overlay: str, check: str) -> None:
    assert PROPERTIES[check](builds[overlay]) == []

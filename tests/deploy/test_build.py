"""Every kustomization builds, and what it builds is valid Kubernetes: each manifest is
checked offline against the Kubernetes JSON schemas (kubernetes-validate, strict: no
field the schema does not know) of a pinned version."""

from __future__ import annotations

import kubernetes_validate
import pytest

from tests.deploy.manifests import KUBERNETES_VERSION, KUSTOMIZE, OVERLAYS, Build, build, name_of


def validate(manifests: list[dict]) -> list[str]:
    errors = []
    for manifest in manifests:
        try:
            kubernetes_validate.validate(manifest, KUBERNETES_VERSION, strict=True)
        except kubernetes_validate.ValidationError as error:
            errors.append(f"{name_of(manifest)}: {error.message} at {list(error.path)}")
    return errors


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_an_overlay_builds_valid_kubernetes(builds: dict[str, Build], overlay: str) -> None:
    manifests = builds[overlay].manifests
    assert manifests
    assert validate(manifests) == []


def test_the_base_builds_valid_kubernetes_and_defines_no_secret() -> None:
    manifests = build(KUSTOMIZE / "base")
    assert validate(manifests) == []
    assert [name_of(m) for m in manifests if m["kind"] == "Secret"] == []


def test_validation_catches_a_field_kubernetes_does_not_know(builds: dict[str, Build]) -> None:
    deployment = next(m for m in builds["prod"].manifests if m["kind"] == "Deployment")
    broken = {**deployment, "spec": {**deployment["spec"], "replica": 3}}
    assert validate([broken]) != []

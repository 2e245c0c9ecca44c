"""The built manifests of a kustomize directory and the pod specs inside them.

Overlays are built with `kubectl kustomize DIR` (Kustomize is built into kubectl), or
with a standalone `kustomize build DIR` where kubectl is missing.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
KUSTOMIZE = ROOT / "kustomize"
OVERLAYS = sorted(
    path.name
    for path in (KUSTOMIZE / "overlays").iterdir()
    if (path / "kustomization.yaml").is_file()
)
KUBERNETES_VERSION = "1.32"
"""The schemas the manifests are validated against (OpenShift 4.19 is Kubernetes 1.32)."""

FRONTEND, MIDDLETIER, BACKEND = "thoth-frontend", "thoth-middletier", "thoth-backend"
Manifest = dict[str, Any]


class KustomizeMissing(RuntimeError):
    pass


def kustomize_command() -> list[str]:
    if shutil.which("kubectl"):
        return ["kubectl", "kustomize"]
    if shutil.which("kustomize"):
        return ["kustomize", "build"]
    raise KustomizeMissing(
        "neither kubectl nor kustomize is on PATH; install one (e.g. `go install "
        "sigs.k8s.io/kustomize/kustomize/v5@v5.5.0`)"
    )


def build(directory: Path) -> list[Manifest]:
    """The manifests a kustomization builds, in kustomize's order."""
    done = subprocess.run(
        [*kustomize_command(), str(directory)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    if done.returncode != 0:
        raise AssertionError(f"kustomize failed on {directory}:\n{done.stderr}")
    return [doc for doc in yaml.safe_load_all(done.stdout) if doc]


@dataclass(frozen=True)
class Build:
    """What an overlay builds."""

    overlay: str
    manifests: list[Manifest]


def build_overlay(overlay: str) -> Build:
    return Build(overlay, build(KUSTOMIZE / "overlays" / overlay))


def name_of(manifest: Manifest) -> str:
    meta = manifest["metadata"]
    return f"{manifest['kind']} {meta.get('namespace', '-')}/{meta['name']}"


def of_kind(manifests: list[Manifest], kind: str, namespace: str | None = None) -> list[Manifest]:
    return [
        m
        for m in manifests
        if m["kind"] == kind and (namespace is None or m["metadata"].get("namespace") == namespace)
    ]


def one(manifests: list[Manifest], kind: str, name: str) -> Manifest:
    [found] = [m for m in manifests if m["kind"] == kind and m["metadata"]["name"] == name]
    return found


@dataclass(frozen=True)
class Pod:
    """A pod spec inside a manifest: of a workload, a CronJob, a Job or a PodTemplate."""

    owner: Manifest
    spec: dict[str, Any]
    labels: dict[str, str]

    @property
    def namespace(self) -> str:
        return str(self.owner["metadata"].get("namespace"))

    @property
    def name(self) -> str:
        return name_of(self.owner)

    def containers(self) -> Iterator[dict[str, Any]]:
        yield from self.spec.get("initContainers", [])
        yield from self.spec.get("containers", [])


def pod_template(manifest: Manifest) -> dict[str, Any] | None:
    """The pod template of a manifest that makes pods, else None."""
    kind = manifest["kind"]
    if kind in ("Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job"):
        return dict(manifest["spec"]["template"])
    if kind == "CronJob":
        return dict(manifest["spec"]["jobTemplate"]["spec"]["template"])
    if kind == "PodTemplate":
        return dict(manifest["template"])
    if kind == "Pod":
        return {"metadata": manifest["metadata"], "spec": manifest["spec"]}
    return None


def pods(manifests: list[Manifest]) -> list[Pod]:
    found = []
    for manifest in manifests:
        template = pod_template(manifest)
        if template is not None:
            labels = (template.get("metadata") or {}).get("labels") or {}
            found.append(Pod(manifest, template["spec"], dict(labels)))
    return found


def container_env(container: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {entry["name"]: entry for entry in container.get("env", [])}


def argument(container: dict[str, Any], option: str) -> str:
    """The value of `--option=value` in a container's args (exactly one such)."""
    prefix = f"{option}="
    [value] = [a[len(prefix) :] for a in container.get("args", []) if a.startswith(prefix)]
    return value


_BINARY = {"Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40}
_DECIMAL = {"m": Decimal("0.001"), "k": Decimal(10**3), "M": Decimal(10**6), "G": Decimal(10**9)}


def quantity(text: str | int | float) -> Decimal:
    """A Kubernetes quantity as a number (cores, bytes): `250m` -> 0.25, `2Gi` -> 2**31."""
    raw = str(text)
    for suffix, factor in _BINARY.items():
        if raw.endswith(suffix):
            return Decimal(raw[: -len(suffix)]) * factor
    for suffix, factor in _DECIMAL.items():
        if raw.endswith(suffix):
            return Decimal(raw[: -len(suffix)]) * factor
    return Decimal(raw)

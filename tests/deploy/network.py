"""NetworkPolicy semantics, enough to ask which pods a policy governs and which pods a
rule's peer admits (label selectors with matchLabels and matchExpressions)."""

from __future__ import annotations

import ipaddress
from typing import Any

from tests.deploy.manifests import Manifest, Pod, of_kind

PRIVATE_NETWORKS = [
    ipaddress.ip_network(cidr)
    for cidr in (
        "10.0.0.0/8",
        "172.16.0.0/12",
        "192.168.0.0/16",
        "100.64.0.0/10",
        "127.0.0.0/8",
        "169.254.0.0/16",
        "fc00::/7",
        "fe80::/10",
        "::1/128",
    )
]
"""Where cluster networks (pods, services, nodes) live: never open to an ipBlock rule."""


def selects(selector: dict[str, Any] | None, labels: dict[str, str]) -> bool:
    """Whether a label selector matches labels ({} matches everything)."""
    selector = selector or {}
    for key, value in (selector.get("matchLabels") or {}).items():
        if labels.get(key) != value:
            return False
    for expression in selector.get("matchExpressions") or []:
        key, operator = expression["key"], expression["operator"]
        values = expression.get("values") or []
        present = key in labels
        if operator == "In" and not (present and labels[key] in values):
            return False
        if operator == "NotIn" and present and labels[key] in values:
            return False
        if operator == "Exists" and not present:
            return False
        if operator == "DoesNotExist" and present:
            return False
    return True


def namespace_labels(manifests: list[Manifest], namespace: str) -> dict[str, str]:
    """A namespace's labels: as built, plus the one the API server always sets."""
    labels = {"kubernetes.io/metadata.name": namespace}
    for item in of_kind(manifests, "Namespace"):
        if item["metadata"]["name"] == namespace:
            labels.update(item["metadata"].get("labels") or {})
    return labels


def peer_admits(
    peer: dict[str, Any], policy_namespace: str, pod: Pod, manifests: list[Manifest]
) -> bool:
    """Whether a rule's peer (of a policy in `policy_namespace`) is or admits this pod.
    An ipBlock is taken to admit no pod: ipBlock rules are checked to stay off cluster
    networks (PRIVATE_NETWORKS)."""
    if "ipBlock" in peer:
        return False
    if "namespaceSelector" in peer:
        in_namespace = selects(
            peer["namespaceSelector"], namespace_labels(manifests, pod.namespace)
        )
    else:
        in_namespace = pod.namespace == policy_namespace
    return in_namespace and selects(peer.get("podSelector"), pod.labels)


def governing(manifests: list[Manifest], pod: Pod, direction: str) -> list[Manifest]:
    """The policies that select a pod for a direction (`Ingress` or `Egress`)."""
    return [
        policy
        for policy in of_kind(manifests, "NetworkPolicy", pod.namespace)
        if direction in policy["spec"].get("policyTypes", ["Ingress"])
        and selects(policy["spec"].get("podSelector"), pod.labels)
    ]


def rules(policy: Manifest, direction: str) -> list[dict[str, Any]]:
    return list(policy["spec"].get("ingress" if direction == "Ingress" else "egress") or [])


def peers(rule: dict[str, Any], direction: str) -> list[dict[str, Any]]:
    return list(rule.get("from" if direction == "Ingress" else "to") or [])


def is_default_deny(policy: Manifest, directions: set[str]) -> bool:
    """Selects every pod, covers these directions, and allows nothing."""
    spec = policy["spec"]
    return (
        spec.get("podSelector") in ({}, None)
        and directions <= set(spec.get("policyTypes") or [])
        and not spec.get("ingress")
        and not spec.get("egress")
    )


def public_cidr(cidr: str) -> bool:
    """A CIDR outside every cluster network and narrower than the whole internet."""
    network = ipaddress.ip_network(cidr, strict=False)
    if network.prefixlen == 0:
        return False
    return not any(
        network.version == private.version and network.overlaps(private)
        for private in PRIVATE_NETWORKS
    )

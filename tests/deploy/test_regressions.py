"""Each property notices when it is broken: a copy of a build is changed the way a careless
edit would change it, and the property's check must report it."""

from __future__ import annotations

import base64
import copy
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from tests.deploy.manifests import FRONTEND, MIDDLETIER, Build, Manifest
from tests.deploy.properties import PROPERTIES

Manifests = list[Manifest]


def find(manifests: Manifests, kind: str, name: str, namespace: str | None = None) -> Manifest:
    """The one manifest of this kind and name (in this namespace, if given)."""
    [found] = [
        m
        for m in manifests
        if m["kind"] == kind
        and m["metadata"]["name"] == name
        and namespace in (None, m["metadata"].get("namespace"))
    ]
    return found


def pod_spec(manifests: Manifests, kind: str, name: str) -> Any:
    manifest = find(manifests, kind, name)
    if kind == "PodTemplate":
        return manifest["template"]["spec"]
    if kind == "CronJob":
        return manifest["spec"]["jobTemplate"]["spec"]["template"]["spec"]
    return manifest["spec"]["template"]["spec"]


def container(manifests: Manifests, kind: str, name: str) -> Any:
    return pod_spec(manifests, kind, name)["containers"][0]


def env(entry: dict[str, Any], name: str) -> Any:
    [found] = [e for e in entry["env"] if e["name"] == name]
    return found


def rule_to(namespace: str, pod_labels: dict[str, str], port: int) -> dict[str, Any]:
    return {
        "to": [
            {
                "namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": namespace}},
                "podSelector": {"matchLabels": pod_labels},
            }
        ],
        "ports": [{"port": port, "protocol": "TCP"}],
    }


def set_argument(entry: dict[str, Any], option: str, value: str) -> None:
    args = entry["args"]
    [index] = [i for i, a in enumerate(args) if a.startswith(f"{option}=")]
    args[index] = f"{option}={value}"


@dataclass(frozen=True)
class Regression:
    overlay: str
    broken: str
    """The property that must notice."""
    change: Callable[[Manifests], object]


REGRESSIONS: dict[str, Regression] = {
    # pod security
    "the API's root file system writable": Regression(
        "prod",
        "pod security",
        lambda m: container(m, "Deployment", "thoth-api")["securityContext"].update(
            readOnlyRootFilesystem=False
        ),
    ),
    "analyses may run as root": Regression(
        "prod",
        "pod security",
        lambda m: (
            container(m, "PodTemplate", "thoth-analysis")["securityContext"].pop("runAsNonRoot"),
            pod_spec(m, "PodTemplate", "thoth-analysis")["securityContext"].pop("runAsNonRoot"),
        ),
    ),
    "Cassandra gains a capability": Regression(
        "prod",
        "pod security",
        lambda m: container(m, "StatefulSet", "cassandra")["securityContext"][
            "capabilities"
        ].update(add=["NET_ADMIN"]),
    ),
    "Cassandra's init container escalates": Regression(
        "dev",
        "pod security",
        lambda m: pod_spec(m, "StatefulSet", "cassandra")["initContainers"][0][
            "securityContext"
        ].update(allowPrivilegeEscalation=True),
    ),
    "the dispatcher without a memory limit": Regression(
        "prod",
        "pod security",
        lambda m: container(m, "Deployment", "thoth-dispatcher")["resources"]["limits"].pop(
            "memory"
        ),
    ),
    "graph-sync unconfined": Regression(
        "prod",
        "pod security",
        lambda m: container(m, "CronJob", "thoth-graph-sync")["securityContext"].update(
            seccompProfile={"type": "Unconfined"}
        ),
    ),
    "the API mounts a token": Regression(
        "prod",
        "pod security",
        lambda m: pod_spec(m, "Deployment", "thoth-api").update(automountServiceAccountToken=True),
    ),
    "JanusGraph on the host network": Regression(
        "prod",
        "pod security",
        lambda m: pod_spec(m, "StatefulSet", "janusgraph").update(hostNetwork=True),
    ),
    "the middletier admits baseline pods": Regression(
        "prod",
        "restricted namespaces",
        lambda m: find(m, "Namespace", MIDDLETIER)["metadata"]["labels"].update(
            {"pod-security.kubernetes.io/enforce": "baseline"}
        ),
    ),
    # secrets
    "a Secret with data in prod": Regression(
        "prod",
        "secrets referenced, not inlined",
        lambda m: m.append(
            {
                "apiVersion": "v1",
                "kind": "Secret",
                "metadata": {"name": "thoth-objects-credentials", "namespace": FRONTEND},
                "data": {"AWS_SECRET_ACCESS_KEY": base64.b64encode(b"real").decode()},
            }
        ),
    ),
    "a key as a literal environment value": Regression(
        "prod",
        "secrets referenced, not inlined",
        lambda m: container(m, "Deployment", "thoth-api")["env"].append(
            {"name": "AWS_SECRET_ACCESS_KEY", "value": "abc"}
        ),
    ),
    "the dev placeholder in prod": Regression(
        "prod",
        "secrets referenced, not inlined",
        lambda m: find(m, "Deployment", "thoth-api")["metadata"].update(
            annotations={"note": "dev-only-not-a-secret"}
        ),
    ),
    "a dev Secret with more than the placeholders": Regression(
        "dev",
        "secrets referenced, not inlined",
        lambda m: next(s for s in m if s["kind"] == "Secret")["data"].update(
            EXTRA=base64.b64encode(b"x").decode()
        ),
    ),
    # the middletier
    "an analysis told where the graph is": Regression(
        "prod",
        "no graph in the middletier",
        lambda m: container(m, "PodTemplate", "thoth-analysis")["env"].append(
            {"name": "THOTH_GRAPH", "value": "ws://janusgraph.thoth-backend.svc:8182/gremlin"}
        ),
    ),
    "an analysis holding another Secret": Regression(
        "prod",
        "no graph in the middletier",
        lambda m: container(m, "PodTemplate", "thoth-analysis")["env"].append(
            {
                "name": "DB",
                "valueFrom": {"secretKeyRef": {"name": "thoth-db", "key": "url"}},
            }
        ),
    ),
    "no default deny in the middletier": Regression(
        "prod",
        "middletier network",
        lambda m: m.remove(find(m, "NetworkPolicy", "default-deny", MIDDLETIER)),
    ),
    "analyses may reach the whole internet": Regression(
        "prod",
        "middletier network",
        lambda m: find(m, "NetworkPolicy", "analysis-egress")["spec"]["egress"].append(
            {"to": [{"ipBlock": {"cidr": "0.0.0.0/0"}}], "ports": [{"port": 443}]}
        ),
    ),
    "analyses may use any port of the index": Regression(
        "prod",
        "middletier network",
        lambda m: find(m, "NetworkPolicy", "analysis-egress")["spec"]["egress"][1].pop("ports"),
    ),
    "analyses may reach JanusGraph (dev, beside the object store)": Regression(
        "dev",
        "middletier network",
        lambda m: find(m, "NetworkPolicy", "analysis-egress-object-store")["spec"]["egress"].append(
            rule_to("thoth-backend", {"app.kubernetes.io/name": "janusgraph"}, 8182)
        ),
    ),
    "something may reach the analyses": Regression(
        "prod",
        "middletier network",
        lambda m: find(m, "NetworkPolicy", "analysis-egress")["spec"].update(
            ingress=[{"from": [{"podSelector": {}}]}], policyTypes=["Ingress", "Egress"]
        ),
    ),
    "analyses cannot reach the object store": Regression(
        "prod",
        "middletier network",
        lambda m: m.remove(find(m, "NetworkPolicy", "analysis-egress-object-store")),
    ),
    # the backend
    "JanusGraph admits the middletier": Regression(
        "prod",
        "backend network",
        lambda m: find(m, "NetworkPolicy", "janusgraph")["spec"]["ingress"][0]["from"].append(
            {"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": MIDDLETIER}}}
        ),
    ),
    "Cassandra admits any address": Regression(
        "prod",
        "backend network",
        lambda m: find(m, "NetworkPolicy", "cassandra")["spec"]["ingress"].append(
            {"from": [{"ipBlock": {"cidr": "0.0.0.0/0"}}]}
        ),
    ),
    "the frontend cannot reach JanusGraph": Regression(
        "prod",
        "backend network",
        lambda m: find(m, "NetworkPolicy", "janusgraph")["spec"].pop("ingress"),
    ),
    # RBAC
    "the dispatcher may patch Jobs": Regression(
        "prod",
        "dispatcher RBAC",
        lambda m: find(m, "Role", "thoth-dispatcher")["rules"][0]["verbs"].append("patch"),
    ),
    "the dispatcher may read pods": Regression(
        "prod",
        "dispatcher RBAC",
        lambda m: find(m, "Role", "thoth-dispatcher")["rules"].append(
            {"apiGroups": [""], "resources": ["pods"], "verbs": ["get"]}
        ),
    ),
    "a cluster role": Regression(
        "prod",
        "dispatcher RBAC",
        lambda m: m.append(
            {
                "apiVersion": "rbac.authorization.k8s.io/v1",
                "kind": "ClusterRole",
                "metadata": {"name": "thoth"},
                "rules": [],
            }
        ),
    ),
    "the dispatcher's Role bound to the API": Regression(
        "prod",
        "dispatcher RBAC",
        lambda m: find(m, "RoleBinding", "thoth-dispatcher")["subjects"].append(
            {"kind": "ServiceAccount", "name": "thoth-api", "namespace": FRONTEND}
        ),
    ),
    "the analyses granted edit": Regression(
        "prod",
        "dispatcher RBAC",
        lambda m: find(m, "RoleBinding", "thoth-analyzer-scc-nonroot-v2")["roleRef"].update(
            name="edit"
        ),
    ),
    # periodic work
    "graph-sync runs may overlap": Regression(
        "prod",
        "CronJobs",
        lambda m: find(m, "CronJob", "thoth-graph-sync")["spec"].update(concurrencyPolicy="Allow"),
    ),
    "no solver scheduling": Regression(
        "prod", "CronJobs", lambda m: m.remove(find(m, "CronJob", "thoth-schedule-solvers"))
    ),
    # the API
    "no autoscaler": Regression(
        "prod", "API exposure", lambda m: m.remove(find(m, "HorizontalPodAutoscaler", "thoth-api"))
    ),
    "readiness without the graph": Regression(
        "prod",
        "API exposure",
        lambda m: container(m, "Deployment", "thoth-api")["readinessProbe"]["httpGet"].update(
            path="/healthz"
        ),
    ),
    "a budget that blocks drains": Regression(
        "prod",
        "API exposure",
        lambda m: find(m, "PodDisruptionBudget", "thoth-api")["spec"].update(minAvailable=3),
    ),
    "an Ingress onto another Service": Regression(
        "prod",
        "API exposure",
        lambda m: find(m, "Ingress", "thoth-api")["spec"]["rules"][0]["http"]["paths"][0][
            "backend"
        ]["service"].update(name="other"),
    ),
    # the graph database
    "Cassandra without volumes": Regression(
        "prod",
        "graph database",
        lambda m: find(m, "StatefulSet", "cassandra")["spec"].pop("volumeClaimTemplates"),
    ),
    "JanusGraph burstable": Regression(
        "prod",
        "graph database",
        lambda m: container(m, "StatefulSet", "janusgraph")["resources"]["limits"].update(cpu="8"),
    ),
    "an image at latest": Regression(
        "prod",
        "images pinned",
        lambda m: container(m, "StatefulSet", "janusgraph").update(
            image="docker.io/janusgraph/janusgraph:latest"
        ),
    ),
    # resource pools
    "the autoscaler outgrows the quota": Regression(
        "prod",
        "quotas admit workloads",
        lambda m: find(m, "HorizontalPodAutoscaler", "thoth-api")["spec"].update(maxReplicas=40),
    ),
    "more workers than the middletier holds": Regression(
        "prod",
        "quotas admit workloads",
        lambda m: set_argument(container(m, "Deployment", "thoth-dispatcher"), "--workers", "64"),
    ),
    "a LimitRange below the analyses": Regression(
        "prod",
        "quotas admit workloads",
        lambda m: find(m, "LimitRange", "thoth-middletier")["spec"]["limits"][0]["max"].update(
            memory="1Gi"
        ),
    ),
    # the dispatcher and its Jobs
    "the dispatcher launches another image": Regression(
        "prod",
        "dispatcher and Job template wired",
        lambda m: env(container(m, "Deployment", "thoth-dispatcher"), "THOTH_RUNNER_IMAGE").update(
            value="registry.example.org/other:1"
        ),
    ),
    "the template names another object store": Regression(
        "dev",
        "dispatcher and Job template wired",
        lambda m: env(container(m, "PodTemplate", "thoth-analysis"), "THOTH_OBJECTS").update(
            value="s3://elsewhere"
        ),
    ),
    "the template's limits drift from the code's": Regression(
        "prod",
        "Job template is the code's Job",
        lambda m: container(m, "PodTemplate", "thoth-analysis")["resources"]["limits"].update(
            cpu="4"
        ),
    ),
    "the template's Job settings drift from the code's": Regression(
        "prod",
        "Job template is the code's Job",
        lambda m: find(m, "PodTemplate", "thoth-analysis")["metadata"]["annotations"].update(
            {"thoth-graphql.example/job-spec": '{"backoffLimit": 3}'}
        ),
    ),
}


def test_every_property_has_a_regression() -> None:
    assert {r.broken for r in REGRESSIONS.values()} == set(PROPERTIES)


@pytest.mark.parametrize("name", REGRESSIONS)
def test_the_property_notices(builds: dict[str, Build], name: str) -> None:
    regression = REGRESSIONS[name]
    check = PROPERTIES[regression.broken]
    build = builds[regression.overlay]
    assert check(build) == []
    manifests = copy.deepcopy(build.manifests)
    regression.change(manifests)
    assert check(Build(build.overlay, manifests)) != []

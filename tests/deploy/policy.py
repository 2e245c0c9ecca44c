"""The deployment's properties, each a function of a build that lists what violates it
(an empty list: the property holds). tests/deploy/properties.py names them all."""

from __future__ import annotations

import base64
import json
import math
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tests.deploy import network
from tests.deploy.manifests import (
    BACKEND,
    FRONTEND,
    KUSTOMIZE,
    MIDDLETIER,
    Build,
    Manifest,
    Pod,
    argument,
    container_env,
    name_of,
    of_kind,
    one,
    pods,
    quantity,
)

NAMESPACES = (FRONTEND, MIDDLETIER, BACKEND)
GRAPH_DATABASES = ("janusgraph", "cassandra")
"""app.kubernetes.io/name of the graph database's pods."""
DEV_CREDENTIALS = KUSTOMIZE / "overlays" / "dev" / "dev-credentials.env"
DEV_ONLY = "thoth-graphql.example/dev-only"
DISPATCHER_VERBS = {"create", "get", "list", "watch", "delete"}
"""The most the dispatcher may do with Jobs; its Role must stay within this."""
SCC_BINDING = "system:openshift:scc:"
DNS_PORTS = {53, 5353}

Check = Callable[[Build], list[str]]


# -- shared readings --------------------------------------------------------------------


def dispatcher(build: Build) -> dict[str, Any]:
    """The dispatcher's container."""
    deployment = one(build.manifests, "Deployment", "thoth-dispatcher")
    [container] = deployment["spec"]["template"]["spec"]["containers"]
    return dict(container)


def analysis_pod(build: Build) -> Pod:
    """The pod of the Job template (PodTemplate thoth-analysis)."""
    [pod] = [p for p in pods(build.manifests) if p.owner["kind"] == "PodTemplate"]
    return pod


def config(build: Build) -> dict[str, str]:
    [config_map] = [
        m
        for m in of_kind(build.manifests, "ConfigMap", FRONTEND)
        if m["metadata"]["name"].startswith("thoth-config")
    ]
    return dict(config_map["data"])


def graph_pods(build: Build) -> list[Pod]:
    return [
        p
        for p in pods(build.manifests)
        if p.labels.get("app.kubernetes.io/name") in GRAPH_DATABASES
    ]


def secrets_referenced(pod: Pod) -> set[str]:
    names: set[str] = set()
    for container in pod.containers():
        for entry in container.get("env", []):
            reference = (entry.get("valueFrom") or {}).get("secretKeyRef")
            if reference:
                names.add(reference["name"])
        for source in container.get("envFrom", []):
            if "secretRef" in source:
                names.add(source["secretRef"]["name"])
    for volume in pod.spec.get("volumes", []):
        if "secret" in volume:
            names.add(volume["secret"]["secretName"])
        for projected in (volume.get("projected") or {}).get("sources", []):
            if "secret" in projected:
                names.add(projected["secret"]["name"])
    return names


# -- the properties ---------------------------------------------------------------------


def pod_security(build: Build) -> list[str]:
    """Every container: non-root, read-only root file system, no privilege escalation,
    all capabilities dropped, RuntimeDefault seccomp, requests and limits of cpu and
    memory. Every pod: no host namespaces or paths, no service-account token but the
    dispatcher's."""
    return [problem for pod in pods(build.manifests) for problem in pod_problems(pod)]


def pod_problems(pod: Pod, token_allowed: bool | None = None) -> list[str]:
    """What makes one pod less than locked down (also used on the dispatcher's Jobs)."""
    found = []
    spec = pod.spec
    for key in ("hostNetwork", "hostPID", "hostIPC"):
        if spec.get(key):
            found.append(f"{pod.name}: {key}")
    for volume in spec.get("volumes", []):
        if "hostPath" in volume:
            found.append(f"{pod.name}: hostPath volume {volume['name']}")
    if token_allowed is None:
        token_allowed = pod.owner["kind"] == "Deployment" and pod.owner["metadata"]["name"] == (
            "thoth-dispatcher"
        )
    if spec.get("automountServiceAccountToken") is not False and not token_allowed:
        found.append(f"{pod.name}: mounts a service-account token")
    for container in pod.containers():
        where = f"{pod.name} container {container['name']}"
        context = container.get("securityContext") or {}

        def setting(key: str, context: dict[str, Any] = context) -> Any:
            """As the container sees it: its own securityContext, else the pod's."""
            return context.get(key, (spec.get("securityContext") or {}).get(key))

        if setting("runAsNonRoot") is not True:
            found.append(f"{where}: runAsNonRoot is not true")
        if setting("runAsUser") == 0 or setting("runAsGroup") == 0:
            found.append(f"{where}: runs as uid or gid 0")
        if context.get("readOnlyRootFilesystem") is not True:
            found.append(f"{where}: root file system is writable")
        if context.get("allowPrivilegeEscalation") is not False:
            found.append(f"{where}: allowPrivilegeEscalation is not false")
        if context.get("privileged"):
            found.append(f"{where}: privileged")
        capabilities = context.get("capabilities") or {}
        if "ALL" not in (capabilities.get("drop") or []) or capabilities.get("add"):
            found.append(f"{where}: capabilities are not all dropped")
        if (setting("seccompProfile") or {}).get("type") != "RuntimeDefault":
            found.append(f"{where}: seccomp profile is not RuntimeDefault")
        resources = container.get("resources") or {}
        for kind in ("requests", "limits"):
            missing = {"cpu", "memory"} - set(resources.get(kind) or {})
            if missing:
                found.append(f"{where}: no {kind} of {', '.join(sorted(missing))}")
        for port in container.get("ports", []):
            if "hostPort" in port:
                found.append(f"{where}: hostPort {port['hostPort']}")
    return found


def namespaces_restricted(build: Build) -> list[str]:
    """The three namespaces exist and enforce the restricted Pod Security Standard."""
    found = []
    built = {m["metadata"]["name"]: m for m in of_kind(build.manifests, "Namespace")}
    for namespace in NAMESPACES:
        labels = (built.get(namespace, {}).get("metadata") or {}).get("labels") or {}
        if labels.get("pod-security.kubernetes.io/enforce") != "restricted":
            found.append(f"namespace {namespace}: does not enforce the restricted pod security")
    return found


def dev_credentials() -> dict[str, str]:
    lines = DEV_CREDENTIALS.read_text().splitlines()
    return dict(line.split("=", 1) for line in lines if line.strip() and not line.startswith("#"))


def secrets_referenced_not_inlined(build: Build) -> list[str]:
    """No Secret is defined, but dev's placeholders, labelled as such; nothing secret is
    a literal value of an environment variable or a ConfigMap; dev's placeholder values
    appear nowhere else."""
    found = []
    placeholders = dev_credentials()
    for secret in of_kind(build.manifests, "Secret"):
        labels = secret["metadata"].get("labels") or {}
        if build.overlay != "dev" or labels.get(DEV_ONLY) != "true":
            found.append(f"{name_of(secret)}: a Secret with data in the manifests")
            continue
        data = {k: base64.b64decode(v).decode() for k, v in (secret.get("data") or {}).items()}
        if data != placeholders:
            found.append(f"{name_of(secret)}: holds more than dev-credentials.env's placeholders")
    secret_words = ("SECRET", "PASSWORD", "TOKEN", "ACCESS_KEY", "CREDENTIAL")
    for pod in pods(build.manifests):
        for container in pod.containers():
            for entry in container.get("env", []):
                if "value" in entry and any(w in entry["name"].upper() for w in secret_words):
                    found.append(f"{pod.name}: {entry['name']} is a literal value")
    for config_map in of_kind(build.manifests, "ConfigMap"):
        for key in config_map.get("data") or {}:
            if any(w in key.upper().replace("-", "_") for w in secret_words):
                found.append(f"{name_of(config_map)}: key {key} looks like a secret")
    if build.overlay != "dev":
        text = json.dumps(build.manifests)
        for value in placeholders.values():
            if value in text:
                found.append(f"the dev placeholder {value!r} is in the {build.overlay} manifests")
    return found


def graph_url(build: Build) -> str:
    return config(build)["graph-url"]


def graph_markers(build: Build) -> list[str]:
    """Strings that only a reference to the graph database would hold."""
    host = urlsplit(graph_url(build)).hostname or ""
    return [graph_url(build), host, host.split(".")[0], ":8182", "gremlin", "cassandra"]


def no_graph_in_middletier(build: Build) -> list[str]:
    """Nothing in the middletier names the graph database, and its pods reference no
    Secret but the object store's (the dispatcher's --credentials-secret)."""
    found = []
    allowed = {argument(dispatcher(build), "--credentials-secret")}
    markers = graph_markers(build)
    for manifest in build.manifests:
        if manifest["metadata"].get("namespace") != MIDDLETIER:
            continue
        text = json.dumps(manifest).lower()
        for marker in markers:
            if marker.lower() in text:
                found.append(f"{name_of(manifest)}: mentions {marker!r}")
    for pod in pods(build.manifests):
        if pod.namespace == MIDDLETIER:
            for secret in sorted(secrets_referenced(pod) - allowed):
                found.append(f"{pod.name}: references the Secret {secret}")
    return found


def object_store_namespace(build: Build) -> str | None:
    """The namespace of the objects URL's endpoint (`<service>.<namespace>.svc[...]`)."""
    endpoint = parse_qs(urlsplit(config(build)["objects-url"]).query).get("endpoint_url", [""])[0]
    labels = (urlsplit(endpoint).hostname or "").split(".")
    return labels[1] if len(labels) >= 3 and labels[2] == "svc" else None


def middletier_network(build: Build) -> list[str]:
    """Default deny both ways in the middletier; nothing may reach an analysis; an
    analysis may reach DNS, the package index (public addresses, port 443) and the
    object store (pods of its namespace), each on named ports, and nothing else."""
    found = []
    policies = of_kind(build.manifests, "NetworkPolicy", MIDDLETIER)
    if not any(network.is_default_deny(p, {"Ingress", "Egress"}) for p in policies):
        found.append("middletier: no default-deny NetworkPolicy for ingress and egress")
    for policy in policies:
        if policy["spec"].get("ingress"):
            found.append(f"{name_of(policy)}: lets something reach the middletier")
    pod = analysis_pod(build)
    store_namespace = object_store_namespace(build)
    seen = set()
    databases = graph_pods(build)
    for policy in network.governing(build.manifests, pod, "Egress"):
        for rule in network.rules(policy, "Egress"):
            for peer in network.peers(rule, "Egress"):
                namespace = policy["metadata"]["namespace"]
                for target in databases:
                    if network.peer_admits(peer, namespace, target, build.manifests):
                        found.append(f"{name_of(policy)}: analyses may reach {target.name}")
            kind = _egress_kind(rule, store_namespace)
            if kind is None:
                found.append(
                    f"{name_of(policy)}: egress rule beyond DNS, index, object store: {rule}"
                )
            seen.add(kind)
    for kind in ("dns", "index", "object store"):
        if kind not in seen:
            found.append(f"middletier: analyses cannot reach the {kind}")
    return found


def _egress_kind(rule: dict[str, Any], store_namespace: str | None) -> str | None:
    ports = rule.get("ports") or []
    to = rule.get("to") or []
    if not ports or not to or any("port" not in p for p in ports):
        return None  # every port, or every destination
    numbers = {p["port"] for p in ports}
    if numbers <= DNS_PORTS and all(_is_dns(peer) for peer in to):
        return "dns"
    tcp = all(p.get("protocol", "TCP") == "TCP" for p in ports)
    if numbers == {443} and tcp and all(_is_public(peer) for peer in to):
        return "index"
    if tcp and store_namespace and all(_in_namespace(peer, store_namespace) for peer in to):
        return "object store"
    return None


def _is_dns(peer: dict[str, Any]) -> bool:
    namespace = (peer.get("namespaceSelector") or {}).get("matchLabels") or {}
    return namespace.get("kubernetes.io/metadata.name") in (
        "kube-system",
        "openshift-dns",
    ) and bool(peer.get("podSelector"))


def _is_public(peer: dict[str, Any]) -> bool:
    block = peer.get("ipBlock")
    return set(peer) == {"ipBlock"} and network.public_cidr(block["cidr"])


def _in_namespace(peer: dict[str, Any], namespace: str) -> bool:
    labels = (peer.get("namespaceSelector") or {}).get("matchLabels") or {}
    return labels == {"kubernetes.io/metadata.name": namespace} and bool(peer.get("podSelector"))


def backend_network(build: Build) -> list[str]:
    """Default deny both ways in the backend; the graph database's pods admit no
    address block and no middletier pod; JanusGraph admits the frontend."""
    found = []
    policies = of_kind(build.manifests, "NetworkPolicy", BACKEND)
    if not any(network.is_default_deny(p, {"Ingress", "Egress"}) for p in policies):
        found.append("backend: no default-deny NetworkPolicy for ingress and egress")
    analyses = [p for p in pods(build.manifests) if p.namespace == MIDDLETIER]
    api = [p for p in pods(build.manifests) if p.labels.get("app.kubernetes.io/component") == "api"]
    for target in graph_pods(build):
        admitted: list[Pod] = []
        for policy in network.governing(build.manifests, target, "Ingress"):
            for rule in network.rules(policy, "Ingress"):
                for peer in network.peers(rule, "Ingress") or [{}]:
                    if "ipBlock" in peer or not peer:
                        found.append(f"{name_of(policy)}: {target.name} admits any address")
                    ns = policy["metadata"]["namespace"]
                    admitted += [
                        p
                        for p in analyses + api
                        if network.peer_admits(peer, ns, p, build.manifests)
                    ]
        for pod in admitted:
            if pod.namespace == MIDDLETIER:
                found.append(f"{target.name}: reachable from {pod.name}")
        if target.labels["app.kubernetes.io/name"] == "janusgraph" and not any(
            p.namespace == FRONTEND for p in admitted
        ):
            found.append(f"{target.name}: the API cannot reach it")
    return found


def dispatcher_rbac(build: Build) -> list[str]:
    """One Role: Jobs in the middletier, verbs within create/get/list/watch/delete, bound
    to the dispatcher's service account only; no cluster-wide roles; only OpenShift's
    SCC use may be granted besides, to the analyses' own account."""
    found = []
    for kind in ("ClusterRole", "ClusterRoleBinding"):
        for item in of_kind(build.manifests, kind):
            found.append(f"{name_of(item)}: cluster-wide RBAC")
    roles = of_kind(build.manifests, "Role")
    if [name_of(r) for r in roles] != [f"Role {MIDDLETIER}/thoth-dispatcher"]:
        found.append(f"Roles beyond the dispatcher's: {[name_of(r) for r in roles]}")
    for role in roles:
        for rule in role.get("rules") or []:
            if rule.get("apiGroups") != ["batch"] or rule.get("resources") != ["jobs"]:
                found.append(f"{name_of(role)}: a rule beyond batch/jobs: {rule}")
            extra = set(rule.get("verbs") or []) - DISPATCHER_VERBS
            if extra:
                found.append(f"{name_of(role)}: verbs beyond the dispatcher's: {sorted(extra)}")
            if rule.get("resourceNames") or rule.get("nonResourceURLs"):
                found.append(f"{name_of(role)}: names or URLs in a rule: {rule}")
    deployment = one(build.manifests, "Deployment", "thoth-dispatcher")
    account = deployment["spec"]["template"]["spec"].get("serviceAccountName")
    expected = [{"kind": "ServiceAccount", "name": account, "namespace": FRONTEND}]
    for binding in of_kind(build.manifests, "RoleBinding"):
        reference, subjects = binding["roleRef"], binding.get("subjects") or []
        if reference == {
            "apiGroup": "rbac.authorization.k8s.io",
            "kind": "Role",
            "name": "thoth-dispatcher",
        }:
            if binding["metadata"]["namespace"] != MIDDLETIER or subjects != expected:
                found.append(f"{name_of(binding)}: binds the dispatcher's Role to {subjects}")
        elif reference["kind"] == "ClusterRole" and reference["name"].startswith(SCC_BINDING):
            analyzer = analysis_pod(build).spec["serviceAccountName"]
            if subjects != [{"kind": "ServiceAccount", "name": analyzer, "namespace": MIDDLETIER}]:
                found.append(f"{name_of(binding)}: grants {reference['name']} to {subjects}")
        else:
            found.append(f"{name_of(binding)}: grants {reference['kind']} {reference['name']}")
    if argument(dispatcher(build), "--namespace") != MIDDLETIER:
        found.append("the dispatcher launches Jobs outside the middletier")
    return found


def cronjobs(build: Build) -> list[str]:
    """graph-sync and the solver scheduler run as CronJobs that never overlap."""
    found = []
    commands = set()
    for cronjob in of_kind(build.manifests, "CronJob"):
        spec = cronjob["spec"]
        if spec.get("concurrencyPolicy") != "Forbid":
            found.append(f"{name_of(cronjob)}: may overlap (concurrencyPolicy is not Forbid)")
        if "startingDeadlineSeconds" not in spec:
            found.append(f"{name_of(cronjob)}: no startingDeadlineSeconds")
        if "activeDeadlineSeconds" not in spec["jobTemplate"]["spec"]:
            found.append(f"{name_of(cronjob)}: a run may last for ever")
        for container in spec["jobTemplate"]["spec"]["template"]["spec"]["containers"]:
            commands.add((container.get("args") or [""])[0])
        if cronjob["metadata"].get("namespace") != FRONTEND:
            found.append(f"{name_of(cronjob)}: not in the frontend")
    for command in ("graph-sync", "schedule-solvers"):
        if command not in commands:
            found.append(f"no CronJob runs `thoth-graphql {command}`")
    return found


def api_exposure(build: Build) -> list[str]:
    """The API: a Deployment serving with probes on /healthz and /readyz, a Service and an
    Ingress onto its port, an autoscaler, and a disruption budget that lets nodes drain."""
    found = []
    deployment = one(build.manifests, "Deployment", "thoth-api")
    template = deployment["spec"]["template"]
    [container] = template["spec"]["containers"]
    if container.get("args", [""])[0] != "serve" or argument(container, "--workers") != "0":
        found.append("thoth-api: not `serve --workers=0` (analyses belong to the dispatcher)")
    probes = {
        kind: (container.get(kind) or {}).get("httpGet", {}).get("path")
        for kind in ("readinessProbe", "livenessProbe")
    }
    if probes != {"readinessProbe": "/readyz", "livenessProbe": "/healthz"}:
        found.append(f"thoth-api: probes {probes}")
    ports = {p["name"]: p["containerPort"] for p in container.get("ports", [])}
    services = [
        s
        for s in of_kind(build.manifests, "Service", FRONTEND)
        if network.selects(
            {"matchLabels": s["spec"].get("selector")}, template["metadata"]["labels"]
        )
        and s["spec"].get("selector")
    ]
    if len(services) != 1 or any(
        p.get("targetPort") not in ports for p in services[0]["spec"]["ports"]
    ):
        found.append("thoth-api: not exactly one Service onto its named port")
    service_names = {s["metadata"]["name"] for s in services}
    backends = [
        path["backend"]["service"]["name"]
        for ingress in of_kind(build.manifests, "Ingress", FRONTEND)
        for rule in ingress["spec"].get("rules", [])
        for path in rule["http"]["paths"]
    ]
    if not backends or set(backends) - service_names:
        found.append(f"thoth-api: Ingress backends {backends} are not its Service")
    autoscalers = [
        h
        for h in of_kind(build.manifests, "HorizontalPodAutoscaler", FRONTEND)
        if h["spec"]["scaleTargetRef"]
        == {"apiVersion": "apps/v1", "kind": "Deployment", "name": "thoth-api"}
    ]
    if len(autoscalers) != 1:
        found.append("thoth-api: no HorizontalPodAutoscaler")
        return found
    minimum = autoscalers[0]["spec"].get("minReplicas", 1)
    if autoscalers[0]["spec"]["maxReplicas"] < minimum:
        found.append("thoth-api: the autoscaler's maximum is below its minimum")
    for budget in of_kind(build.manifests, "PodDisruptionBudget", FRONTEND):
        covers = network.selects(budget["spec"]["selector"], template["metadata"]["labels"])
        if covers and budget["spec"].get("minAvailable", 0) >= minimum:
            found.append("thoth-api: its disruption budget blocks every node drain")
    return found


def graph_database(build: Build) -> list[str]:
    """JanusGraph and Cassandra are StatefulSets in the backend, each with a headless
    governing Service; Cassandra keeps its data on claimed volumes; both run with
    requests equal to limits (the guaranteed pool)."""
    found = []
    for name in GRAPH_DATABASES:
        sets = [
            s
            for s in of_kind(build.manifests, "StatefulSet", BACKEND)
            if s["metadata"]["name"] == name
        ]
        if len(sets) != 1:
            found.append(f"no StatefulSet {name} in the backend")
            continue
        spec = sets[0]["spec"]
        governing = [
            s
            for s in of_kind(build.manifests, "Service", BACKEND)
            if s["metadata"]["name"] == spec.get("serviceName")
            and s["spec"].get("clusterIP") == "None"
        ]
        if not governing:
            found.append(f"StatefulSet {name}: its serviceName is no headless Service")
        if name == "cassandra":
            claims = spec.get("volumeClaimTemplates") or []
            mounted = {
                m["name"]
                for c in spec["template"]["spec"]["containers"]
                for m in c.get("volumeMounts", [])
            }
            if not claims or not {c["metadata"]["name"] for c in claims} <= mounted:
                found.append("StatefulSet cassandra: data not on claimed volumes")
    for pod in graph_pods(build):
        for container in pod.containers():
            resources = container.get("resources") or {}
            if resources.get("requests") != resources.get("limits"):
                found.append(
                    f"{pod.name} container {container['name']}: requests differ from limits"
                )
    return found


def images_pinned(build: Build) -> list[str]:
    """Every image names a tag or a digest, never `latest`."""
    found = []
    for pod in pods(build.manifests):
        for container in pod.containers():
            image = container["image"]
            last = image.rsplit("/", 1)[-1]
            if "@sha256:" not in image and (":" not in last or last.endswith(":latest")):
                found.append(f"{pod.name}: image {image} is not pinned")
    return found


# -- resource pools ---------------------------------------------------------------------


def pod_resources(pod: Pod, kind: str) -> dict[str, Decimal]:
    """What a pod claims (`requests`) or may use (`limits`), as the API server counts it:
    the larger of its largest init container and the sum of its containers; a request
    not given is the limit (Kubernetes defaulting)."""

    def of(container: dict[str, Any]) -> dict[str, Decimal]:
        resources = container.get("resources") or {}
        values = dict(resources.get("limits") or {})
        if kind == "requests":
            values.update(resources.get("requests") or {})
        return {name: quantity(value) for name, value in values.items()}

    total: dict[str, Decimal] = {}
    for container in pod.spec.get("containers", []):
        for name, value in of(container).items():
            total[name] = total.get(name, Decimal(0)) + value
    for container in pod.spec.get("initContainers", []):
        for name, value in of(container).items():
            total[name] = max(total.get(name, Decimal(0)), value)
    return total


def _surge(deployment: Manifest, replicas: int) -> int:
    strategy = deployment["spec"].get("strategy") or {}
    if strategy.get("type") == "Recreate":
        return 0
    surge = (strategy.get("rollingUpdate") or {}).get("maxSurge", "25%")
    if isinstance(surge, str) and surge.endswith("%"):
        return math.ceil(replicas * int(surge[:-1]) / 100)
    return int(surge)


def pods_at_most(build: Build) -> list[tuple[Pod, int]]:
    """Each pod spec with the most copies of it that may run at once: a Deployment at its
    autoscaler's maximum plus its rollout surge, a StatefulSet at its replicas, a CronJob
    or Job once, and the Job template as many times as the dispatcher has workers."""
    autoscaled = {
        h["spec"]["scaleTargetRef"]["name"]: h["spec"]["maxReplicas"]
        for h in of_kind(build.manifests, "HorizontalPodAutoscaler")
    }
    counted = []
    for pod in pods(build.manifests):
        kind, name = pod.owner["kind"], pod.owner["metadata"]["name"]
        if kind == "Deployment":
            replicas = autoscaled.get(name, pod.owner["spec"].get("replicas", 1))
            counted.append((pod, replicas + _surge(pod.owner, replicas)))
        elif kind == "StatefulSet":
            counted.append((pod, pod.owner["spec"].get("replicas", 1)))
        elif kind in ("CronJob", "Job"):
            counted.append((pod, 1))
        elif kind == "PodTemplate":
            counted.append((pod, int(argument(dispatcher(build), "--workers"))))
    return counted


def quotas_admit_workloads(build: Build) -> list[str]:
    """Each namespace has a ResourceQuota and a LimitRange; the quota admits every pod of
    the namespace at its most (pods_at_most), and every container lies within the
    LimitRange's min and max, so nothing the deployment makes is ever refused."""
    found = []
    counted = pods_at_most(build)
    for namespace in NAMESPACES:
        quotas = of_kind(build.manifests, "ResourceQuota", namespace)
        ranges = of_kind(build.manifests, "LimitRange", namespace)
        if len(quotas) != 1 or len(ranges) != 1:
            found.append(f"{namespace}: not one ResourceQuota and one LimitRange")
            continue
        hard = {k: quantity(v) for k, v in quotas[0]["spec"]["hard"].items()}
        for key in ("pods", "requests.cpu", "requests.memory", "limits.cpu", "limits.memory"):
            if key not in hard:
                found.append(f"{namespace}: the quota does not bound {key}")
        here = [(pod, n) for pod, n in counted if pod.namespace == namespace]
        needed: dict[str, Decimal] = {"pods": Decimal(sum(n for _, n in here))}
        for pod, n in here:
            for kind in ("requests", "limits"):
                for name, value in pod_resources(pod, kind).items():
                    key = f"{kind}.{name}"
                    needed[key] = needed.get(key, Decimal(0)) + n * value
            for claim in pod.owner.get("spec", {}).get("volumeClaimTemplates") or []:
                storage = quantity(claim["spec"]["resources"]["requests"]["storage"])
                needed["requests.storage"] = (
                    needed.get("requests.storage", Decimal(0)) + n * storage
                )
                needed["persistentvolumeclaims"] = (
                    needed.get("persistentvolumeclaims", Decimal(0)) + n
                )
        for key, value in needed.items():
            if key in hard and value > hard[key]:
                found.append(f"{namespace}: the quota's {key} {hard[key]} is below {value} needed")
        found += _within_limit_range(ranges[0], [pod for pod, _ in here])
    return found


def _within_limit_range(limit_range: Manifest, here: Iterable[Pod]) -> list[str]:
    found = []
    [bounds] = [item for item in limit_range["spec"]["limits"] if item["type"] == "Container"]
    for pod in here:
        for container in pod.containers():
            resources = container.get("resources") or {}
            limits = resources.get("limits") or {}
            requests = {**limits, **(resources.get("requests") or {})}
            for name, value in (bounds.get("max") or {}).items():
                if name in limits and quantity(limits[name]) > quantity(value):
                    found.append(
                        f"{pod.name} {container['name']}: {name} limit above the LimitRange max"
                    )
            for name, value in (bounds.get("min") or {}).items():
                if name in requests and quantity(requests[name]) < quantity(value):
                    found.append(
                        f"{pod.name} {container['name']}: {name} request below the LimitRange min"
                    )
    return found


def wiring(build: Build) -> list[str]:
    """What the dispatcher hands its Jobs equals the Job template: the runner image, the
    objects URL, the credentials Secret and the namespace."""
    found = []
    container = dispatcher(build)
    env = container_env(container)
    pod = analysis_pod(build)
    [runner] = pod.spec["containers"]
    launched = env["THOTH_RUNNER_IMAGE"].get("value")
    if launched != runner["image"]:
        found.append(f"the dispatcher launches {launched}, the template has {runner['image']}")
    if argument(container, "--kubernetes") != "$(THOTH_RUNNER_IMAGE)":
        found.append("the dispatcher's --kubernetes is not its THOTH_RUNNER_IMAGE")
    objects = container_env(runner)["THOTH_OBJECTS"].get("value")
    if objects != config(build)["objects-url"]:
        found.append(
            f"the Job template's THOTH_OBJECTS {objects} is not thoth-config's objects-url"
        )
    if secrets_referenced(pod) != {argument(container, "--credentials-secret")}:
        found.append("the Job template's Secret is not the dispatcher's --credentials-secret")
    if pod.namespace != argument(container, "--namespace"):
        found.append("the Job template is not in the dispatcher's --namespace")
    return found

"""The Job the dispatcher builds in code (thoth_graphql/analyses/kubernetes.py) against
the kustomize build: it is the Job template (the property "Job template is the code's
Job" of tests/deploy/policy.py), as locked down, governed by the same NetworkPolicies,
valid Kubernetes; the Kubernetes API calls the launcher makes are the ones the
dispatcher's Role allows; and every frontend container runs a real `thoth-graphql`
command with options it knows."""

from __future__ import annotations

import re
from functools import partial
from pathlib import Path

import httpx
import kubernetes_validate
import pytest

from tests.deploy import network
from tests.deploy.code_job import code_job, parsed
from tests.deploy.manifests import FRONTEND, KUBERNETES_VERSION, OVERLAYS, Build, Pod, of_kind, pods
from tests.deploy.policy import analysis_pod, pod_problems
from thoth_graphql.analyses import kubernetes
from thoth_graphql.analyses.kubernetes import KubernetesApi

SOURCE = Path(kubernetes.__file__).read_text()


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_frontend_containers_run_real_commands(builds: dict[str, Build], overlay: str) -> None:
    build = builds[overlay]
    commands = [
        parsed(build, container)[0]
        for pod in pods(build.manifests)
        if pod.namespace == FRONTEND and pod.owner["kind"] != "Job"
        for container in pod.spec["containers"]
    ]
    assert sorted(commands) == ["dispatch", "graph-sync", "schedule-solvers", "serve"]


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_the_code_job_is_locked_down_fenced_in_and_valid(
    builds: dict[str, Build], overlay: str
) -> None:
    build = builds[overlay]
    job = code_job(build)
    template = job["spec"]["template"]
    pod = Pod(job, template["spec"], template["metadata"]["labels"])
    assert pod_problems(pod, token_allowed=False) == []
    kubernetes_validate.validate(job, KUBERNETES_VERSION, strict=True)
    for direction in ("Ingress", "Egress"):
        governing = network.governing(build.manifests, pod, direction)
        expected = network.governing(build.manifests, analysis_pod(build), direction)
        assert governing  # at least the default deny
        assert [p["metadata"]["name"] for p in governing] == [
            p["metadata"]["name"] for p in expected
        ]


async def test_the_launcher_calls_only_what_the_dispatcher_role_allows(
    builds: dict[str, Build], monkeypatch: pytest.MonkeyPatch
) -> None:
    build = builds["prod"]
    calls: list[tuple[str, str]] = []

    def answer(request: httpx.Request) -> httpx.Response:
        calls.append((request.method, request.url.path))
        return httpx.Response(201 if request.method == "POST" else 200, json={})

    transport = httpx.MockTransport(answer)
    monkeypatch.setattr(httpx, "AsyncClient", partial(httpx.AsyncClient, transport=transport))
    api = KubernetesApi("https://kubernetes.test")
    job = code_job(build)
    namespace, name = job["metadata"]["namespace"], job["metadata"]["name"]
    try:
        await api.create_job(job)
        await api.job(namespace, name)
        await api.delete_job(namespace, name)
    finally:
        await api.close()

    # Every HTTP method the launcher's source uses was exercised above.
    in_source = set(re.findall(r'_call\(\s*"([A-Z]+)"', SOURCE))
    assert in_source == {method for method, _ in calls}

    [role] = of_kind(build.manifests, "Role")
    allowed = {
        (group, resource, verb, role["metadata"]["namespace"])
        for rule in role["rules"]
        for group in rule["apiGroups"]
        for resource in rule["resources"]
        for verb in rule["verbs"]
    }
    for method, path in calls:
        match = re.fullmatch(r"/apis/([^/]+)/[^/]+/namespaces/([^/]+)/([^/]+)(/[^/]+)?", path)
        assert match is not None, path
        group, call_namespace, resource, item = match.groups()
        verb = {"POST": "create", "GET": "get" if item else "list", "DELETE": "delete"}[method]
        assert (group, resource, verb, call_namespace) in allowed, (method, path)

"""The Job that the dispatcher of a build makes in code, read through the real command
line: the dispatcher container's arguments are parsed by `thoth-graphql dispatch` and
turned into JobSettings as the command does, then `job_manifest` builds the Job."""

from __future__ import annotations

import json
import re
from typing import Any

import click

from tests.deploy.manifests import Build, container_env
from tests.deploy.policy import analysis_pod, config, dispatcher
from thoth_graphql.analyses.kubernetes import JobSettings, job_manifest, job_name
from thoth_graphql.cli import main
from thoth_objects.layout import request_key

ANALYSIS_ID = "20260101T120000Z-3f9c2a1b"
JOB_SPEC_ANNOTATION = "thoth-graphql.example/job-spec"
ANALYSIS_LABEL = "thoth-graphql.example/analysis"


def resolved_args(build: Build, container: dict[str, Any]) -> list[str]:
    """A container's args with $(VAR) expanded as the kubelet does (values from the
    container's env and the ConfigMap; Secrets as placeholders)."""
    values = {}
    for name, entry in container_env(container).items():
        source = entry.get("valueFrom") or {}
        if "value" in entry:
            values[name] = entry["value"]
        elif "configMapKeyRef" in source:
            values[name] = config(build)[source["configMapKeyRef"]["key"]]
        else:
            values[name] = f"<{name}>"
    pattern = re.compile(r"\$\(([A-Za-z_][A-Za-z0-9_.]*)\)")
    return [pattern.sub(lambda m: values[m[1]], a) for a in container.get("args", [])]


def parsed(build: Build, container: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """The `thoth-graphql` command a container runs and its parameters, as click parses
    them (a missing command or an unknown option raises)."""
    command, *rest = resolved_args(build, container)
    found = main.get_command(click.Context(main), command)
    if found is None:
        raise LookupError(
            f"`thoth-graphql {command}` does not exist (container {container['name']}); "
            "thoth_graphql/cli.py must provide it"
        )
    return command, found.make_context(command, rest).params


def code_job(build: Build) -> dict[str, Any]:
    """The Job the dispatcher of this build makes for an analysis."""
    command, params = parsed(build, dispatcher(build))
    assert command == "dispatch"
    settings = JobSettings(
        params["kubernetes_image"],
        params["objects_url"],
        namespace=params["namespace"],
        credentials_secret=params["credentials_secret"],
    )
    return job_manifest(settings, ANALYSIS_ID, job_name(ANALYSIS_ID, 1))


def _without_request_key(spec: dict[str, Any]) -> dict[str, Any]:
    copy: dict[str, Any] = json.loads(json.dumps(spec))
    for container in copy["containers"]:
        container["command"] = container["command"][:-1]
    return copy


def job_template_drift(build: Build) -> list[str]:
    """How the code's Job differs from the Job template: its pod spec (but the request key
    it runs), namespace, Job-level settings (the template's annotation) and labels (the
    template's, plus one naming the analysis)."""
    found = []
    template = analysis_pod(build)
    job = code_job(build)
    pod_spec = job["spec"]["template"]["spec"]
    if _without_request_key(pod_spec) != _without_request_key(template.spec):
        found.append("the code's Job pod differs from the PodTemplate thoth-analysis")
    if pod_spec["containers"][0]["command"][-1] != request_key(ANALYSIS_ID):
        found.append("the code's Job does not run the analysis' request")
    if job["metadata"]["namespace"] != template.namespace:
        found.append("the code's Job is not in the template's namespace")
    job_level = {k: v for k, v in job["spec"].items() if k != "template"}
    annotation = template.owner["metadata"].get("annotations", {}).get(JOB_SPEC_ANNOTATION, "{}")
    if json.loads(annotation) != job_level:
        found.append(f"the code's Job settings {job_level} differ from the template's {annotation}")
    labels = job["spec"]["template"]["metadata"]["labels"]
    if not template.labels.items() <= labels.items() or set(labels) - set(template.labels) != {
        ANALYSIS_LABEL
    }:
        found.append(f"the code's Job labels {labels} differ from the template's {template.labels}")
    return found

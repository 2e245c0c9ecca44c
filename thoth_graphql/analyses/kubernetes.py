"""The Kubernetes launcher: one Job per analysis launch in the middletier namespace.

The Job runs the same command as a local runner (`python -m analyzer_runner run
requests/<id>.json`) in a pod that is the sandbox: non-root, read-only root file system,
no capabilities, no privilege escalation, the runtime's seccomp profile, no service
account token, resource limits, a deadline (`activeDeadlineSeconds`), no retries of its
own (`backoffLimit: 0`: retries are the dispatcher's, bounded and counted in its ledger)
and garbage collection (`ttlSecondsAfterFinished`). It holds object-store credentials
as environment variables from a Secret (never files the analysed code could read; the
runner makes itself non-dumpable) and nothing of the graph.

The manifest is made here in code and submitted to the API server with httpx, with the
service account's token (re-read on each call: bound tokens rotate). The dispatcher
watches the runner's status record and the Job's conditions; Jobs outlive the
dispatcher, and a restarted one adopts them by name.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from analyzer_runner.egress import EgressPolicy
from thoth_graphql.analyses.dispatcher import RunEnd
from thoth_graphql.analyses.ledger import DispatchRecord, read_status, written_since
from thoth_graphql.domain import Analysis
from thoth_objects.layout import request_key
from thoth_objects.port import ObjectStore

log = logging.getLogger(__name__)

SERVICE_ACCOUNT = Path("/var/run/secrets/kubernetes.io/serviceaccount")
ANALYSIS_ANNOTATION = "thoth-graphql.example/analysis-id"
COMPONENT = "analyzer-runner"
_NAME_LIMIT = 63


class KubernetesError(RuntimeError):
    """The API server refused a request or could not be reached."""


@dataclass(frozen=True, slots=True)
class JobSettings:
    """How analysis Jobs look: where they run, what they hold, what they may use."""

    image: str
    objects_url: str
    """An s3:// URL: a pod reaches the object store over the network, never a folder."""
    namespace: str = "thoth-middletier"
    credentials_secret: str = "thoth-objects-credentials"  # noqa: S105 - its name
    """A Secret with keys AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY."""
    sandbox: str = "none"
    """`none`: the pod is the sandbox. `bwrap` where the cluster allows user namespaces."""
    service_account: str = "thoth-analyzer"
    """A service account without roles; its token is not mounted anyway."""
    run_as_user: int = 65532
    cpu_request: str = "250m"
    cpu_limit: str = "2"
    memory_request: str = "512Mi"
    memory_limit: str = "3Gi"
    ephemeral_storage_limit: str = "6Gi"
    scratch_size: str = "4Gi"
    active_deadline_seconds: int = 900
    """Above the runner's wall-clock ceiling (600 s), so the runner times out first."""
    ttl_seconds_after_finished: int = 3600
    labels: dict[str, str] = field(default_factory=dict)
    egress: EgressPolicy = field(default_factory=EgressPolicy.from_environ)
    """The runner's egress policy: the dispatcher's own, so both check the same lists."""

    def __post_init__(self) -> None:
        if not self.objects_url.startswith("s3://"):
            raise ValueError("analysis Jobs need an s3:// object store (a pod sees no folder)")
        if self.sandbox not in ("none", "bwrap"):
            raise ValueError("sandbox must be 'none' or 'bwrap'")


def job_name(analysis_id: str, launch: int) -> str:
    """A DNS-1123 name for a launch: `thoth-analysis-<id>-<launch>`, shortened with a hash
    when the id is long."""
    suffix = f"-{launch}"
    slug = re.sub(r"[^a-z0-9-]+", "-", analysis_id.lower()).strip("-")
    room = _NAME_LIMIT - len("thoth-analysis-") - len(suffix)
    if len(slug) > room:
        digest = hashlib.sha256(analysis_id.encode()).hexdigest()[:8]
        slug = f"{slug[: room - 9].rstrip('-')}-{digest}"
    return f"thoth-analysis-{slug}{suffix}"


def _label_value(text: str) -> str:
    value = re.sub(r"[^A-Za-z0-9._-]+", "-", text)[:63].strip("-._")
    return value or "none"


def job_manifest(settings: JobSettings, analysis_id: str, name: str) -> dict[str, Any]:
    """The Job (batch/v1) that runs one launch of an analysis."""
    labels = {
        "app.kubernetes.io/name": "thoth-graphql",
        "app.kubernetes.io/component": COMPONENT,
        "thoth-graphql.example/analysis": _label_value(analysis_id),
        **settings.labels,
    }
    secret = {"name": settings.credentials_secret}
    container = {
        "name": "runner",
        "image": settings.image,
        "imagePullPolicy": "IfNotPresent",
        "command": ["python", "-m", "analyzer_runner", "run", request_key(analysis_id)],
        "env": [
            {"name": "THOTH_OBJECTS", "value": settings.objects_url},
            {"name": "THOTH_SANDBOX", "value": settings.sandbox},
            {"name": "TMPDIR", "value": "/scratch"},
            {"name": "HOME", "value": "/scratch"},
            {"name": "PYTHONDONTWRITEBYTECODE", "value": "1"},
            *({"name": k, "value": v} for k, v in settings.egress.environment().items()),
            {
                "name": "AWS_ACCESS_KEY_ID",
                "valueFrom": {"secretKeyRef": {**secret, "key": "AWS_ACCESS_KEY_ID"}},
            },
            {
                "name": "AWS_SECRET_ACCESS_KEY",
                "valueFrom": {"secretKeyRef": {**secret, "key": "AWS_SECRET_ACCESS_KEY"}},
            },
        ],
        "resources": {
            "requests": {"cpu": settings.cpu_request, "memory": settings.memory_request},
            "limits": {
                "cpu": settings.cpu_limit,
                "memory": settings.memory_limit,
                "ephemeral-storage": settings.ephemeral_storage_limit,
            },
        },
        "securityContext": {
            "runAsNonRoot": True,
            "runAsUser": settings.run_as_user,
            "runAsGroup": settings.run_as_user,
            "allowPrivilegeEscalation": False,
            "privileged": False,
            "readOnlyRootFilesystem": True,
            "capabilities": {"drop": ["ALL"]},
            "seccompProfile": {"type": "RuntimeDefault"},
        },
        "volumeMounts": [
            {"name": "scratch", "mountPath": "/scratch"},
            {"name": "tmp", "mountPath": "/tmp"},  # noqa: S108 - the pod's own emptyDir
        ],
        "terminationMessagePolicy": "FallbackToLogsOnError",
    }
    return {
        "apiVersion": "batch/v1",
        "kind": "Job",
        "metadata": {
            "name": name,
            "namespace": settings.namespace,
            "labels": labels,
            "annotations": {ANALYSIS_ANNOTATION: analysis_id},
        },
        "spec": {
            "backoffLimit": 0,
            "activeDeadlineSeconds": settings.active_deadline_seconds,
            "ttlSecondsAfterFinished": settings.ttl_seconds_after_finished,
            "template": {
                "metadata": {"labels": labels},
                "spec": {
                    "restartPolicy": "Never",
                    "serviceAccountName": settings.service_account,
                    "automountServiceAccountToken": False,
                    "enableServiceLinks": False,
                    "securityContext": {
                        "runAsNonRoot": True,
                        "runAsUser": settings.run_as_user,
                        "runAsGroup": settings.run_as_user,
                        "fsGroup": settings.run_as_user,
                        "seccompProfile": {"type": "RuntimeDefault"},
                    },
                    "containers": [container],
                    "volumes": [
                        {"name": "scratch", "emptyDir": {"sizeLimit": settings.scratch_size}},
                        {"name": "tmp", "emptyDir": {"medium": "Memory", "sizeLimit": "64Mi"}},
                    ],
                },
            },
        },
    }


class KubernetesApi:
    """The few calls of the Kubernetes API the launcher makes, over httpx."""

    def __init__(
        self,
        url: str,
        *,
        token_file: Path | None = None,
        ca_file: Path | None = None,
        timeout: float = 10.0,
    ) -> None:
        self.url = url.rstrip("/")
        self.token_file = token_file
        verify: bool | str = str(ca_file) if ca_file is not None else True
        self._client = httpx.AsyncClient(base_url=self.url, verify=verify, timeout=timeout)

    def __repr__(self) -> str:
        return f"KubernetesApi({self.url!r})"

    @classmethod
    def in_cluster(cls, folder: Path = SERVICE_ACCOUNT) -> KubernetesApi:
        """The API server of the cluster this process runs in, as its service account."""
        host = os.environ.get("KUBERNETES_SERVICE_HOST")
        port = os.environ.get("KUBERNETES_SERVICE_PORT", "443")
        if not host:
            raise KubernetesError("not in a cluster: KUBERNETES_SERVICE_HOST is not set")
        if ":" in host:
            host = f"[{host}]"
        return cls(f"https://{host}:{port}", token_file=folder / "token", ca_file=folder / "ca.crt")

    def _headers(self) -> dict[str, str]:
        headers = {"Accept": "application/json"}
        if self.token_file is not None:
            token = self.token_file.read_text().strip()
            headers["Authorization"] = f"Bearer {token}"
        return headers

    async def _call(self, method: str, path: str, body: Any = None) -> httpx.Response:
        try:
            return await self._client.request(method, path, json=body, headers=self._headers())
        except (httpx.HTTPError, OSError) as error:
            raise KubernetesError(f"{method} {path}: {type(error).__name__}: {error}") from error

    @staticmethod
    def _refused(response: httpx.Response) -> KubernetesError:
        try:
            message = response.json().get("message", "")
        except ValueError:
            message = response.text[:300]
        return KubernetesError(f"the API server answered {response.status_code}: {message}")

    async def create_job(self, manifest: dict[str, Any]) -> bool:
        """Create a Job; False if one of that name exists already (a retried submission)."""
        namespace = manifest["metadata"]["namespace"]
        response = await self._call("POST", f"/apis/batch/v1/namespaces/{namespace}/jobs", manifest)
        if response.status_code == 409:
            return False
        if response.status_code not in (200, 201, 202):
            raise self._refused(response)
        return True

    async def job(self, namespace: str, name: str) -> dict[str, Any] | None:
        """A Job as the API server has it; None if there is none."""
        response = await self._call("GET", f"/apis/batch/v1/namespaces/{namespace}/jobs/{name}")
        if response.status_code == 404:
            return None
        if response.status_code != 200:
            raise self._refused(response)
        found: dict[str, Any] = response.json()
        return found

    async def delete_job(self, namespace: str, name: str) -> None:
        """Delete a Job and its pods (a missing Job is fine)."""
        response = await self._call(
            "DELETE",
            f"/apis/batch/v1/namespaces/{namespace}/jobs/{name}",
            {"kind": "DeleteOptions", "apiVersion": "v1", "propagationPolicy": "Background"},
        )
        if response.status_code not in (200, 202, 404):
            raise self._refused(response)

    async def close(self) -> None:
        await self._client.aclose()


def job_outcome(job: dict[str, Any]) -> str | None:
    """Why a Job is finished (`Complete`, or `Failed: <reason>`), or None while it runs."""
    for condition in (job.get("status") or {}).get("conditions") or ():
        if condition.get("status") != "True":
            continue
        if condition.get("type") == "Complete":
            return "the Job completed"
        if condition.get("type") == "Failed":
            reason = condition.get("reason") or "no reason"
            message = condition.get("message") or ""
            return f"the Job failed: {reason}" + (f": {message}" if message else "")
    return None


class KubernetesRun:
    """A launched Job, watched through the runner's status record and the Job itself."""

    def __init__(
        self,
        api: KubernetesApi,
        objects: ObjectStore,
        record: DispatchRecord,
        namespace: str,
        poll_seconds: float,
    ) -> None:
        assert record.job is not None
        self.api = api
        self.objects = objects
        self.record = record
        self.name = record.job
        self.namespace = namespace
        self.poll_seconds = poll_seconds

    async def wait(self) -> RunEnd:
        while True:
            status = await read_status(self.objects, self.record.analysis_id)
            if written_since(status, self.record) and status is not None and status.finished:
                return RunEnd(f"the runner recorded {status.status}")
            try:
                job = await self.api.job(self.namespace, self.name)
            except KubernetesError as error:
                log.warning("analysis %s: %s", self.record.analysis_id, error)
            else:
                if job is None:
                    return RunEnd(f"the Job {self.name} is gone")
                outcome = job_outcome(job)
                if outcome is not None:
                    return RunEnd(outcome)
            await asyncio.sleep(self.poll_seconds)

    async def stop(self) -> None:
        return None  # the Job goes on; a dispatcher adopts it by name


class KubernetesLauncher:
    """Launches analyses as Jobs; `slots` bounds how many run at once."""

    name = "kubernetes"
    survives_dispatcher = True

    def __init__(
        self,
        api: KubernetesApi,
        objects: ObjectStore,
        settings: JobSettings,
        *,
        slots: int = 16,
        poll_seconds: float = 2.0,
    ) -> None:
        self.api = api
        self.objects = objects
        self.settings = settings
        self.slots = slots
        self.poll_seconds = poll_seconds

    def job_name(self, analysis_id: str, launch: int) -> str | None:
        return job_name(analysis_id, launch)

    def _run(self, record: DispatchRecord) -> KubernetesRun:
        return KubernetesRun(
            self.api, self.objects, record, self.settings.namespace, self.poll_seconds
        )

    async def start(self, analysis: Analysis, record: DispatchRecord) -> KubernetesRun:
        assert record.job is not None
        created = await self.api.create_job(job_manifest(self.settings, analysis.id, record.job))
        if not created:
            log.info("analysis %s: Job %s existed already", analysis.id, record.job)
        return self._run(record)

    async def reattach(self, record: DispatchRecord) -> KubernetesRun | None:
        if record.job is None:
            return None
        with contextlib.suppress(KubernetesError):
            if await self.api.job(self.settings.namespace, record.job) is None:
                return None
        return self._run(record)

    async def close(self) -> None:
        await self.api.close()

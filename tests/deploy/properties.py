"""Every property the deployment must have, by name. tests/deploy/test_policy.py asks
each of every overlay; tests/deploy/test_regressions.py breaks each one on purpose and
expects its check to notice."""

from __future__ import annotations

from tests.deploy.code_job import job_template_drift
from tests.deploy.policy import (
    Check,
    api_exposure,
    backend_network,
    cronjobs,
    dispatcher_rbac,
    graph_database,
    images_pinned,
    middletier_network,
    namespaces_restricted,
    no_graph_in_middletier,
    pod_security,
    quotas_admit_workloads,
    secrets_referenced_not_inlined,
    wiring,
)

PROPERTIES: dict[str, Check] = {
    "pod security": pod_security,
    "restricted namespaces": namespaces_restricted,
    "secrets referenced, not inlined": secrets_referenced_not_inlined,
    "no graph in the middletier": no_graph_in_middletier,
    "middletier network": middletier_network,
    "backend network": backend_network,
    "dispatcher RBAC": dispatcher_rbac,
    "CronJobs": cronjobs,
    "API exposure": api_exposure,
    "graph database": graph_database,
    "images pinned": images_pinned,
    "quotas admit workloads": quotas_admit_workloads,
    "dispatcher and Job template wired": wiring,
    "Job template is the code's Job": job_template_drift,
}

"""Stack observations as the client reads them: a locked stack, where it ran, how it went."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from thoth_graphql.client.table import html_table

STACK_OBSERVATIONS = """
query StackObservations($filter: StackObservationFilter, $first: Int!, $after: String) {
  stackObservations(filter: $filter, first: $first, after: $after) {
    pageInfo { hasNextPage endCursor }
    edges { node {
      packages { name version }
      runtimeEnvironment { pythonVersion platform osName osVersion }
      outcome message
      metrics { name value }
      provenance { source documentRef observedAt }
    } }
  }
}
"""


@dataclass(frozen=True, slots=True)
class StackObservation:
    """How a locked stack fared: SUCCESS, BUILD_FAILURE, INSTALL_FAILURE or RUNTIME_FAILURE."""

    packages: dict[str, str]
    environment: dict[str, str | None]
    outcome: str
    message: str
    metrics: dict[str, float]
    source: str
    observed_at: str

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> StackObservation:
        return cls(
            packages={p["name"]: p["version"] for p in data["packages"]},
            environment=dict(data["runtimeEnvironment"]),
            outcome=data["outcome"],
            message=data["message"],
            metrics={m["name"]: float(m["value"]) for m in data["metrics"]},
            source=data["provenance"]["source"],
            observed_at=data["provenance"]["observedAt"],
        )


def observations_html(observations: list[StackObservation]) -> str:
    rows = [
        (
            o.observed_at,
            o.outcome,
            " ".join(f"{name}=={version}" for name, version in o.packages.items()),
            ", ".join(f"{name}={value:g}" for name, value in o.metrics.items()),
            o.message,
        )
        for o in observations
    ]
    return html_table(("observed", "outcome", "stack", "metrics", "message"), rows)

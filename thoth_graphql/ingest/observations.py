"""What a stack observation must be before the graph keeps it, whoever read it (a GraphQL
input, an inspection document): its bounds, checked on the domain value.

Faults name the observation's fields by their domain names (`$.packages`,
`$.metrics[1].name`, `$.document_ref`); callers show them in their own terms (GraphQL
in camelCase under `input`).
"""

from __future__ import annotations

from thoth_graphql.domain import StackObservation
from thoth_graphql.ingest.limits import MAX_BATCH
from thoth_graphql.ingest.solver_document import DocumentFault, InvalidDocument

MAX_MESSAGE = 10_000
"""What the run said (an error, the tail of its output), in characters."""
MAX_METRIC_NAME = 100
MAX_DOCUMENT_REF = 256
"""As a document id (solver and inspection documents bound theirs alike)."""


def stack_observation_faults(observation: StackObservation) -> list[DocumentFault]:
    """Every bound the observation breaks; empty if the graph may keep it."""
    faults: list[DocumentFault] = []
    if not observation.packages:
        faults.append(DocumentFault("$.packages", "a stack holds at least one package."))
    elif len(observation.packages) > MAX_BATCH:
        faults.append(DocumentFault("$.packages", f"at most {MAX_BATCH} packages."))
    if len(observation.message) > MAX_MESSAGE:
        faults.append(DocumentFault("$.message", f"at most {MAX_MESSAGE} characters."))
    for i, name in enumerate(observation.metrics):
        if not 0 < len(name) <= MAX_METRIC_NAME:
            faults.append(
                DocumentFault(
                    f"$.metrics[{i}].name",
                    f"metric names are unique, 1 to {MAX_METRIC_NAME} characters.",
                )
            )
    if not 0 < len(observation.provenance.document_ref) <= MAX_DOCUMENT_REF:
        faults.append(
            DocumentFault("$.document_ref", f"must hold 1 to {MAX_DOCUMENT_REF} characters.")
        )
    return faults


def check_stack_observation(observation: StackObservation, source: str) -> None:
    """Raise InvalidDocument naming `source` and every fault, if the observation has any."""
    faults = stack_observation_faults(observation)
    if faults:
        raise InvalidDocument(source, faults, kind="stack observation")

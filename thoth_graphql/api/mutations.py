"""The Mutation root: every write needs a bearer token; input is validated whole before
anything is written, and a fault is BAD_USER_INPUT naming the faulty field."""

from __future__ import annotations

import enum
import re
from datetime import datetime

import strawberry
from packaging.utils import InvalidName, canonicalize_name
from packaging.version import InvalidVersion, Version
from strawberry.scalars import JSON

from thoth_graphql import domain
from thoth_graphql.api.advisories import Advisory
from thoth_graphql.api.analysis_requests import (
    RequestAnalysisPayload,
    request_solver_analysis,
    request_stack_inspection,
)
from thoth_graphql.api.auth import authorize
from thoth_graphql.api.context import Info
from thoth_graphql.api.environments import RuntimeEnvironment, RuntimeEnvironmentInput
from thoth_graphql.api.errors import UserInputError
from thoth_graphql.api.learning import Learning, learn
from thoth_graphql.api.observations import ObservationSource, StackObservation, StackOutcome
from thoth_graphql.api.tokens import (
    CreateTokenPayload,
    RevokeTokenPayload,
    create_token,
    revoke_token,
)
from thoth_graphql.domain import TokenScope
from thoth_graphql.domain.timestamps import utc_timestamp
from thoth_graphql.ingest.ingest import InvalidDocuments
from thoth_graphql.ingest.limits import MAX_BATCH, MAX_VERSION
from thoth_graphql.ingest.limits import MAX_NAME as MAX_PROJECT_NAME
from thoth_graphql.ingest.observations import MAX_METRIC_NAME
from thoth_graphql.ingest.service import TooManyItems
from thoth_graphql.ingest.sources import RawDocument

MAX_ITEMS = MAX_BATCH
"""The most documents, records or packages one mutation takes."""


def _raw(items: list[JSON], argument: str) -> list[RawDocument]:
    """The items of the list `argument`, each named by its place (`documents[3]`)."""
    return [RawDocument(f"{argument}[{i}]", data) for i, data in enumerate(items)]


def _refused(error: InvalidDocuments | TooManyItems, argument: str) -> UserInputError:
    """BAD_USER_INPUT for what the ingest service refused: the item count, or every fault
    of every bad item, the first as `field`."""
    if isinstance(error, TooManyItems):
        return UserInputError(f"at most {error.most} items per call.", field=argument)
    faults = [
        (f"{bad.source}{fault.path[1:]}", fault.message)
        for bad in error.errors
        for fault in bad.faults
    ]
    count = len(error.errors)
    return UserInputError(
        f"{count} invalid item(s); nothing was written. First: {faults[0][0]}: {faults[0][1]}",
        field=faults[0][0],
        faults=faults,
    )


# -- solver documents --------------------------------------------------------------------


@strawberry.enum(description="What ingesting one document did.")
class IngestStatus(enum.Enum):
    WRITTEN = "WRITTEN"
    ALREADY_KNOWN = "ALREADY_KNOWN"


@strawberry.type(description="The result for one input document, in input order.")
class SolverDocumentResult:
    document_id: str
    status: IngestStatus
    releases: int = strawberry.field(description="The releases the document describes.")


@strawberry.type(description="What a bulk ingest did: one result per input, in input order.")
class IngestSolverDocumentsPayload:
    results: list[SolverDocumentResult]
    packages_created: int
    versions_created: int
    dependencies_created: int


async def _ingest_solver_documents(
    info: Info, documents: list[JSON]
) -> IngestSolverDocumentsPayload:
    await authorize(info, TokenScope.WRITE)
    try:
        # One write for the whole call: an error answer means nothing of it was recorded.
        ingested = await info.context.services.ingest.solver_documents(
            _raw(documents, "documents"), atomic=True
        )
    except (InvalidDocuments, TooManyItems) as error:
        raise _refused(error, "documents") from error
    changes = ingested.report.changes
    return IngestSolverDocumentsPayload(
        results=[
            SolverDocumentResult(
                document_id=outcome.document_id,
                status=IngestStatus.WRITTEN if outcome.written else IngestStatus.ALREADY_KNOWN,
                releases=outcome.releases,
            )
            for outcome in ingested.outcomes
        ],
        packages_created=changes.packages_created,
        versions_created=changes.versions_created,
        dependencies_created=changes.dependencies_created,
    )


# -- advisories --------------------------------------------------------------------------


@strawberry.type(description="The result for one OSV record, in input order.")
class AdvisoryRecordResult:
    id: str = strawberry.field(description="The OSV id.")
    advisories: list[Advisory] = strawberry.field(description="One per affected PyPI package.")
    changed: bool = strawberry.field(description="Whether the graph did not hold it as it is.")


@strawberry.type(description="What ingesting OSV records did, in input order.")
class IngestAdvisoriesPayload:
    results: list[AdvisoryRecordResult]


async def _ingest_advisories(info: Info, records: list[JSON]) -> IngestAdvisoriesPayload:
    await authorize(info, TokenScope.WRITE)
    try:
        outcomes = await info.context.services.ingest.osv_records(_raw(records, "records"))
    except (InvalidDocuments, TooManyItems) as error:
        raise _refused(error, "records") from error
    return IngestAdvisoriesPayload(
        results=[
            AdvisoryRecordResult(
                id=outcome.id,
                advisories=[Advisory.from_domain(a) for a in outcome.advisories],
                changed=outcome.changed,
            )
            for outcome in outcomes
        ]
    )


# -- runtime environments ----------------------------------------------------------------


@strawberry.type
class RegisterRuntimeEnvironmentPayload:
    runtime_environment: RuntimeEnvironment
    created: bool = strawberry.field(description="False if it was registered before.")


async def _register_runtime_environment(
    info: Info, input: RuntimeEnvironmentInput
) -> RegisterRuntimeEnvironmentPayload:
    await authorize(info, TokenScope.WRITE)
    environment = input.to_domain("input")
    [created] = await info.context.services.ingest.runtime_environments([environment])
    return RegisterRuntimeEnvironmentPayload(
        runtime_environment=RuntimeEnvironment.from_domain(environment), created=created
    )


# -- stack observations ------------------------------------------------------------------


@strawberry.input(description="A locked version: a canonical or raw name and a version.")
class LockedVersionInput:
    name: str
    version: str
    index_url: str | None = strawberry.field(
        default=None, description=f"Default: {domain.DEFAULT_INDEX_URL}."
    )

    def to_domain(self, path: str) -> domain.VersionKey:
        for field, value, most in (
            ("name", self.name, MAX_PROJECT_NAME),
            ("version", self.version, MAX_VERSION),
        ):
            if len(value) > most:
                raise UserInputError(
                    f"{len(value)} characters, more than the {most} allowed.",
                    field=f"{path}.{field}",
                )
        try:
            name = str(canonicalize_name(self.name, validate=True))
        except InvalidName as error:
            raise UserInputError(
                f"{self.name!r} is not a valid project name.", field=f"{path}.name"
            ) from error
        try:
            version = str(Version(self.version))
        except InvalidVersion as error:
            raise UserInputError(
                f"{self.version!r} is not a PEP 440 version.", field=f"{path}.version"
            ) from error
        index_url = self.index_url or domain.DEFAULT_INDEX_URL
        if not index_url.startswith(("https://", "http://")) or len(index_url) > 2000:
            raise UserInputError("must be an http(s) URL.", field=f"{path}.indexUrl")
        return domain.VersionKey(name, version, index_url)


@strawberry.input(description="A figure measured with a stack.")
class MetricInput:
    name: str
    value: float


@strawberry.input(description="A locked stack seen in a runtime environment, and its outcome.")
class StackObservationInput:
    packages: list[LockedVersionInput]
    runtime_environment: RuntimeEnvironmentInput
    outcome: StackOutcome
    source: ObservationSource = ObservationSource.USER
    message: str = ""
    metrics: list[MetricInput] | None = None
    document_ref: str | None = strawberry.field(
        default=None, description="The document it came from; default: the token's name."
    )
    observed_at: datetime | None = strawberry.field(default=None, description="Default: now.")

    def to_domain(self, path: str, default_ref: str) -> domain.StackObservation:
        """The observation this input states; its bounds are the ingest service's to check
        (`ingest/observations.py`), but no more packages are read than it takes."""
        if len(self.packages) > MAX_ITEMS:
            raise UserInputError(f"at most {MAX_ITEMS} packages.", field=f"{path}.packages")
        packages = tuple(p.to_domain(f"{path}.packages[{i}]") for i, p in enumerate(self.packages))
        metrics: dict[str, float] = {}
        for i, metric in enumerate(self.metrics or ()):
            if metric.name in metrics:
                raise UserInputError(
                    f"metric names are unique, 1 to {MAX_METRIC_NAME} characters.",
                    field=f"{path}.metrics[{i}].name",
                )
            metrics[metric.name] = metric.value
        document_ref = self.document_ref if self.document_ref is not None else default_ref
        return domain.StackObservation(
            packages=packages,
            environment=self.runtime_environment.to_domain(f"{path}.runtimeEnvironment"),
            outcome=self.outcome,
            provenance=domain.Provenance(
                self.source, document_ref, utc_timestamp(self.observed_at)
            ),
            message=self.message,
            metrics=metrics,
        )


def _graphql_field(path: str) -> str:
    """A domain field path (`document_ref`) as the GraphQL input names it (`documentRef`)."""
    return re.sub(r"_([a-z])", lambda match: match.group(1).upper(), path)


@strawberry.type
class RecordStackObservationPayload:
    stack_observation: StackObservation
    created: bool = strawberry.field(description="False if the same observation was recorded.")


async def _record_stack_observation(
    info: Info, input: StackObservationInput
) -> RecordStackObservationPayload:
    token = await authorize(info, TokenScope.WRITE)
    observation = input.to_domain("input", default_ref=f"token:{token.name}")
    try:
        [created] = await info.context.services.ingest.stack_observations(
            [observation], sources=["input"]
        )
    except InvalidDocuments as error:
        [refused] = error.errors
        fault = refused.faults[0]
        field = _graphql_field(f"{refused.source}{fault.path[1:]}")
        raise UserInputError(fault.message, field=field) from error
    return RecordStackObservationPayload(
        stack_observation=StackObservation.from_domain(observation), created=created
    )


@strawberry.type(description="Write to the knowledge graph; every mutation needs a token.")
class Mutation:
    ingest_solver_documents: IngestSolverDocumentsPayload = strawberry.mutation(
        resolver=_ingest_solver_documents,
        description=(
            "Ingest solver documents (JSON, as `thoth-graphql ingest` reads them). All are "
            "validated first: if any is invalid, nothing is written. Idempotent by document id."
        ),
    )
    ingest_advisories: IngestAdvisoriesPayload = strawberry.mutation(
        resolver=_ingest_advisories,
        description=(
            "Ingest OSV records (JSON). All are validated first; one transaction writes them. "
            "Idempotent by (OSV id, package); a new text of a record replaces the old."
        ),
    )
    register_runtime_environment: RegisterRuntimeEnvironmentPayload = strawberry.mutation(
        resolver=_register_runtime_environment,
        description="Register a runtime environment; idempotent (same fields, same id).",
    )
    record_stack_observation: RecordStackObservationPayload = strawberry.mutation(
        resolver=_record_stack_observation,
        description=(
            "Record how a locked stack fared in a runtime environment (registered with it). "
            "Idempotent: the same observation recorded again changes nothing."
        ),
    )
    create_token: CreateTokenPayload = strawberry.mutation(
        resolver=create_token,
        description=(
            "Make a new WRITE token, which expires (needs an ADMIN token; ADMIN tokens are "
            "made on the host with `thoth-graphql token create --scope admin`)."
        ),
    )
    revoke_token: RevokeTokenPayload = strawberry.mutation(
        resolver=revoke_token,
        description="Revoke a token by its id (needs an ADMIN token); idempotent.",
    )
    request_solver_analysis: RequestAnalysisPayload = strawberry.mutation(
        resolver=request_solver_analysis,
        description=(
            "Ask for a package to be solved in a sandbox (its versions, dependencies and "
            "installability); answers the QUEUED analysis. Rate-limited per token."
        ),
    )
    request_stack_inspection: RequestAnalysisPayload = strawberry.mutation(
        resolver=request_stack_inspection,
        description=(
            "Ask for a locked stack to be installed and a script run with it in a sandbox; "
            "the outcome becomes a stack observation (source INSPECTION). Rate-limited per "
            "token."
        ),
    )
    learn: Learning = strawberry.mutation(
        resolver=learn,
        description=(
            "Learn until the advise answer for `input` is complete: advise, solve the "
            "version ranges of the unknown packages it names, advise again, until nothing "
            "unknown could change the answer or a bound stops it. Answers at once; follow "
            "it with the `learning` subscription, which ends with the final answer."
        ),
    )

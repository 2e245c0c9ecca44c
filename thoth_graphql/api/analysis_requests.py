"""The mutations that request analyses: `requestSolverAnalysis`, `requestStackInspection`.

Each needs a WRITE token, checks its whole input first (BAD_USER_INPUT naming every
faulty field), is rate-limited per token (RATE_LIMITED with `retryAfter` seconds in
`extensions`), and answers the Analysis it recorded, QUEUED; `analysisStatus` follows it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import strawberry

from thoth_graphql import domain
from thoth_graphql.analyses.rate_limit import RateLimited, TooManyAtOnce
from thoth_graphql.analyses.requests import (
    AnalysisSpec,
    InvalidSpec,
    inspection_spec,
    solver_spec,
)
from thoth_graphql.analyses.service import AnalysisService, RequestNotStored
from thoth_graphql.api.analyses import Analysis
from thoth_graphql.api.auth import authorize
from thoth_graphql.api.context import Info
from thoth_graphql.api.environments import RuntimeEnvironmentInput
from thoth_graphql.api.errors import CodedError, ErrorCode, UserInputError
from thoth_graphql.domain import DEFAULT_INDEX_URL, RuntimeEnvironment, TokenScope


@strawberry.input(description="Solve a package: its versions, dependencies, installability.")
class SolverAnalysisInput:
    package_name: str = strawberry.field(description="The project, in any spelling.")
    version_spec: str | None = strawberry.field(
        default=None,
        description='A version ("2.10.1"), a PEP 440 specifier (">=2,<3"), or null for all.',
    )
    index_url: str | None = strawberry.field(
        default=None, description=f"A PEP 503 index. Default: {DEFAULT_INDEX_URL}."
    )
    runtime_environment: RuntimeEnvironmentInput | None = strawberry.field(
        default=None,
        description="Where installability is judged; what it leaves open is the runner's.",
    )
    max_versions: int | None = strawberry.field(
        default=None, description="Solve at most this many versions, newest first."
    )


@strawberry.input(description="One pinned package of a stack to inspect.")
class InspectedPackageInput:
    name: str
    version: str
    index: str | None = strawberry.field(
        default=None, description=f"Its index. Default: {DEFAULT_INDEX_URL}."
    )
    sha256: list[str] | None = strawberry.field(
        default=None, description="Hashes the lock allows; a fetched file must match one."
    )


@strawberry.input(description="Install a locked stack in a sandbox and run a script in it.")
class StackInspectionInput:
    packages: list[InspectedPackageInput]
    runtime_environment: RuntimeEnvironmentInput | None = strawberry.field(
        default=None, description="Must match a runner's interpreter and platform."
    )
    script: str | None = strawberry.field(
        default=None,
        description="Python run in the installed stack; `THOTH_METRIC name=value` lines "
        "it prints become metrics of the observation.",
    )


@strawberry.type(description="The analysis a request recorded.")
class RequestAnalysisPayload:
    analysis: Analysis = strawberry.field(description="QUEUED; follow it with analysisStatus.")


def _environment(given: RuntimeEnvironmentInput | None) -> RuntimeEnvironment:
    return RuntimeEnvironment() if given is None else given.to_domain("input.runtimeEnvironment")


def _refuse(error: InvalidSpec) -> UserInputError:
    faults = [(f"input.{field}", message) for field, message in error.faults]
    first, message = faults[0]
    return UserInputError(f"{first}: {message}", field=first, faults=faults)


def required_analysis_service(info: Info) -> AnalysisService:
    service = info.context.analyses
    if service is None:
        raise CodedError(
            ErrorCode.UNAVAILABLE, "This server runs no analyses: it has no object store."
        )
    return service


async def _request(info: Info, spec: AnalysisSpec, requester: str) -> RequestAnalysisPayload:
    [analysis] = await enqueue(info, [spec], requester)
    return RequestAnalysisPayload(analysis=Analysis.from_domain(analysis))


async def enqueue(
    info: Info, specs: Sequence[AnalysisSpec], requester: str
) -> list[domain.Analysis]:
    """Record and queue analyses for `requester`; refusals become coded errors."""
    service = required_analysis_service(info)
    try:
        return await service.request_many(specs, requester)
    except RateLimited as limited:
        seconds = max(1, math.ceil(limited.retry_after))
        raise CodedError(
            ErrorCode.RATE_LIMITED,
            f"Too many analysis requests with this token; retry in {seconds} s.",
            retryAfter=seconds,
        ) from limited
    except TooManyAtOnce as error:
        # Asked together, they are admitted together or not at all; asking again cannot help.
        raise UserInputError(
            f"{error.cost} analyses were asked for at once; a token may queue at most "
            f"{error.burst} at once. Ask for fewer (advise with fewer unknown packages)."
        ) from error
    except RequestNotStored as error:
        raise CodedError(
            ErrorCode.UNAVAILABLE,
            "The request could not be stored and will not run; retry later.",
        ) from error


async def request_solver_analysis(info: Info, input: SolverAnalysisInput) -> RequestAnalysisPayload:
    token = await authorize(info, TokenScope.WRITE)
    environment = _environment(input.runtime_environment)
    try:
        spec = solver_spec(
            input.package_name,
            input.version_spec,
            input.index_url,
            environment,
            input.max_versions,
        )
    except InvalidSpec as error:
        raise _refuse(error) from error
    return await _request(info, spec, token.token_hash)


async def request_stack_inspection(
    info: Info, input: StackInspectionInput
) -> RequestAnalysisPayload:
    token = await authorize(info, TokenScope.WRITE)
    environment = _environment(input.runtime_environment)
    try:
        spec = inspection_spec(
            [(p.name, p.version, p.index, p.sha256 or ()) for p in input.packages],
            environment,
            input.script,
        )
    except InvalidSpec as error:
        raise _refuse(error) from error
    return await _request(info, spec, token.token_hash)

"""`advise` as clients ask it: the AdviseInput (validated whole), and the AdviseResult with
its stacks, justifications, conflicts and lock files."""

from __future__ import annotations

import enum
from typing import Self

import strawberry
from packaging.requirements import InvalidRequirement, Requirement

from thoth_graphql import scorer
from thoth_graphql.advise_service import AdviseBusy, server_environment
from thoth_graphql.analyses.requests import InvalidSpec, solver_spec
from thoth_graphql.api.advisories import Advisory
from thoth_graphql.api.analyses import Analysis
from thoth_graphql.api.analysis_requests import enqueue
from thoth_graphql.api.auth import authorize
from thoth_graphql.api.context import Info
from thoth_graphql.api.environments import RuntimeEnvironmentInput
from thoth_graphql.api.errors import CodedError, ErrorCode, UserInputError
from thoth_graphql.api.observations import Installability, StackObservation
from thoth_graphql.api.types import PackageVersion
from thoth_graphql.domain import TokenScope

MAX_REQUIREMENTS = 5000
"""The most requirements (and, separately, constraints) one request takes: real sets
reach 1,000 (home-assistant) and constraint files more."""
MAX_REQUIREMENT_LENGTH = 1000
MAX_COUNT = 20
"""The most stacks one request asks for."""
MAX_TIME_LIMIT_MS = 20_000
"""The longest search a request may ask for: well inside the 30 s every operation gets,
so the best stacks found so far are still returned when it runs out."""
MAX_METRIC_NAME = 100

# The scorer's enums are the GraphQL enums: registered once here, used by their own names.
strawberry.enum(
    scorer.RecommendationType,
    description="The objective a stack is chosen for (docs/advise.md gives each as a formula).",
)
strawberry.enum(scorer.JustificationKind, description="The main reason a package has its version.")
strawberry.enum(scorer.GapReason, description="Why the graph could not judge something.")
RecommendationType = scorer.RecommendationType
JustificationKind = scorer.JustificationKind
GapReason = scorer.GapReason


@strawberry.enum(description="A lock file format.")
class LockfileFormat(enum.Enum):
    REQUIREMENTS_TXT = "requirements.txt"
    PYLOCK_TOML = "pylock.toml"


# -- input -------------------------------------------------------------------------------


def _requirements(texts: list[str], path: str, faults: list[tuple[str, str]]) -> tuple[str, ...]:
    """The PEP 508 requirements as given; every malformed one is added to `faults`."""
    if len(texts) > MAX_REQUIREMENTS:
        faults.append((path, f"at most {MAX_REQUIREMENTS} items."))
        return ()
    for i, text in enumerate(texts):
        field = f"{path}[{i}]"
        if not 0 < len(text) <= MAX_REQUIREMENT_LENGTH:
            faults.append((field, f"must hold 1 to {MAX_REQUIREMENT_LENGTH} characters."))
            continue
        try:
            Requirement(text)
        except InvalidRequirement as error:
            faults.append((field, f"{text!r} is not a PEP 508 requirement: {error}"))
    return tuple(texts)


def _within(value: int | None, default: int, low: int, high: int, field: str) -> int:
    if value is None:
        return default
    if not low <= value <= high:
        raise UserInputError(f"must be from {low} to {high}; got {value}.", field=field)
    return value


@strawberry.input(description="What to advise on: requirements, an environment, an objective.")
class AdviseInput:
    requirements: list[str] = strawberry.field(
        description='PEP 508 requirements, e.g. "dask[array]>=2.9; python_version >= \\"3.8\\"".'
    )
    constraints: list[str] | None = strawberry.field(
        default=None,
        description="PEP 508 constraints: they narrow the versions of required packages, "
        "never add a package.",
    )
    runtime_environment: RuntimeEnvironmentInput | None = strawberry.field(
        default=None,
        description="Where the stack will run. Default: the server's own interpreter "
        "(its Python version and platform).",
    )
    recommendation_type: RecommendationType | None = strawberry.field(
        default=RecommendationType.LATEST, description="The objective. Null means LATEST."
    )
    count: int | None = strawberry.field(
        default=1, description=f"How many distinct stacks, best first: 1 to {MAX_COUNT}."
    )
    time_limit_ms: int | None = strawberry.field(
        default=scorer.DEFAULT_TIME_LIMIT_MS,
        description=f"How long the search may run, 1 to {MAX_TIME_LIMIT_MS} ms. When it "
        "runs out, the best stacks found so far are returned with `optimal: false`.",
    )
    performance_metric: str | None = strawberry.field(
        default="performance",
        description="The metric PERFORMANCE maximises (higher is better), as recorded "
        "with stack observations.",
    )
    solve_unknown: bool = strawberry.field(
        default=False,
        description="Queue a solver analysis for every required package the graph does "
        "not know (needs a write token); their ids come back in `analyses`.",
    )

    def to_request(self, path: str) -> scorer.AdviseRequest:
        """The scorer's request, or BAD_USER_INPUT naming every faulty field of `path`."""
        faults: list[tuple[str, str]] = []
        if not self.requirements:
            faults.append((f"{path}.requirements", "at least one requirement."))
        requirements = _requirements(self.requirements, f"{path}.requirements", faults)
        constraints = _requirements(self.constraints or [], f"{path}.constraints", faults)
        if faults:
            raise UserInputError(
                f"{faults[0][0]}: {faults[0][1]}", field=faults[0][0], faults=faults
            )
        metric = self.performance_metric or "performance"
        if len(metric) > MAX_METRIC_NAME:
            raise UserInputError(
                f"at most {MAX_METRIC_NAME} characters.", field=f"{path}.performanceMetric"
            )
        environment = (
            server_environment()
            if self.runtime_environment is None
            else self.runtime_environment.to_domain(f"{path}.runtimeEnvironment")
        )
        return scorer.AdviseRequest(
            requirements=requirements,
            constraints=constraints,
            environment=environment,
            recommendation_type=self.recommendation_type or RecommendationType.LATEST,
            count=_within(self.count, 1, 1, MAX_COUNT, f"{path}.count"),
            time_limit_ms=_within(
                self.time_limit_ms,
                scorer.DEFAULT_TIME_LIMIT_MS,
                1,
                MAX_TIME_LIMIT_MS,
                f"{path}.timeLimitMs",
            ),
            performance_metric=metric,
        )


# -- result ------------------------------------------------------------------------------


async def _package_version(root: LockedPackageType, info: Info) -> PackageVersion | None:
    for version in await info.context.loaders.versions.load(root.name):
        if version.version == root.version and version.index_url == root.index:
            return PackageVersion.from_domain(version)
    return None


@strawberry.type(
    name="LockedPackage",
    description="One package of a stack: the version chosen and its index.",
)
class LockedPackageType:
    """The GraphQL type of the scorer's LockedPackage."""

    name: str = strawberry.field(description="The canonical package name.")
    version: str
    index: str = strawberry.field(description="The index URL the release comes from.")
    extras: list[str] = strawberry.field(description="The extras the stack requests of it.")
    package_version: PackageVersion | None = strawberry.field(
        resolver=_package_version, description="The release in the graph."
    )

    @classmethod
    def from_scorer(cls, package: scorer.LockedPackage) -> Self:
        return cls(
            name=package.name,
            version=package.version,
            index=package.index,
            extras=list(package.extras),
        )


@strawberry.type(
    description="What is known about one release that counted in the choice: why it was "
    "avoided, or a note on the chosen one, and the records it comes from."
)
class Reason:
    version: str = strawberry.field(description="The release it is about.")
    avoided: bool = strawberry.field(
        description="True: the release was left out; false: a note on the chosen one."
    )
    message: str
    stack_observations: list[StackObservation] = strawberry.field(
        description="The stack observations behind it (a few examples)."
    )
    advisories: list[Advisory] = strawberry.field(description="The advisories behind it.")
    installability: list[Installability] = strawberry.field(
        description="The installability records behind it."
    )

    @classmethod
    def from_scorer(cls, reason: scorer.Reason) -> Self:
        return cls(
            version=reason.version,
            avoided=reason.avoided,
            message=reason.message,
            stack_observations=[StackObservation.from_domain(o) for o in reason.stack_observations],
            advisories=[Advisory.from_domain(a) for a in reason.advisories],
            installability=[Installability.from_domain(i) for i in reason.installability],
        )


@strawberry.type(description="Why a package of a stack has its version.")
class Justification:
    package: str = strawberry.field(description="The canonical package name.")
    version: str = strawberry.field(description="The version chosen.")
    kind: JustificationKind
    message: str = strawberry.field(description="The reasoning, in a sentence a person can check.")
    reasons: list[Reason] = strawberry.field(
        description="The releases avoided (newest first) and notes on the chosen one."
    )

    @classmethod
    def from_scorer(cls, justification: scorer.Justification) -> Self:
        return cls(
            package=justification.package,
            version=justification.version,
            kind=justification.kind,
            message=justification.message,
            reasons=[Reason.from_scorer(r) for r in justification.reasons],
        )


def _lockfile(root: Stack, format: LockfileFormat = LockfileFormat.REQUIREMENTS_TXT) -> str:
    return root.locked.lockfile(format.value)


@strawberry.type(description="A fully locked set of versions that satisfies every requirement.")
class Stack:
    locked: strawberry.Private[scorer.Stack]
    score: float = strawberry.field(
        description="Minus the objective's cost (0 is best; always 0 for LATEST)."
    )
    packages: list[LockedPackageType] = strawberry.field(description="The packages, by name.")
    justifications: list[Justification] = strawberry.field(
        description="One per package, in the order the search decided them."
    )
    lockfile: str = strawberry.field(
        resolver=_lockfile,
        description="The stack as a lock file: requirements.txt (with hashes when every "
        "package's are known) or PEP 751 pylock.toml.",
    )

    @classmethod
    def from_scorer(cls, stack: scorer.Stack) -> Self:
        return cls(
            locked=stack,
            score=stack.score or 0.0,  # no -0.0 on the wire
            packages=[LockedPackageType.from_scorer(p) for p in stack.packages],
            justifications=[Justification.from_scorer(j) for j in stack.justifications],
        )


@strawberry.type(description="No stack exists: why, as chains of requirements from the roots.")
class Unsatisfiable:
    message: str
    conflicts: list[str] = strawberry.field(
        description='Chains "root -> requirement (declared by name==version) -> ..." down to '
        "the clash; minimal: no requirement that could be left out appears."
    )
    packages: list[str] = strawberry.field(description="The packages blamed.")


@strawberry.type(
    description="Something the graph does not know that could change the answer: solving "
    "it (`solveUnknown`, `requestSolverAnalysis`) fills the gap."
)
class KnowledgeGap:
    package: str = strawberry.field(description="The canonical package name.")
    reason: GapReason
    requirement: str = strawberry.field(description="The requirement that names it.")
    required_by: str = strawberry.field(description="The release declaring it, name==version.")


@strawberry.type(description="The best stacks for the objective, or why there is none.")
class AdviseResult:
    stacks: list[Stack] = strawberry.field(description="Best first; empty when none was found.")
    unsatisfiable: Unsatisfiable | None = strawberry.field(
        description="Set when it is proven that no stack exists."
    )
    unresolved: list[str] = strawberry.field(
        description="Requirements on packages the graph does not know, with a message each."
    )
    optimal: bool = strawberry.field(
        description="Whether the answer is proven: the best stacks, or that none exists, "
        "over the index as the graph knows it and with nothing relevant unknown (`complete`)."
        " False when the time limit ran out first, or when `gaps` could change the answer."
    )
    complete: bool = strawberry.field(
        description="Whether nothing the graph does not know could change the answer. When "
        "false, the stacks (or the unsatisfiable explanation) are provisional and `gaps` "
        "lists what to solve."
    )
    gaps: list[KnowledgeGap] = strawberry.field(
        description="What the graph does not know that could change the answer, each once."
    )
    notes: list[str] = strawberry.field(
        default_factory=list,
        description="What the answer leaves out and why, e.g. dependency markers that "
        "cannot be evaluated in this environment (their dependencies were taken not to "
        "apply).",
    )
    analyses: list[Analysis] = strawberry.field(
        default_factory=list,
        description="The solver analyses queued for unknown packages (`solveUnknown`); "
        "advise again once they have SUCCEEDED.",
    )

    @classmethod
    def from_scorer(cls, result: scorer.AdviseResult) -> Self:
        unsatisfiable = result.unsatisfiable
        return cls(
            stacks=[Stack.from_scorer(s) for s in result.stacks],
            unsatisfiable=None
            if unsatisfiable is None
            else Unsatisfiable(
                message=unsatisfiable.message,
                conflicts=list(unsatisfiable.conflicts),
                packages=list(unsatisfiable.packages),
            ),
            unresolved=list(result.unresolved),
            optimal=result.optimal,
            complete=result.complete,
            gaps=[
                KnowledgeGap(
                    package=g.package,
                    reason=g.reason,
                    requirement=g.requirement,
                    required_by=g.required_by,
                )
                for g in result.gaps
            ],
            notes=list(result.notes),
        )


async def resolve_advise(info: Info, input: AdviseInput) -> AdviseResult:
    """The `advise` query: validate, ask the store's advise service, shape the answer."""
    request = input.to_request("input")
    # Queuing analyses is a write, so it needs a write token even inside a query.
    token = await authorize(info, TokenScope.WRITE) if input.solve_unknown else None
    try:
        result = await info.context.advisor.advise(request)
    except AdviseBusy as busy:
        raise CodedError(ErrorCode.UNAVAILABLE, f"advise is saturated: {busy}; retry") from None
    if not result.optimal:
        # Cut short by the time limit: another try may do better, so it is never cached.
        info.context.provisional = True
    answer = AdviseResult.from_scorer(result)
    if token is not None and result.missing:
        try:
            specs = [solver_spec(name, environment=request.environment) for name in result.missing]
        except InvalidSpec as refused:  # e.g. the default index is off this server's list
            raise UserInputError(
                f"input.solveUnknown: {refused}", field="input.solveUnknown"
            ) from refused
        queued = await enqueue(info, specs, token.token_hash)
        answer.analyses = [Analysis.from_domain(a) for a in queued]
    return answer

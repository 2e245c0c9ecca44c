"""The objective of each recommendation type, as costs on releases and pairs of releases.

A stack's cost is the sum of the costs of its releases and of its pairs of releases; ties
in cost go to the newest stack in the breadth-first order of docs/advise.md. LATEST has no
costs at all, so its first stack found is optimal.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from thoth_graphql.domain import Advisory, Installability, StackObservation
from thoth_graphql.scorer.evidence import (
    Release,
    StackEvidence,
    release_of,
    same_environment,
)
from thoth_graphql.scorer.snapshot import EnvironmentView, PackageIndex
from thoth_graphql.scorer.types import AdviseRequest, RecommendationType

DEFAULT_SEVERITY = 5.0
"""The cost of an advisory that states no severity (CVSS 'medium')."""


@dataclass(frozen=True, slots=True)
class Note:
    """Why a release costs what it costs, or is excluded: a sentence and its sources."""

    text: str
    stack_observations: tuple[StackObservation, ...] = ()
    advisories: tuple[Advisory, ...] = ()
    installability: tuple[Installability, ...] = ()


@dataclass(slots=True)
class Objective:
    """Costs the search minimises; every cost is >= 0, so 0 is a proven lower bound."""

    kind: RecommendationType
    single: dict[int, dict[int, float]] = field(default_factory=dict)
    """package id -> version number -> cost of having that release in the stack."""
    pairs: dict[Release, list[tuple[int, int, float]]] = field(default_factory=dict)
    """release -> (other package id, other version, cost) of having both in the stack."""
    excluded: dict[int, int] = field(default_factory=dict)
    """package id -> versions that may not be chosen at all (known not to install)."""
    notes: dict[Release, list[Note]] = field(default_factory=dict)
    """Why a release costs what it costs, or is excluded, for justifications."""

    @property
    def lexicographic(self) -> bool:
        """No costs: the search's order alone ranks stacks, so the first k are the best."""
        return not self.single and not self.pairs

    def step_cost(self, p: int, v: int, chosen: list[int]) -> float:
        """The cost that choosing version v of p adds to the packages chosen so far."""
        cost = 0.0
        costs = self.single.get(p)
        if costs:
            cost += costs.get(v, 0.0)
        for q, w, pair_cost in self.pairs.get((p, v), ()):
            if chosen[q] == w:
                cost += pair_cost
        return cost

    def cost_of(self, chosen: dict[int, int]) -> float:
        """cost(S) of docs/advise.md: every costed release and every costed pair in it,
        summed in one order (by package id) so that every engine gets the same float."""
        total = 0.0
        for p, v in sorted(chosen.items()):
            costs = self.single.get(p)
            if costs:
                total += costs.get(v, 0.0)
            for q, w, pair_cost in self.pairs.get((p, v), ()):
                if (p, v) < (q, w) and chosen.get(q) == w:
                    total += pair_cost
        return total

    def proven(self, costs: list[float], count: int) -> bool:
        """Whether the k best found so far can no longer be beaten (all cost 0)."""
        return len(costs) >= count and costs[-1] <= 0.0

    def note(self, release: Release, note: Note) -> None:
        self.notes.setdefault(release, []).append(note)

    def add_single(self, release: Release, cost: float) -> None:
        p, v = release
        costs = self.single.setdefault(p, {})
        costs[v] = costs.get(v, 0.0) + cost

    def add_pair(self, first: Release, second: Release, cost: float) -> None:
        self.pairs.setdefault(first, []).append((*second, cost))
        self.pairs.setdefault(second, []).append((*first, cost))


def objective_for(view: EnvironmentView, request: AdviseRequest) -> Objective:
    """The objective of a request's recommendation type over one snapshot view."""
    kind = request.recommendation_type
    objective = Objective(kind)
    # Every type, LATEST too, leaves out what is known not to install here: recommending
    # it would only send the user to a failing `pip install`.
    _exclude_uninstallable(view, request, objective)
    if kind is RecommendationType.STABLE:
        _stable(view, request, objective)
    elif kind is RecommendationType.SECURITY:
        _security(view, request, objective)
    elif kind is RecommendationType.PERFORMANCE:
        _performance(view, request, objective)
    elif kind is RecommendationType.TESTING:
        _testing(view, request, objective)
    return objective


def _exclude_uninstallable(
    view: EnvironmentView, request: AdviseRequest, objective: Objective
) -> None:
    for item in request.observations.installability:
        if item.installable or not same_environment(item.environment, request.environment):
            continue
        release = release_of(view.snapshot, item.version)
        if release is None:
            continue
        p, v = release
        objective.excluded[p] = objective.excluded.get(p, 0) | (1 << v)
        reason = f": {item.error}" if item.error else ""
        text = f"known not to install in this environment{reason}"
        objective.note(release, Note(text, installability=(item,)))


def _label(view: EnvironmentView, release: Release) -> str:
    package = view.snapshot.by_id[release[0]]
    return f"{package.name}=={package.versions[release[1]]}"


def _stable(view: EnvironmentView, request: AdviseRequest, objective: Objective) -> None:
    evidence = StackEvidence.tally(view.snapshot, request.observations.stacks, request.environment)
    for release, tally in evidence.singles.items():
        if tally.failures:
            objective.add_single(release, tally.cost)
            text = (
                f"failure risk {tally.risk:.2f}: in {tally.failures} failed and "
                f"{tally.successes} successful stacks ({tally.labels})"
            )
            objective.note(release, Note(text, stack_observations=tuple(tally.failed)))
    for (first, second), tally in evidence.pairs.items():
        if tally.failures:
            objective.add_pair(first, second, tally.cost)
            text = (
                f"failure risk {tally.risk:.2f} together with {{other}}: in "
                f"{tally.failures} failed and {tally.successes} successful stacks "
                f"({tally.labels})"
            )
            failed = tuple(tally.failed)
            objective.note(first, Note(text.format(other=_label(view, second)), failed))
            objective.note(second, Note(text.format(other=_label(view, first)), failed))


def _security(view: EnvironmentView, request: AdviseRequest, objective: Objective) -> None:
    for advisory in request.observations.advisories:
        package: PackageIndex | None = view.snapshot.packages.get(advisory.package)
        if package is None:
            continue
        severity = DEFAULT_SEVERITY if advisory.severity is None else advisory.severity
        cost = max(severity, 0.1)
        for v, version in enumerate(package.versions):
            if advisory.affects(version):
                objective.add_single((package.id, v), cost)
                text = f"affected by {advisory.id} (severity {severity:g})" + (
                    f": {advisory.summary}" if advisory.summary else ""
                )
                objective.note((package.id, v), Note(text, advisories=(advisory,)))


def _performance(view: EnvironmentView, request: AdviseRequest, objective: Objective) -> None:
    evidence = StackEvidence.tally(
        view.snapshot,
        request.observations.stacks,
        request.environment,
        metric=request.performance_metric,
        hardware=True,
    )
    by_package: dict[int, dict[int, float]] = {}
    for (p, v), values in evidence.metrics.items():
        by_package.setdefault(p, {})[v] = sum(values) / len(values)
    for p, means in by_package.items():
        best, worst = max(means.values()), min(means.values())
        scale = abs(best) or 1.0
        package = view.snapshot.by_id[p]
        for v in range(len(package.versions)):
            mean = means.get(v)
            # A version never measured here is assumed no better than the worst measured.
            loss = (best - (worst if mean is None else mean)) / scale
            if loss > 0:
                objective.add_single((p, v), loss)
            if mean is not None:
                text = (
                    f"{request.performance_metric} {mean:g} on this hardware "
                    f"(mean of {len(evidence.metrics[(p, v)])} stacks; best {best:g})"
                )
                measured = tuple(evidence.measured.get((p, v), ()))
                objective.note((p, v), Note(text, stack_observations=measured))


def _testing(view: EnvironmentView, request: AdviseRequest, objective: Objective) -> None:
    evidence = StackEvidence.tally(view.snapshot, request.observations.stacks, request.environment)
    for release, tally in evidence.singles.items():
        objective.add_single(release, float(tally.observed))
        text = f"already observed in {tally.observed} stacks"
        objective.note(release, Note(text, stack_observations=tuple(tally.seen)))
    for (first, second), tally in evidence.pairs.items():
        objective.add_pair(first, second, float(tally.observed))

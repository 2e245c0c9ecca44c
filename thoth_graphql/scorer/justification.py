"""Why each package of a stack has its version, in sentences a person can check."""

from __future__ import annotations

from thoth_graphql.scorer.bitset import members, newest
from thoth_graphql.scorer.objectives import Objective
from thoth_graphql.scorer.search import Constraint, Solution
from thoth_graphql.scorer.snapshot import EnvironmentView, PackageIndex
from thoth_graphql.scorer.types import Justification


def _requirer(view: EnvironmentView, solution: Solution, constraint: Constraint) -> str:
    if constraint.requirer == -1:
        return f"the request ({constraint.text})"
    package = view.snapshot.by_id[constraint.requirer]
    version = package.versions[solution.chosen[constraint.requirer]]
    return f"{package.name}=={version} ({constraint.text})"


def justify(view: EnvironmentView, solution: Solution, objective: Objective) -> list[Justification]:
    """One justification per package, in the order the search decided them."""
    out: list[Justification] = []
    for p in solution.order:
        package = view.snapshot.by_id[p]
        out.append(Justification(package.name, _sentence(view, solution, objective, package)))
    return out


def _sentence(
    view: EnvironmentView, solution: Solution, objective: Objective, package: PackageIndex
) -> str:
    p = package.id
    v = solution.chosen[p]
    version = package.versions[v]
    usable = view.usable(package) & ~package.yanked_mask
    if package.final_mask & (1 << v):
        usable &= package.final_mask
    constraints = solution.constraints[p]
    allowed = usable & ~objective.excluded.get(p, 0)
    for c in constraints:
        allowed &= c.bits
    parts: list[str] = []
    newest_here = newest(usable) if usable else v
    if v == newest_here:
        parts.append(f"{version} is the newest release usable here")
    else:
        narrowing = [c for c in constraints if usable & ~c.bits & ((1 << v) - 1)]
        newest_allowed = newest(allowed) if allowed else v
        if v == newest_allowed:
            if narrowing:
                by = "; ".join(_requirer(view, solution, c) for c in narrowing)
                parts.append(f"{version} is the newest release allowed by {by}")
            else:
                parts.append(f"{version} is the newest release not excluded here")
        else:
            parts.append(f"{version} is older than the newest allowed release")
        excluded = objective.excluded.get(p, 0) & usable & ((1 << v) - 1)
        for i in members(excluded)[:3]:
            parts.append(f"avoided {package.versions[i]}: " + "; ".join(objective.notes[(p, i)]))
        if v != newest_allowed:
            newer = allowed & ((1 << v) - 1)
            explained = False
            for i in members(newer)[:3]:
                notes = objective.notes.get((p, i))
                if notes:
                    parts.append(f"avoided {package.versions[i]}: " + "; ".join(notes[:2]))
                    explained = True
            if not explained:
                parts.append(
                    f"newer releases ({package.versions[newest_allowed]} and up) cannot be "
                    "combined with the packages chosen before it"
                )
    notes = objective.notes.get((p, v))
    if notes:
        parts.append("note: " + "; ".join(notes[:2]))
    return "; ".join(parts)

"""Why each package of a stack has its version, in sentences a person can check, with the
observations, advisories and installability records behind them."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TypeVar

from thoth_graphql.scorer.bitset import members, newest
from thoth_graphql.scorer.decisions import Constraint, Solution
from thoth_graphql.scorer.objectives import Note, Objective
from thoth_graphql.scorer.snapshot import EnvironmentView, PackageIndex
from thoth_graphql.scorer.types import Justification, JustificationKind, Reason

T = TypeVar("T")

AVOIDED_SHOWN = 3
"""How many avoided releases a justification names (the newest ones)."""
NOTES_SHOWN = 2
"""How many notes on one release a justification repeats."""


def _requirer(view: EnvironmentView, solution: Solution, constraint: Constraint) -> str:
    if constraint.requirer == -1:
        return f"the request ({constraint.text})"
    package = view.snapshot.by_id[constraint.requirer]
    version = package.versions[solution.chosen[constraint.requirer]]
    return f"{package.name}=={version} ({constraint.text})"


def justify(view: EnvironmentView, solution: Solution, objective: Objective) -> list[Justification]:
    """One justification per package, in the order the search decided them."""
    return [_justify(view, solution, objective, view.snapshot.by_id[p]) for p in solution.order]


def _unique(items: Iterable[T]) -> tuple[T, ...]:
    # Observations hold dicts (metrics), so they are compared, not hashed.
    out: list[T] = []
    for item in items:
        if item not in out:
            out.append(item)
    return tuple(out)


def _reason(version: str, avoided: bool, notes: Sequence[Note]) -> Reason:
    shown = notes[:NOTES_SHOWN]
    return Reason(
        version=version,
        avoided=avoided,
        message="; ".join(n.text for n in shown),
        stack_observations=_unique(o for n in shown for o in n.stack_observations),
        advisories=_unique(a for n in shown for a in n.advisories),
        installability=_unique(i for n in shown for i in n.installability),
    )


def _justify(
    view: EnvironmentView, solution: Solution, objective: Objective, package: PackageIndex
) -> Justification:
    p = package.id
    v = solution.chosen[p]
    version = package.versions[v]
    usable = view.usable(package) & ~package.yanked_mask
    if package.final_mask & (1 << v):
        usable &= package.final_mask
    constraints = solution.constraints[p]
    required = usable
    for c in constraints:
        required &= c.bits
    newer = (1 << v) - 1
    reasons: list[Reason] = []
    for i in members(required & newer):
        notes = objective.notes.get((p, i))
        if notes and len(reasons) < AVOIDED_SHOWN:
            reasons.append(_reason(str(package.versions[i]), True, notes))
    if not usable & newer:
        kind = JustificationKind.NEWEST
        parts = [f"{version} is the newest release usable here"]
    elif not required & newer:
        kind = JustificationKind.NEWEST_ALLOWED
        narrowing = [c for c in constraints if usable & ~c.bits & newer]
        by = "; ".join(_requirer(view, solution, c) for c in narrowing) or "the requirements"
        parts = [f"{version} is the newest release allowed by {by}"]
    else:
        newest_required = package.versions[newest(required)]
        parts = [f"{version} is older than the newest allowed release, {newest_required}"]
        if reasons:
            kind = JustificationKind.AVOIDED_NEWER
            parts += [f"avoided {r.version}: {r.message}" for r in reasons]
        else:
            kind = JustificationKind.INCOMPATIBLE_NEWER
            parts.append(
                f"newer releases ({newest_required} and up) cannot be combined with the "
                "packages chosen before it"
            )
    chosen_notes = objective.notes.get((p, v))
    if chosen_notes:
        note = _reason(str(version), False, chosen_notes)
        reasons.append(note)
        parts.append(f"note: {note.message}")
    return Justification(
        package=package.name,
        message="; ".join(parts),
        kind=kind,
        version=str(version),
        reasons=tuple(reasons),
    )

"""The stack scorer against resolvelib on resolvelib's own cases, and the engine probes.

    .venv/bin/python -m bench.scorer [--repeat N] [--no-engines]

For every case of tests/data/external/resolvelib: the scorer's time on a snapshot that is
already loaded (first request on a fresh snapshot, and warm: the median of repeats),
resolvelib's time with a plain provider over the same releases and the same marker
environment (median of repeats), and the ratio warm/resolvelib; then the median and the
max ratio. Then, for pyrex-1.9.8 and cheroot, the same question asked of OR-Tools CP-SAT
and of a PySAT SAT solver, split into model building and solving (docs/decisions/0004).
"""

from __future__ import annotations

import argparse
import operator
import statistics
import time
from collections.abc import Callable, Iterator
from functools import partial, reduce
from typing import Any, NamedTuple

from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import Version
from resolvelib import (
    AbstractProvider,
    BaseReporter,
    ResolutionImpossible,
    ResolutionTooDeep,
    Resolver,
)

from bench.universe import (
    ENVIRONMENT,
    resolvelib_case,
    resolvelib_cases,
    resolvelib_snapshot,
)
from thoth_graphql.domain import marker_environment
from thoth_graphql.scorer import AdviseRequest, Snapshot, recommend
from thoth_graphql.scorer.requirements import read_demands


class Candidate(NamedTuple):
    name: str
    version: Version
    extras: frozenset[str]


class PlainProvider(AbstractProvider):  # type: ignore[type-arg]
    """resolvelib's functional-test provider, reading markers like pip does."""

    def __init__(self, index: dict[str, dict[str, list[str]]]) -> None:
        self.index = index
        self.values = marker_environment(ENVIRONMENT)

    def identify(self, requirement_or_candidate: Any) -> str:
        name = canonicalize_name(requirement_or_candidate.name)
        extras = requirement_or_candidate.extras
        return f"{name}[{','.join(sorted(extras))}]" if extras else name

    def get_preference(
        self,
        identifier: Any,
        resolutions: Any,
        candidates: Any,
        information: Any,
        backtrack_causes: Any,
    ) -> Any:
        return (all(p is not None for _, p in information[identifier]), identifier)

    def find_matches(self, identifier: Any, requirements: Any, incompatibilities: Any) -> Any:
        name = identifier.partition("[")[0]
        bad = {c.version for c in incompatibilities[identifier]}
        extras = frozenset(e for r in requirements[identifier] for e in r.extras)
        spec = reduce(
            operator.and_, (r.specifier for r in requirements[identifier]), SpecifierSet()
        )
        versions = (v for k in self.index.get(name, {}) if (v := Version(k)) not in bad)
        found = [Candidate(name, v, extras) for v in spec.filter(versions)]
        return sorted(found, key=operator.attrgetter("version"), reverse=True)

    def is_satisfied_by(self, requirement: Any, candidate: Any) -> bool:
        return bool(requirement.specifier.contains(candidate.version, prereleases=True))

    def get_dependencies(self, candidate: Any) -> Any:
        out = []
        if candidate.extras:
            out.append(Requirement(f"{candidate.name}=={candidate.version}"))
        for text in self.index[candidate.name][str(candidate.version)]:
            requirement = Requirement(text)
            if requirement.marker is None or any(
                requirement.marker.evaluate({**self.values, "extra": e})
                for e in (candidate.extras or {""})
            ):
                out.append(requirement)
        return out


def plain_index(snapshot: Snapshot) -> dict[str, dict[str, list[str]]]:
    """The snapshot's releases as resolvelib's index format: PEP 508 strings."""
    index: dict[str, dict[str, list[str]]] = {}
    for name, package in snapshot.packages.items():
        index[name] = {
            str(version): [str(d.requirement()) for d in release.dependencies]
            for version, release in zip(package.versions, package.releases, strict=True)
        }
    return index


def timed(work: Callable[[], object], repeat: int) -> tuple[float, object]:
    times = []
    result: object = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = work()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def resolve(index: dict[str, dict[str, list[str]]], requested: list[str], rounds: int) -> str:
    try:
        result = Resolver(PlainProvider(index), BaseReporter()).resolve(
            [Requirement(r) for r in requested], max_rounds=rounds
        )
    except ResolutionImpossible:
        return "impossible"
    except ResolutionTooDeep:
        return f"too deep ({rounds} rounds)"
    return f"{len(result.mapping)} pkgs"


def cases(repeat: int) -> None:
    print(f"{'case':<26} {'scorer 1st':>10} {'warm':>8} {'resolvelib':>11} {'ratio':>6}  answers")
    ratios = []
    for name in resolvelib_cases():
        case = resolvelib_case(name)
        requested = case["requested"]
        # A fresh snapshot per case: the first request pays for matching specifiers
        # and evaluating markers; warm requests reuse that work, as the service does.
        resolvelib_snapshot.cache_clear()
        snapshot = resolvelib_snapshot(case["index"])
        request = AdviseRequest(tuple(requested), environment=ENVIRONMENT, time_limit_ms=60_000)
        start = time.perf_counter()
        recommend(snapshot, request)
        first = time.perf_counter() - start
        warm, result = timed(partial(recommend, snapshot, request), repeat)
        index = plain_index(snapshot)
        baseline, answer = timed(partial(resolve, index, requested, 100), max(1, repeat // 4))
        ratio = warm / baseline
        ratios.append(ratio)
        ours = (
            f"{len(result.stacks[0].packages)} pkgs"  # type: ignore[attr-defined]
            if result.stacks  # type: ignore[attr-defined]
            else "unsatisfiable" + (" (proven)" if result.optimal else "")  # type: ignore[attr-defined]
        )
        print(
            f"{name:<26} {first * 1000:8.2f}ms {warm * 1000:6.2f}ms {baseline * 1000:9.2f}ms "
            f"{ratio:6.3f}  ours {ours}; resolvelib {answer}"
        )
    print(
        f"ratio scorer/resolvelib: median {statistics.median(ratios):.3f} (goal <= 1.0), "
        f"max {max(ratios):.3f} (goal <= 2.0)"
    )
    case = resolvelib_case("pyrex-1.9.8")
    index = plain_index(resolvelib_snapshot(case["index"]))
    start = time.perf_counter()
    answer = resolve(index, case["requested"], 5000)
    elapsed = time.perf_counter() - start
    print(f"resolvelib on pyrex-1.9.8 with 5000 rounds: {answer} in {elapsed:.1f} s")


# -- engine probes: the same feasibility question as a CP-SAT model and a CNF -----------


def _reachable(snapshot: Snapshot, requested: list[str]) -> Iterator[tuple[Any, int, list[Any]]]:
    view = snapshot.view(ENVIRONMENT)
    demands = read_demands(view, tuple(requested), ())
    seen = {d.package.id for d in demands.roots}
    stack = [d.package for d in demands.roots]
    while stack:
        package = stack.pop()
        for i in range(len(package.versions)):
            if not (view.usable(package) >> i) & 1:
                continue
            edges = list(view.edges(package, i))
            yield package, i, edges
            for edge in edges:
                if edge.target is not None and edge.target.id not in seen:
                    seen.add(edge.target.id)
                    stack.append(edge.target)


def cp_sat(snapshot: Snapshot, requested: list[str]) -> tuple[float, float, str]:
    from ortools.sat.python import cp_model

    start = time.perf_counter()
    view = snapshot.view(ENVIRONMENT)
    model = cp_model.CpModel()
    x: dict[tuple[int, int], Any] = {}

    def var(p: int, v: int) -> Any:
        if (p, v) not in x:
            x[(p, v)] = model.new_bool_var(f"x{p}_{v}")
        return x[(p, v)]

    by_package: dict[int, list[Any]] = {}
    for package, i, edges in _reachable(snapshot, requested):
        me = var(package.id, i)
        by_package.setdefault(package.id, []).append(me)
        for edge in edges:
            if edge.target is None:
                model.add(me == 0)
                continue
            options = [
                var(edge.target.id, w) for w in _members(edge.bits & view.usable(edge.target))
            ]
            model.add_bool_or([*options, me.Not()])
    for options in by_package.values():
        model.add_at_most_one(options)
    for demand in read_demands(view, tuple(requested), ()).roots:
        model.add_bool_or([var(demand.package.id, w) for w in _members(demand.bits)])
    built = time.perf_counter()
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    status = solver.solve(model)
    return built - start, time.perf_counter() - built, solver.status_name(status)


def sat(snapshot: Snapshot, requested: list[str]) -> tuple[float, float, str]:
    from pysat.solvers import Solver  # type: ignore[import-untyped]

    start = time.perf_counter()
    view = snapshot.view(ENVIRONMENT)
    ids: dict[tuple[int, int], int] = {}

    def var(p: int, v: int) -> int:
        return ids.setdefault((p, v), len(ids) + 1)

    clauses: list[list[int]] = []
    by_package: dict[int, list[int]] = {}
    for package, i, edges in _reachable(snapshot, requested):
        me = var(package.id, i)
        by_package.setdefault(package.id, []).append(me)
        for edge in edges:
            if edge.target is None:
                clauses.append([-me])
                continue
            options = [
                var(edge.target.id, w) for w in _members(edge.bits & view.usable(edge.target))
            ]
            clauses.append([*options, -me])
    for options in by_package.values():
        clauses += [[-a, -b] for j, a in enumerate(options) for b in options[j + 1 :]]
    for demand in read_demands(view, tuple(requested), ()).roots:
        clauses.append([var(demand.package.id, w) for w in _members(demand.bits)])
    built = time.perf_counter()
    with Solver(name="cadical153", bootstrap_with=clauses) as solver:
        answer = "SAT" if solver.solve() else "UNSAT"
    return built - start, time.perf_counter() - built, answer


def _members(mask: int) -> list[int]:
    return [i for i in range(mask.bit_length()) if (mask >> i) & 1]


def engines() -> None:
    print("engine probes (feasibility only; build = model from a warm snapshot view):")
    for name in ("pyrex-1.9.8", "cheroot"):
        case = resolvelib_case(name)
        snapshot = resolvelib_snapshot(case["index"])
        request = AdviseRequest(tuple(case["requested"]), environment=ENVIRONMENT)
        recommend(snapshot, request)
        ours, _ = timed(partial(recommend, snapshot, request), 5)
        print(
            f"  {name:<12} scorer (optimal stack or proof, with explanation): {ours * 1000:.2f} ms"
        )
        for label, probe in (("CP-SAT", cp_sat), ("PySAT/CaDiCaL", sat)):
            try:
                build, solve, status = probe(snapshot, case["requested"])
            except ImportError as error:
                print(f"  {name:<12} {label}: not installed ({error})")
                continue
            print(
                f"  {name:<12} {label}: build {build * 1000:.1f} ms + solve {solve * 1000:.1f} ms"
                f" -> {status}"
            )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--no-engines", action="store_true")
    arguments = parser.parse_args()
    cases(arguments.repeat)
    if not arguments.no_engines:
        engines()

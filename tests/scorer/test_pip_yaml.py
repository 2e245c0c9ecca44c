"""pip's YAML resolver cases: the newest stack that fits, or no stack where pip fails."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from packaging.requirements import InvalidRequirement, Requirement
from packaging.version import InvalidVersion, Version

from bench.universe import PIP_YAML, release, stack_problems
from thoth_graphql.domain import Release, canonical_name
from thoth_graphql.scorer import AdviseRequest, Snapshot, recommend

_CONDA_PIN = re.compile(r"^([A-Za-z0-9_.-]+)\s+([0-9][A-Za-z0-9_.*]*)$")


def _requirement(text: str) -> str:
    """pip's harness reads conda's `name 1.0.*` (from huge.yml/large.yml) as `name==1.0.*`."""
    found = _CONDA_PIN.match(text.strip())
    return f"{found.group(1)}=={found.group(2)}" if found else text


def _releases(available: list[Any]) -> list[Release]:
    """The universe; a release whose metadata is not PEP 440/508 is left out, as pip
    could not install it either."""
    out: list[Release] = []
    for entry in available:
        try:
            _add(out, entry)
        except (InvalidRequirement, InvalidVersion):
            continue
    return out


def _add(out: list[Release], entry: Any) -> None:
    if isinstance(entry, str):
        head, _, tail = entry.partition(";")
        name, version = head.split()
        depends = tail.strip().removeprefix("depends").strip()
        requirements = [r.strip() for r in depends.split(",") if r.strip()]
        out.append(release(name, version, *map(_requirement, requirements)))
        return
    requirements = list(entry.get("depends", []))
    for extra, extra_requirements in (entry.get("extras") or {}).items():
        requirements += [f"{r}; extra == '{extra}'" for r in extra_requirements]
    out.append(release(entry["name"], str(entry["version"]), *map(_requirement, requirements)))


PREINSTALLED = {"pip", "setuptools", "wheel"}
"""pip's harness ran in a virtualenv that already had these: pip installed neither them
nor what only they depend on, so its `state` leaves them out."""


def _installed_by_pip(
    snapshot: Snapshot, requirements: tuple[str, ...], got: dict[str, Version]
) -> set[str]:
    reached: set[str] = set()
    queue = [canonical_name(Requirement(r).name) for r in requirements]
    while queue:
        name = queue.pop()
        if name in reached or name in PREINSTALLED or name not in got:
            continue
        reached.add(name)
        package = snapshot.packages[name]
        chosen = package.releases[package.position(str(got[name])) or 0]
        queue += [d.name for d in chosen.dependencies]
    return reached


def _cases() -> list[Any]:
    params = []
    for path in sorted(PIP_YAML.glob("*.yml")):
        data = yaml.safe_load(path.read_text())
        base = (data.get("base") or {}).get("available", [])
        for i, case in enumerate(data["cases"]):
            params.append(pytest.param(path, case, base, id=f"{path.stem}-{i}"))
    return params


def _why_not_comparable(case: dict[str, Any]) -> str | None:
    if case.get("skip") is True or case.get("skip") == "2020-resolver":
        return "expected to fail in pip's 2020 resolver too"
    for step in case["request"]:
        if "uninstall" in step:
            return "uninstalls are pip's business, not a resolver's"
        if step.get("options"):
            return f"pip option {step['options']}"
    for response in case["response"]:
        if response.get("error", {}).get("code") == 0:
            return "pip installs with a warning where no consistent stack exists"
    if len(case["request"]) > 1:
        return "pip does not re-resolve what earlier steps installed"
    return None


@pytest.mark.parametrize(("path", "case", "base"), _cases())
def test_pip_yaml_case(path: Path, case: dict[str, Any], base: list[Any]) -> None:
    reason = _why_not_comparable(case)
    if reason is not None:
        pytest.skip(reason)
    snapshot = Snapshot.from_releases(_releases(case.get("available", base)))
    [step] = case["request"]
    install = step["install"]
    requirements = (install,) if isinstance(install, str) else tuple(install)
    [response] = case["response"]
    result = recommend(snapshot, AdviseRequest(requirements))
    if response.get("state") is None:
        assert result.stacks == ()
        assert result.unsatisfiable is not None or result.unresolved
        return
    [stack] = result.stacks
    expected = {}
    for line in response["state"]:
        name, version = line.split()
        expected[canonical_name(name)] = Version(version)
    got = {p.name: Version(p.version) for p in stack.packages}
    assert {
        k: v for k, v in got.items() if k in _installed_by_pip(snapshot, requirements, got)
    } == (expected)
    assert stack_problems(snapshot, requirements, stack) == []
    assert result.optimal

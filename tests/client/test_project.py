"""Project files: pyproject.toml (extras, dependency groups), requirements files, Pipfile."""

from __future__ import annotations

from pathlib import Path

import pytest

from thoth_graphql.client.project import Project, find_project_file, read_project
from thoth_graphql.client.requirements_file import ProjectFileError

PYPROJECT = """\
[project]
name = "app"
version = "1"
dependencies = ["dask>=2.9", "toolz"]

[project.optional-dependencies]
array = ["dask[array]"]

[dependency-groups]
test = ["pytest>=8", {include-group = "lint"}]
lint = ["ruff"]
"""


def test_pyproject_with_extras_and_groups(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(PYPROJECT)
    assert read_project(tmp_path).requirements == ("dask>=2.9", "toolz")
    chosen = read_project(tmp_path, extras=["array"], groups=["test"])
    assert chosen.requirements == ("dask>=2.9", "toolz", "dask[array]", "pytest>=8", "ruff")
    with pytest.raises(ProjectFileError, match="no optional dependencies 'gpu'"):
        read_project(tmp_path, extras=["gpu"])
    with pytest.raises(ProjectFileError, match="no dependency group 'docs'"):
        read_project(tmp_path, groups=["docs"])


def test_a_bad_requirement_in_pyproject_names_its_line(tmp_path: Path) -> None:
    path = tmp_path / "pyproject.toml"
    path.write_text(PYPROJECT.replace('"toolz"', '"toolz >>> 1"'))
    with pytest.raises(ProjectFileError) as fault:
        read_project(tmp_path)
    assert (fault.value.path, fault.value.line) == (path, 4)


def test_invalid_toml_names_its_line(tmp_path: Path) -> None:
    path = tmp_path / "pyproject.toml"
    path.write_text('[project]\nname = "app"\ndependencies = [\n  "dask",\n  oops\n]\n')
    with pytest.raises(ProjectFileError) as fault:
        read_project(path)
    assert fault.value.line == 5
    assert "not valid TOML" in fault.value.message


def test_which_file_states_the_requirements(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.ruff]\nline-length = 100\n")
    (tmp_path / "requirements.txt").write_text("dask==2.10.1\n")
    (tmp_path / "requirements.in").write_text("dask\n")
    # A pyproject.toml of tool settings does not state requirements; .in comes before .txt.
    assert find_project_file(tmp_path) == tmp_path / "requirements.in"
    assert read_project(tmp_path) == Project(tmp_path / "requirements.in", ("dask",))
    (tmp_path / "requirements.in").unlink()
    (tmp_path / "requirements.txt").unlink()
    with pytest.raises(ProjectFileError, match="no project file here"):
        read_project(tmp_path)


def test_pipfile(tmp_path: Path) -> None:
    (tmp_path / "Pipfile").write_text(
        "[packages]\n"
        'dask = {version = ">=2.9", extras = ["array"]}\n'
        'toolz = "*"\n'
        'numpy = {version = "<2", markers = "python_version >= \'3.8\'"}\n'
        "\n[dev-packages]\n"
        'pytest = ">=8"\n'
    )
    assert read_project(tmp_path).requirements == (
        "dask[array]>=2.9",
        "toolz",
        "numpy<2; python_version >= '3.8'",
    )
    assert read_project(tmp_path, groups=["dev"]).requirements[-1] == "pytest>=8"


def test_a_pipfile_git_dependency_is_refused_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "Pipfile"
    path.write_text('[packages]\ntoolz = "*"\nmylib = {git = "https://example.org/x.git"}\n')
    with pytest.raises(ProjectFileError) as fault:
        read_project(tmp_path)
    assert (fault.value.path, fault.value.line) == (path, 3)


def test_extras_need_a_file_that_has_them(tmp_path: Path) -> None:
    (tmp_path / "requirements.txt").write_text("dask\n")
    with pytest.raises(ProjectFileError, match="extras and groups need"):
        read_project(tmp_path, extras=["array"])

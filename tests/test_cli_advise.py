"""`thoth-graphql advise` as a user runs it in a project folder: a real process against a
real server on loopback, or against the embedded graph with no server."""

from __future__ import annotations

import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench.demo_server import free_port
from tests.workflow_graph import PYTHON, WorkflowServer, digest, thoth, workflow_server


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WorkflowServer]:
    with workflow_server(tmp_path_factory.mktemp("advise-server")) as server:
        yield server


def advise(served: WorkflowServer, project: Path, *options: str) -> tuple[int, str, str]:
    done = thoth("advise", "--server", served.url, *PYTHON, *options, cwd=project)
    return done.returncode, done.stdout, done.stderr


def test_a_requirements_file_is_locked_with_its_justifications(
    served: WorkflowServer, tmp_path: Path
) -> None:
    (tmp_path / "requirements.in").write_text("dask[array]  # the app\n")
    code, out, err = advise(served, tmp_path)
    assert code == 0, err
    lock = tomllib.loads((tmp_path / "pylock.toml").read_text())
    assert {p["name"]: p["version"] for p in lock["packages"]} == {
        "dask": "2.10.1",
        "numpy": "1.19.4",
        "toolz": "0.11.1",
    }
    rows = [line.split(None, 3) for line in out.splitlines()]
    assert rows[0] == ["package", "version", "kind", "why"]
    assert rows[2][:3] == ["dask", "2.10.1", "NEWEST"]
    assert "proven best" in err


def test_requirements_txt_with_hashes_from_a_named_file(
    served: WorkflowServer, tmp_path: Path
) -> None:
    (tmp_path / "app.txt").write_text("dask[array]\n")
    code, _, err = advise(served, tmp_path, "-r", "app.txt", "--format", "requirements.txt")
    assert code == 0, err
    written = (tmp_path / "requirements.txt").read_text()
    assert "toolz==0.11.1 \\\n    --hash=sha256:" + digest("toolz", "0.11.1") in written


def test_pyproject_extras_and_an_explicit_output(served: WorkflowServer, tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "app"\nversion = "1"\ndependencies = ["toolz<0.11"]\n'
        '[project.optional-dependencies]\narray = ["numpy"]\n'
    )
    code, _, err = advise(served, tmp_path, "--extra", "array", "-o", "locks/app.lock.toml")
    assert code == 0, err
    lock = tomllib.loads((tmp_path / "locks" / "app.lock.toml").read_text())
    assert [(p["name"], p["version"]) for p in lock["packages"]] == [
        ("numpy", "1.19.4"),
        ("toolz", "0.10.0"),
    ]


def test_the_environment_comes_from_flags(served: WorkflowServer, tmp_path: Path) -> None:
    (tmp_path / "requirements.in").write_text("dask\n")
    done = thoth(
        "advise", "--server", served.url, "--python-version", "3.12", "--platform",
        "linux_x86_64", cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert 'version = "2.11.0"' in (tmp_path / "pylock.toml").read_text()


def test_unsatisfiable_exits_1_with_the_explanation(served: WorkflowServer, tmp_path: Path) -> None:
    (tmp_path / "requirements.in").write_text("dask[array]\nlegacy\n")
    code, out, err = advise(served, tmp_path)
    assert code == 1
    assert "no stack satisfies every requirement" in err
    assert "legacy" in err
    assert not (tmp_path / "pylock.toml").exists()
    assert out == ""


def test_unknown_packages_exit_1_and_point_at_learn(served: WorkflowServer, tmp_path: Path) -> None:
    (tmp_path / "requirements.in").write_text("never-solved\n")
    code, _, err = advise(served, tmp_path)
    assert code == 1
    assert "never-solved" in err
    assert "--learn" in err


def test_a_bad_line_exits_2_naming_file_and_line(served: WorkflowServer, tmp_path: Path) -> None:
    (tmp_path / "base.txt").write_text("toolz\n# fine\nnumpy >=< 1\n")
    (tmp_path / "requirements.in").write_text("dask\n-r base.txt\n")
    code, _, err = advise(served, tmp_path)
    assert code == 2
    # Paths are shown as the user would type them from the project folder.
    assert "error: base.txt:3: 'numpy >=< 1' is not a PEP 508 requirement" in err
    assert not (tmp_path / "pylock.toml").exists()


def test_the_input_is_never_overwritten(served: WorkflowServer, tmp_path: Path) -> None:
    (tmp_path / "requirements.txt").write_text("dask\n")
    code, _, err = advise(served, tmp_path, "--format", "requirements.txt")
    assert code == 2
    assert "would overwrite it" in err
    assert (tmp_path / "requirements.txt").read_text() == "dask\n"


def test_no_server_there_exits_3(tmp_path: Path) -> None:
    (tmp_path / "requirements.in").write_text("dask\n")
    done = thoth("advise", "--server", f"http://127.0.0.1:{free_port()}", cwd=tmp_path)
    assert done.returncode == 3
    assert "error:" in done.stderr


def test_learn_needs_a_token(served: WorkflowServer, tmp_path: Path) -> None:
    (tmp_path / "requirements.in").write_text("dask\n")
    code, _, err = advise(served, tmp_path, "--learn")
    assert code == 2
    assert "--learn needs a write token" in err


def test_without_a_server_the_embedded_graph_answers(tmp_path: Path) -> None:
    from tests.workflow_graph import fill_data_dir

    fill_data_dir(tmp_path / "thoth-data")
    project = tmp_path / "app"
    project.mkdir()
    (project / "requirements.in").write_text("dask[array]\n")
    done = thoth("advise", *PYTHON, "--data-dir", str(tmp_path / "thoth-data"), cwd=project)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[2].split()[:2] == ["dask", "2.10.1"]
    assert 'name = "toolz"' in (project / "pylock.toml").read_text()


def test_without_a_server_or_a_graph_nothing_is_created(tmp_path: Path) -> None:
    (tmp_path / "requirements.in").write_text("dask\n")
    done = thoth("advise", cwd=tmp_path)
    assert done.returncode == 2
    assert "no graph in thoth-data" in done.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["requirements.in"]

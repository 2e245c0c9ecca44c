"""`thoth-graphql bot update` on real git repositories in temporary folders (the real
`git` binary), against a real server on loopback."""

from __future__ import annotations

import subprocess
import tomllib
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.workflow_graph import PYTHON, WorkflowServer, thoth

OLD_LOCK = "dask==2.9.0\nnumpy==1.18.0\ntoolz==0.11.1\ncloudpickle==1.2\n"


def git(repo: Path, *arguments: str) -> str:
    done = subprocess.run(
        ["git", "-c", "user.name=Dev", "-c", "user.email=dev@example.org", *arguments],
        cwd=repo,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


def project(tmp_path: Path, files: dict[str, str]) -> Path:
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    for name, text in files.items():
        (repo / name).write_text(text)
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "The app")
    return repo


def update(served: WorkflowServer, repo: Path, *options: str) -> subprocess.CompletedProcess[str]:
    return thoth("bot", "update", str(repo), "--server", served.url, *PYTHON, *options)


def branch_today() -> str:
    return f"thoth/update-{datetime.now(UTC).date().isoformat()}"


def test_a_changed_lock_is_committed_on_its_own_branch(
    served: WorkflowServer, tmp_path: Path
) -> None:
    repo = project(tmp_path, {"requirements.in": "dask[array]\n", "requirements.txt": OLD_LOCK})
    head = git(repo, "rev-parse", "HEAD").strip()

    done = update(served, repo)
    assert done.returncode == 0, done.stderr
    branch = branch_today()
    assert f"on branch {branch}" in done.stderr
    message = git(repo, "log", "-1", "--format=%B", branch)
    assert message.startswith("Update requirements.txt: 3 package(s) (LATEST)\n")
    assert "- dask 2.9.0 -> 2.10.1: 2.10.1 is the newest release usable here" in message
    assert "- numpy 1.18.0 -> 1.19.4: " in message
    assert "- cloudpickle 1.2 (removed): no longer required" in message
    assert "toolz" not in message  # unchanged
    assert git(repo, "rev-parse", f"{branch}^").strip() == head
    assert git(repo, "log", "-1", "--format=%an", branch).strip() == "thoth-graphql bot"
    committed = git(repo, "show", f"{branch}:requirements.txt")
    assert "dask==2.10.1 \\\n    --hash=sha256:" in committed
    assert git(repo, "diff", "--name-only", "HEAD", branch).split() == ["requirements.txt"]
    # The user's checkout is as it was: same branch, same files, clean.
    assert git(repo, "branch", "--show-current").strip() == "main"
    assert (repo / "requirements.txt").read_text() == OLD_LOCK
    assert git(repo, "status", "--porcelain") == ""

    again = update(served, repo)
    assert again.returncode == 0, again.stderr
    assert f"branch {branch} already proposes this lock" in again.stderr
    assert git(repo, "branch", "--list", "thoth/*").split() == [branch]


def test_a_first_lock_is_a_new_pylock_toml(served: WorkflowServer, tmp_path: Path) -> None:
    repo = project(
        tmp_path,
        {"pyproject.toml": '[project]\nname = "app"\nversion = "1"\ndependencies = ["toolz"]\n'},
    )
    done = update(served, repo)
    assert done.returncode == 0, done.stderr
    lock = tomllib.loads(git(repo, "show", f"{branch_today()}:pylock.toml"))
    assert [(p["name"], p["version"]) for p in lock["packages"]] == [("toolz", "0.11.1")]
    assert "- toolz 0.11.1 (added): " in git(repo, "log", "-1", "--format=%B", branch_today())
    assert not (repo / "pylock.toml").exists()


def test_nothing_changes_nothing_is_committed(served: WorkflowServer, tmp_path: Path) -> None:
    current = "dask==2.10.1\nnumpy==1.19.4\ntoolz==0.11.1\n"
    repo = project(tmp_path, {"requirements.in": "dask[array]\n", "requirements.txt": current})
    done = update(served, repo)
    assert done.returncode == 0, done.stderr
    assert "requirements.txt is up to date; nothing to do" in done.stderr
    assert git(repo, "branch", "--list", "thoth/*") == ""


@pytest.mark.parametrize("change", ["modified", "untracked", "staged"])
def test_a_dirty_tree_is_never_touched(served: WorkflowServer, tmp_path: Path, change: str) -> None:
    repo = project(tmp_path, {"requirements.in": "dask[array]\n", "requirements.txt": OLD_LOCK})
    if change == "modified":
        (repo / "requirements.in").write_text("dask\n")
    else:
        (repo / "notes.txt").write_text("wip\n")
        if change == "staged":
            git(repo, "add", "notes.txt")
    before = git(repo, "status", "--porcelain")
    done = update(served, repo)
    assert done.returncode == 2
    assert "the working tree is not clean" in done.stderr
    assert git(repo, "branch", "--list", "thoth/*") == ""
    assert git(repo, "status", "--porcelain") == before


def test_dry_run_prints_the_diff_and_commits_nothing(
    served: WorkflowServer, tmp_path: Path
) -> None:
    repo = project(tmp_path, {"requirements.in": "dask[array]\n", "requirements.txt": OLD_LOCK})
    done = update(served, repo, "--dry-run")
    assert done.returncode == 0, done.stderr
    assert "--- a/requirements.txt\n+++ b/requirements.txt\n" in done.stdout
    assert "\n-dask==2.9.0\n" in done.stdout
    assert "\n+dask==2.10.1 \\\n" in done.stdout
    assert "- dask 2.9.0 -> 2.10.1: " in done.stdout
    assert git(repo, "branch", "--list", "thoth/*") == ""


def test_no_stack_leaves_the_lock_alone(served: WorkflowServer, tmp_path: Path) -> None:
    repo = project(
        tmp_path, {"requirements.in": "dask[array]\nlegacy\n", "requirements.txt": OLD_LOCK}
    )
    done = update(served, repo)
    assert done.returncode == 1
    assert "no stack satisfies every requirement" in done.stderr
    assert git(repo, "branch", "--list", "thoth/*") == ""


def test_not_a_git_repository(served: WorkflowServer, tmp_path: Path) -> None:
    (tmp_path / "requirements.in").write_text("dask\n")
    done = update(served, tmp_path)
    assert done.returncode == 2
    assert "not in a git working tree" in done.stderr


def test_a_bad_project_file_names_file_and_line(served: WorkflowServer, tmp_path: Path) -> None:
    repo = project(tmp_path, {"requirements.in": "dask\ntoolz ==\n"})
    done = update(served, repo)
    assert done.returncode == 2
    assert f"{repo / 'requirements.in'}:2: 'toolz ==' is not a PEP 508 requirement" in done.stderr

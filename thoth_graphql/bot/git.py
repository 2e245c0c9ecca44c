"""A git working tree as the bot uses it, through the `git` binary: is it clean, and a
commit of one file on a new branch made without touching the working tree or index."""

from __future__ import annotations

import os
import subprocess
import tempfile
from pathlib import Path

BOT_NAME = "thoth-graphql bot"
BOT_EMAIL = "bot@thoth-graphql.invalid"


class GitError(Exception):
    """git refused or failed; the message holds what it said."""


class Repository:
    """The git working tree that holds `path`."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            top = self.git("rev-parse", "--show-toplevel")
        except GitError as error:
            raise GitError(f"{path}: not in a git working tree") from error
        self.top = Path(top)

    def git(
        self,
        *arguments: str,
        env: dict[str, str] | None = None,
        stdin: str = "",
        strip: bool = True,
    ) -> str:
        """git's output (stripped unless told not to); GitError when it fails."""
        done = subprocess.run(  # noqa: S603 (a fixed binary; arguments never go to a shell)
            ["git", *arguments],  # noqa: S607 (git from PATH, as a user runs it)
            cwd=self.path,
            input=stdin,
            capture_output=True,
            text=True,
            env={**os.environ, **(env or {})},
            check=False,
        )
        if done.returncode != 0:
            raise GitError(f"git {' '.join(arguments)}: {done.stderr.strip()}")
        return done.stdout.strip() if strip else done.stdout

    def dirty(self) -> list[str]:
        """What `git status` shows: changed, staged or untracked paths (empty when clean)."""
        return self.git("status", "--porcelain", "--untracked-files=normal").splitlines()

    def head(self) -> str:
        return self.git("rev-parse", "--verify", "HEAD^{commit}")

    def branch_exists(self, branch: str) -> bool:
        try:
            self.git("rev-parse", "--verify", "--quiet", f"refs/heads/{branch}")
        except GitError:
            return False
        return True

    def branches(self, pattern: str) -> list[str]:
        """Local branches whose names match the glob `pattern`."""
        listed = self.git("for-each-ref", "--format=%(refname:short)", f"refs/heads/{pattern}")
        return listed.splitlines()

    def file_on(self, branch: str, path: Path) -> str | None:
        """The content of `path` at the tip of `branch`; None when it has no such file."""
        relative = path.resolve().relative_to(self.top.resolve()).as_posix()
        try:
            return self.git("show", f"{branch}:{relative}", strip=False)
        except GitError:
            return None

    def free_branch(self, name: str) -> str:
        """`name`, or `name-2`, `name-3`, ... whichever no branch has yet."""
        candidate, number = name, 1
        while self.branch_exists(candidate):
            number += 1
            candidate = f"{name}-{number}"
        return candidate

    def commit_file(self, branch: str, path: Path, content: str, message: str) -> str:
        """A commit on the new `branch`, HEAD plus `path` holding `content`; its id.

        It is built with a private index and plumbing, so the user's working tree, index
        and checked-out branch are left as they were.
        """
        relative = path.resolve().relative_to(self.top.resolve()).as_posix()
        head = self.head()
        identity = {
            "GIT_AUTHOR_NAME": BOT_NAME,
            "GIT_AUTHOR_EMAIL": BOT_EMAIL,
            "GIT_COMMITTER_NAME": BOT_NAME,
            "GIT_COMMITTER_EMAIL": BOT_EMAIL,
        }
        with tempfile.TemporaryDirectory(prefix="thoth-bot-") as scratch:
            index = {"GIT_INDEX_FILE": str(Path(scratch) / "index")}
            self.git("read-tree", head, env=index)
            blob = self.git("hash-object", "-w", "--stdin", stdin=content)
            self.git("update-index", "--add", "--cacheinfo", f"100644,{blob},{relative}", env=index)
            tree = self.git("write-tree", env=index)
        commit = self.git("commit-tree", tree, "-p", head, "-F", "-", env=identity, stdin=message)
        # The empty old value makes git refuse if the branch appeared meanwhile.
        self.git("update-ref", f"refs/heads/{branch}", commit, "")
        return commit

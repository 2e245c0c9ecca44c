"""One update of a project's lock: what advise recommends against what is locked, and
the branch and commit that carry the difference."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from thoth_graphql.bot.git import Repository
from thoth_graphql.bot.lock import find_lock, read_pins
from thoth_graphql.client.advice import Stack


@dataclass(frozen=True, slots=True)
class Change:
    """One package whose pin moves; `old` None: added, `new` None: removed."""

    name: str
    old: str | None
    new: str | None
    why: str

    def line(self) -> str:
        if self.old is None:
            return f"- {self.name} {self.new} (added): {self.why}"
        if self.new is None:
            return f"- {self.name} {self.old} (removed): no longer required"
        return f"- {self.name} {self.old} -> {self.new}: {self.why}"


@dataclass(frozen=True, slots=True)
class Update:
    """The new lock for a project and how it differs from the one it has."""

    lock: Path
    old_text: str
    new_text: str
    changes: list[Change]

    def diff(self) -> str:
        """The lock file's change as a unified diff."""
        name = self.lock.name
        return "".join(
            difflib.unified_diff(
                self.old_text.splitlines(keepends=True),
                self.new_text.splitlines(keepends=True),
                fromfile=f"a/{name}",
                tofile=f"b/{name}",
            )
        )

    def message(self, source: Path, recommendation_type: str) -> str:
        """The commit message: a subject, then each changed package with its reason."""
        lines = [
            f"Update {self.lock.name}: {len(self.changes)} package(s) ({recommendation_type})",
            "",
            f"thoth-graphql advise recommends a new stack for {source.name}:",
            "",
            *(change.line() for change in self.changes),
        ]
        return "\n".join(lines) + "\n"


def changes(old: dict[str, str], stack: Stack) -> list[Change]:
    """How `stack` differs from the pins `old`, by package name."""
    new = stack.versions()
    why = {j.package: j.message for j in stack.justifications}
    return [
        Change(name, old.get(name), new.get(name), why.get(name, ""))
        for name in sorted(old.keys() | new.keys())
        if old.get(name) != new.get(name)
    ]


def plan_update(source: Path, stack: Stack) -> Update:
    """The update the project file `source` gets from `stack` (no changes: nothing to do)."""
    lock = find_lock(source)
    old_text = lock.read_text(encoding="utf-8") if lock.exists() else ""
    format = "pylock.toml" if lock.name.endswith(".toml") else "requirements.txt"
    return Update(lock, old_text, stack.lockfile(format), changes(read_pins(lock), stack))


def branch_name(day: date) -> str:
    return f"thoth/update-{day.isoformat()}"


def proposed_on(repository: Repository, update: Update) -> str | None:
    """An update branch that already holds exactly this lock, so it is not proposed twice."""
    for branch in repository.branches("thoth/update-*"):
        if repository.file_on(branch, update.lock) == update.new_text:
            return branch
    return None


def commit_update(
    repository: Repository, update: Update, message: str, day: date
) -> tuple[str, str]:
    """The update committed on a new branch `thoth/update-<day>`: (branch, commit)."""
    branch = repository.free_branch(branch_name(day))
    commit = repository.commit_file(branch, update.lock, update.new_text, message)
    return branch, commit

"""What `advise` answers, as plain dataclasses: stacks with their lock files and
justifications, or why no stack exists."""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Any

from thoth_graphql.client.analyses import ANALYSIS_FIELDS, Analysis
from thoth_graphql.client.table import html_table, text_table

LOCKFILE_FORMATS = {"pylock.toml": "pylockToml", "requirements.txt": "requirementsTxt"}

ADVISE = f"""
query Advise($input: AdviseInput!) {{
  advise(input: $input) {{
    optimal
    unresolved
    unsatisfiable {{ message conflicts packages }}
    stacks {{
      score
      packages {{ name version index }}
      justifications {{ package version kind message }}
      requirementsTxt: lockfile(format: REQUIREMENTS_TXT)
      pylockToml: lockfile(format: PYLOCK_TOML)
    }}
    analyses {{ {ANALYSIS_FIELDS} }}
  }}
}}
"""


@dataclass(frozen=True, slots=True)
class StackPackage:
    """One package of a stack: the version chosen and its index (GraphQL `LockedPackage`)."""

    name: str
    version: str
    index: str


@dataclass(frozen=True, slots=True)
class Justification:
    """Why `package` has `version`; `kind` is NEWEST, NEWEST_ALLOWED, AVOIDED_NEWER or
    INCOMPATIBLE_NEWER (docs/advise.md)."""

    package: str
    version: str
    kind: str
    message: str


JUSTIFICATION_HEADER = ("package", "version", "kind", "why")


def justification_rows(justifications: list[Justification]) -> list[tuple[str, str, str, str]]:
    return [(j.package, j.version, j.kind, j.message) for j in justifications]


@dataclass(frozen=True, slots=True)
class Stack:
    """A fully locked set of versions and why each has its version."""

    score: float
    packages: list[StackPackage]
    justifications: list[Justification]
    lockfiles: dict[str, str] = field(repr=False)

    def lockfile(self, format: str = "pylock.toml") -> str:
        """The stack as `pylock.toml` or `requirements.txt` (hashes when all are known)."""
        if format not in self.lockfiles:
            raise ValueError(f"unknown lock file format {format!r}; one of {list(self.lockfiles)}")
        return self.lockfiles[format]

    def versions(self) -> dict[str, str]:
        """Package name to version."""
        return {p.name: p.version for p in self.packages}

    def table(self) -> str:
        """The justifications as a text table."""
        return text_table(JUSTIFICATION_HEADER, justification_rows(self.justifications))

    def _repr_html_(self) -> str:
        rows = justification_rows(self.justifications)
        return html_table(JUSTIFICATION_HEADER, rows, caption=f"score {self.score:g}")


@dataclass(frozen=True, slots=True)
class Unsatisfiable:
    """No stack exists: the chains of requirements that clash."""

    message: str
    conflicts: list[str]
    packages: list[str]


@dataclass(frozen=True, slots=True)
class Advice:
    """The best stacks first, or why there is none; `analyses` are the solver analyses
    queued for unknown packages when asked to solve them."""

    stacks: list[Stack]
    unsatisfiable: Unsatisfiable | None
    unresolved: list[str]
    optimal: bool
    analyses: list[Analysis]

    @property
    def best(self) -> Stack | None:
        return self.stacks[0] if self.stacks else None

    def explanation(self) -> str:
        """Why no stack was returned, in lines a person can follow."""
        if self.unsatisfiable is not None:
            lines = [self.unsatisfiable.message]
            lines += [f"  {chain}" for chain in self.unsatisfiable.conflicts]
            return "\n".join(lines)
        if self.unresolved:
            return "\n".join(["packages the graph does not know:", *self.unresolved])
        if not self.stacks:
            return "no stack was found within the time limit"
        return ""

    def _repr_html_(self) -> str:
        if self.best is not None:
            return self.best._repr_html_()
        return f"<pre>{html.escape(self.explanation())}</pre>"

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Advice:
        unsatisfiable = data.get("unsatisfiable")
        return cls(
            stacks=[_stack(s) for s in data["stacks"]],
            unsatisfiable=None if unsatisfiable is None else Unsatisfiable(**unsatisfiable),
            unresolved=list(data["unresolved"]),
            optimal=bool(data["optimal"]),
            analyses=[Analysis.from_data(a) for a in data.get("analyses", [])],
        )


def _stack(data: dict[str, Any]) -> Stack:
    return Stack(
        score=float(data["score"]),
        packages=[StackPackage(**p) for p in data["packages"]],
        justifications=[Justification(**j) for j in data["justifications"]],
        lockfiles={fmt: data[alias] for fmt, alias in LOCKFILE_FORMATS.items()},
    )

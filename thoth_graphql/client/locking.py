"""Locking a project: ask advise for its requirements (solving unknown packages first
when asked to), and write the best stack as a lock file."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from thoth_graphql.client.advice import Advice, Stack
from thoth_graphql.client.analyses import Analysis
from thoth_graphql.client.client import ThothClient
from thoth_graphql.client.environment import RuntimeEnvironment
from thoth_graphql.client.project import Project

LEARNING_ROUNDS = 5
"""Solving a package may reveal unknown dependencies of it, so advise asks again; this
bounds the rounds when packages keep failing to solve."""


def advise_project(
    client: ThothClient,
    project: Project,
    environment: RuntimeEnvironment,
    recommendation_type: str = "LATEST",
    *,
    learn: bool = False,
    time_limit_ms: int | None = None,
    analysis_timeout: float = 600.0,
    on_queued: Callable[[list[Analysis]], None] | None = None,
    on_finished: Callable[[Analysis], None] | None = None,
) -> Advice:
    """The advice for `project`. With `learn`, unknown packages are queued for solving,
    waited on (`on_queued`, `on_finished` follow them), and advise is asked again."""

    def ask(solve_unknown: bool) -> Advice:
        return client.advise(
            project.requirements,
            constraints=project.constraints,
            environment=environment,
            recommendation_type=recommendation_type,
            time_limit_ms=time_limit_ms,
            solve_unknown=solve_unknown,
        )

    advice = ask(learn)
    for _ in range(LEARNING_ROUNDS):
        if not (learn and advice.analyses):
            break
        if on_queued is not None:
            on_queued(advice.analyses)
        done = client.wait_for_analyses(
            advice.analyses, timeout=analysis_timeout, on_finished=on_finished
        )
        # When every one failed, solving again would only queue the same failures.
        advice = ask(not all(a.status == "FAILED" for a in done))
    return advice


def write_lock(stack: Stack, path: Path) -> None:
    """The stack as the lock file `path`, its format told by the name (pylock.toml, or
    requirements-style for any other name)."""
    format = "pylock.toml" if path.name.endswith(".toml") else "requirements.txt"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(stack.lockfile(format), encoding="utf-8")

"""`thoth-graphql advise`: read a project, ask advise through the client, write the lock
file, print the justifications; its exit code says which of these happened."""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click
from tqdm import tqdm

from thoth_graphql.client.analyses import Analysis, AnalysisTimeout
from thoth_graphql.client.client import ThothClient
from thoth_graphql.client.environment import RuntimeEnvironment
from thoth_graphql.client.locking import advise_project, write_lock
from thoth_graphql.client.project import read_project
from thoth_graphql.client.requirements_file import ProjectFileError
from thoth_graphql.client.transport import GraphQLError, ServerUnavailable


class Exit(enum.IntEnum):
    LOCKED = 0
    NO_STACK = 1
    """Unsatisfiable, unknown packages, or none found in the time limit: explained."""
    BAD_INPUT = 2
    """A project file that cannot be used (file and line printed), or a refused request."""
    UNAVAILABLE = 3
    """The server could not be reached or failed."""


@dataclass(frozen=True, slots=True)
class AdviseOptions:
    project: Path
    extras: Sequence[str]
    groups: Sequence[str]
    environment: RuntimeEnvironment
    recommendation_type: str
    format: str
    output: Path | None
    learn: bool
    time_limit_ms: int | None


def lock_path(options: AdviseOptions, source: Path) -> Path:
    """Where the lock goes: --output, or the format's file name beside the project file."""
    if options.output is not None:
        return options.output
    path = source.parent / options.format
    if path.resolve() == source.resolve():
        raise ProjectFileError(
            source, "is the input; the lock would overwrite it (use --output, or requirements.in)"
        )
    return path


def run_advise(client: ThothClient, options: AdviseOptions) -> Exit:
    """Do the whole command, printing as it goes; the exit code."""
    try:
        project = read_project(options.project, extras=options.extras, groups=options.groups)
        target = lock_path(options, project.source)
    except ProjectFileError as error:
        click.echo(f"error: {error}", err=True)
        return Exit.BAD_INPUT
    click.echo(f"{project.source}: {len(project.requirements)} requirement(s)", err=True)
    bar: tqdm[Any] | None = None

    def queued(analyses: list[Analysis]) -> None:
        nonlocal bar
        if bar is not None:
            bar.close()  # the previous round's
        names = ", ".join(a.subject for a in analyses)
        click.echo(f"learning: solving {len(analyses)} unknown package(s): {names}", err=True)
        bar = tqdm(total=len(analyses), desc="solving", unit="pkg", disable=None)

    def finished(analysis: Analysis) -> None:
        if bar is not None:
            bar.update()
        if analysis.status == "FAILED":
            click.echo(f"learning: {analysis.subject} failed: {analysis.error}", err=True)

    try:
        advice = advise_project(
            client,
            project,
            options.environment,
            options.recommendation_type,
            learn=options.learn,
            time_limit_ms=options.time_limit_ms,
            on_queued=queued,
            on_finished=finished,
        )
    except GraphQLError as error:
        click.echo(f"error: the server refused the request: {error}", err=True)
        return (
            Exit.BAD_INPUT
            if error.code in {"BAD_USER_INPUT", "UNAUTHENTICATED"}
            else (Exit.UNAVAILABLE)
        )
    except (ServerUnavailable, AnalysisTimeout) as error:
        click.echo(f"error: {error}", err=True)
        return Exit.UNAVAILABLE
    finally:
        if bar is not None:
            bar.close()
    best = advice.best
    if best is None:
        click.echo("no stack:", err=True)
        click.echo(advice.explanation(), err=True)
        if advice.unresolved and not options.learn:
            click.echo("(--learn with a write token solves unknown packages first)", err=True)
        return Exit.NO_STACK
    try:
        write_lock(best, target)
    except OSError as error:
        click.echo(f"error: {target}: cannot be written: {error.strerror}", err=True)
        return Exit.BAD_INPUT
    click.echo(best.table())
    proven = "proven best" if advice.optimal else "best found in the time limit"
    click.echo(
        f"wrote {target}: {len(best.packages)} package(s), {options.recommendation_type}, {proven}",
        err=True,
    )
    return Exit.LOCKED

"""`thoth-graphql bot update`: ask advise for a git project and commit a changed lock on a
branch of its own, or print the diff (--dry-run); a dirty working tree is left alone."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import click

from thoth_graphql.bot.git import GitError, Repository
from thoth_graphql.bot.update import commit_update, plan_update, proposed_on
from thoth_graphql.client.client import ThothClient
from thoth_graphql.client.command import Exit
from thoth_graphql.client.environment import RuntimeEnvironment
from thoth_graphql.client.locking import advise_project
from thoth_graphql.client.project import read_project
from thoth_graphql.client.requirements_file import ProjectFileError
from thoth_graphql.client.transport import GraphQLError, ServerUnavailable


@dataclass(frozen=True, slots=True)
class UpdateOptions:
    repository: Path
    environment: RuntimeEnvironment
    recommendation_type: str
    dry_run: bool


def run_update(client: ThothClient, options: UpdateOptions) -> Exit:
    """Do the whole update, printing what happened; the exit code."""
    try:
        repository = Repository(options.repository)
        dirty = repository.dirty()
        if dirty:
            click.echo(f"error: {options.repository}: the working tree is not clean:", err=True)
            click.echo("\n".join(f"  {line}" for line in dirty), err=True)
            return Exit.BAD_INPUT
        project = read_project(options.repository)
    except (GitError, ProjectFileError) as error:
        click.echo(f"error: {error}", err=True)
        return Exit.BAD_INPUT
    try:
        advice = advise_project(client, project, options.environment, options.recommendation_type)
    except GraphQLError as error:
        click.echo(f"error: the server refused the request: {error}", err=True)
        return Exit.BAD_INPUT if error.code == "BAD_USER_INPUT" else Exit.UNAVAILABLE
    except ServerUnavailable as error:
        click.echo(f"error: {error}", err=True)
        return Exit.UNAVAILABLE
    if advice.best is None:
        click.echo("no stack; the lock is left as it is:", err=True)
        click.echo(advice.explanation(), err=True)
        return Exit.NO_STACK
    try:
        update = plan_update(project.source, advice.best)
    except ProjectFileError as error:
        click.echo(f"error: {error}", err=True)
        return Exit.BAD_INPUT
    if not update.changes:
        click.echo(f"{update.lock.name} is up to date; nothing to do", err=True)
        return Exit.LOCKED
    message = update.message(project.source, options.recommendation_type)
    if options.dry_run:
        click.echo(message)
        click.echo(update.diff(), nl=False)
        return Exit.LOCKED
    already = proposed_on(repository, update)
    if already is not None:
        click.echo(f"branch {already} already proposes this lock; nothing to do", err=True)
        return Exit.LOCKED
    branch, commit = commit_update(repository, update, message, datetime.now(UTC).date())
    click.echo(message)
    click.echo(f"committed {commit[:12]} on branch {branch}", err=True)
    return Exit.LOCKED

"""The `thoth-graphql` command: serve the API, ingest documents, make API tokens, run
analyses (`dispatch`), load their results (`graph-sync`), lock projects (`advise`) and
update their locks (`bot update`)."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import click
from tqdm import tqdm

from thoth_graphql.domain import ApiToken
from thoth_graphql.ingest.ingest import IngestInterrupted, IngestReport, InvalidDocuments
from thoth_graphql.ingest.service import IngestService, check_solver_documents
from thoth_graphql.ingest.solver_document import SolverDocument
from thoth_graphql.ingest.sources import UnreadableSource, document_files, read_documents
from thoth_graphql.store.factory import UnsupportedGraphUrl, graph_store
from thoth_graphql.store.port import GraphStore, StoreUnavailable
from thoth_graphql.token_service import TokenService

if TYPE_CHECKING:
    from thoth_graphql.client import RuntimeEnvironment, ThothClient

DATA_DIR = click.option(
    "--data-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("thoth-data"),
    show_default=True,
    help="Where the embedded graph lives.",
)
T = TypeVar("T")

GRAPH = click.option(
    "--graph",
    "graph_url",
    metavar="URL",
    help="A JanusGraph Gremlin Server, e.g. ws://127.0.0.1:8182/gremlin (default: embedded).",
)


def _store(graph_url: str | None, data_dir: Path) -> GraphStore:
    try:
        return graph_store(graph_url, data_dir)
    except UnsupportedGraphUrl as error:
        raise click.UsageError(str(error)) from error


@click.group()
@click.version_option(package_name="thoth-graphql")
def main() -> None:
    """thoth-graphql: recommendations for Python application stacks over GraphQL."""


OBJECTS = click.option(
    "--objects",
    "objects_url",
    metavar="URL",
    help="The object store of analysis requests and results: a folder, file://... or "
    "s3://bucket/prefix?endpoint_url=... (default: the folder `objects` in the data dir).",
)


def _objects_url(objects_url: str | None, data_dir: Path) -> str:
    return objects_url or str(data_dir / "objects")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@DATA_DIR
@GRAPH
@OBJECTS
@click.option(
    "--workers",
    default=2,
    show_default=True,
    type=click.IntRange(min=0),
    help="Analyses run at a time by the local dispatcher; 0 runs none here "
    "(`thoth-graphql dispatch` may run them).",
)
@click.option("--demo", is_flag=True, help="Load the bundled demo data into an empty graph.")
@click.option(
    "--no-read-cache",
    is_flag=True,
    help="Compute every read afresh (for benchmarks; the cache is never stale).",
)
@click.option(
    "--cors-origin",
    "cors_origins",
    multiple=True,
    metavar="ORIGIN",
    envvar="THOTH_CORS_ORIGINS",
    callback=lambda _ctx, _param, values: _cors_origins(values),
    help="Let browser applications served from ORIGIN (scheme://host[:port], or * for any) "
    "call the API; repeatable. THOTH_CORS_ORIGINS holds them space-separated. Default: none.",
)
def serve(
    host: str,
    port: int,
    data_dir: Path,
    graph_url: str | None,
    objects_url: str | None,
    workers: int,
    demo: bool,
    no_read_cache: bool,
    cors_origins: tuple[str, ...],
) -> None:
    """Serve GraphQL at /graphql (GraphiQL in a browser)."""
    import uvicorn

    from thoth_graphql.analyses.hosting import HostedAnalyses
    from thoth_graphql.api.app import create_app
    from thoth_graphql.api.limits import MAX_BODY_BYTES
    from thoth_graphql.services import Services, Settings

    store = _store(graph_url, data_dir)
    objects = _objects_url(objects_url, data_dir)
    analyses = HostedAnalyses(store, objects, workers=workers, scratch=data_dir / "runs")
    # The composition root: everything the API's requests share, made once, here.
    settings = Settings(
        read_cache_size=0 if no_read_cache else Settings().read_cache_size,
        cors_origins=cors_origins,
    )
    services = Services.over(store, settings, analyses=analyses.service)

    @asynccontextmanager
    async def lifespan(_: object) -> AsyncIterator[None]:
        await store.open()
        try:
            if demo:
                await _load_demo(store)
            async with analyses.running():
                yield
        finally:
            await store.close()

    from thoth_graphql.api.request_log import configure_logging

    app = create_app(services, lifespan=lifespan)
    click.echo(
        f"thoth-graphql: GraphQL at http://{host}:{port}/graphql, "
        f"the advise page at http://{host}:{port}/app",
        err=True,
    )
    if cors_origins:
        click.echo(f"thoth-graphql: CORS allows {', '.join(cors_origins)}", err=True)
    configure_logging()
    # uvicorn would otherwise read WebSocket messages of up to 16 MiB before the app's own
    # limit (api/limits.py) sees them.
    uvicorn.run(app, host=host, port=port, log_config=None, ws_max_size=MAX_BODY_BYTES)


def _cors_origins(values: Sequence[str]) -> tuple[str, ...]:
    from thoth_graphql.api.cors import InvalidOrigin, origin

    try:
        return tuple(origin(value) for value in values)
    except InvalidOrigin as error:
        raise click.BadParameter(str(error), param_hint="--cors-origin") from error


async def _load_demo(store: GraphStore) -> None:
    from thoth_graphql.demo import load_demo

    with tqdm(desc="demo data", unit="doc", disable=None) as bar:
        report = await load_demo(store, lambda _doc: bar.update())
    if report is None:
        click.echo("demo: the graph already holds data; nothing loaded", err=True)
    else:
        click.echo(f"demo: {_summary(report)}", err=True)


@main.command()
@DATA_DIR
@GRAPH
@click.argument("paths", nargs=-1, required=True)
def ingest(data_dir: Path, graph_url: str | None, paths: Sequence[str]) -> None:
    """Ingest solver documents from files, folders or `-` (stdin).

    Every document is validated before anything is written: if one is bad, its
    file and the JSON path of each fault are printed and nothing is written.
    """
    try:
        files = document_files(paths)
        # Checked before the graph is opened: a bad input fails without connecting.
        documents = check_solver_documents(
            doc
            for name in tqdm(files, desc="reading", unit="file", disable=None, leave=False)
            for doc in read_documents(name)
        )
    except UnreadableSource as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(1)
    except InvalidDocuments as error:
        for bad in error.errors:
            click.echo(f"error: {bad}", err=True)
        click.echo(f"{len(error.errors)} invalid document(s); nothing was written", err=True)
        sys.exit(1)
    try:
        report = asyncio.run(_ingest(_store(graph_url, data_dir), documents))
    except IngestInterrupted as error:
        click.echo(f"error: {_failure(error.cause)}", err=True)
        done, left = error.report, error.not_written
        click.echo(
            f"{len(done.written)} of {len(done.written) + len(left)} document(s) written "
            f"before the failure ({len(done.skipped)} already known); not written: "
            + ", ".join(left[:5])
            + (f" and {len(left) - 5} more" if len(left) > 5 else ""),
            err=True,
        )
        click.echo("ingesting the same input again writes only what is missing", err=True)
        sys.exit(STORE_FAILED)
    except StoreUnavailable as error:
        click.echo(f"error: {_failure(error)}; nothing was written", err=True)
        sys.exit(STORE_FAILED)
    click.echo(_summary(report))


STORE_FAILED = 3
"""The exit status when the graph store failed (full, busy, unreachable), as graph-sync's
for an object store that cannot be used."""


def _failure(error: Exception) -> str:
    """What went wrong, with the store's own words for the operator."""
    if isinstance(error, StoreUnavailable):
        return f"{error} ({error.detail})"
    return str(error) or type(error).__name__


async def _ingest(store: GraphStore, documents: list[SolverDocument]) -> IngestReport:
    await store.open()
    try:
        with tqdm(total=len(documents), desc="ingest", unit="doc", disable=None) as bar:
            return await IngestService(store).write_solver_documents(
                documents, progress=lambda _doc: bar.update()
            )
    finally:
        await store.close()


def _summary(report: IngestReport) -> str:
    c = report.changes
    return (
        f"{len(report.written)} document(s) written, {len(report.skipped)} already known; "
        f"created {c.packages_created} packages, {c.versions_created} versions, "
        f"{c.dependencies_created} dependency edges"
    )


@main.group()
def token() -> None:
    """Manage the API tokens that mutations need."""


def _name(_context: click.Context, _param: click.Parameter, value: str) -> str:
    from thoth_graphql.domain.token import name_fault

    if (fault := name_fault(value)) is not None:
        raise click.BadParameter(fault)
    return value


_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}


def _lifetime(_context: click.Context, _param: click.Parameter, value: str | None) -> int | None:
    """Seconds from `30d`, `12h`, `15m`, `45s` or `2w`; None without the option."""
    if value is None:
        return None
    number, unit = value[:-1], value[-1:]
    if not number.isdigit() or unit not in _UNITS or not int(number) * _UNITS[unit] > 0:
        raise click.BadParameter(f"{value!r}: expected a number and a unit, e.g. 30d, 12h, 15m")
    return int(number) * _UNITS[unit]


def _store_call(store: GraphStore, call: Callable[[GraphStore], Awaitable[T]]) -> T:
    """`call(store)` with the store open; a store failure ends the command with STORE_FAILED."""

    async def run() -> T:
        await store.open()
        try:
            return await call(store)
        finally:
            await store.close()

    try:
        return asyncio.run(run())
    except StoreUnavailable as error:
        click.echo(f"error: {_failure(error)}", err=True)
        sys.exit(STORE_FAILED)


@token.command("create")
@DATA_DIR
@GRAPH
@click.option(
    "--name",
    default="default",
    show_default=True,
    callback=_name,
    help="Who or what it is for: 1 to 100 printable characters.",
)
@click.option(
    "--scope",
    type=click.Choice(["write", "admin"]),
    default="write",
    show_default=True,
    help="write: mutations of the graph; admin: also making tokens.",
)
@click.option(
    "--expires-in",
    "lifetime",
    metavar="DURATION",
    callback=_lifetime,
    help="Stop accepting it after this long: 30d, 12h, 15m, 45s, 2w (default: when revoked).",
)
def token_create(
    data_dir: Path, graph_url: str | None, name: str, scope: str, lifetime: int | None
) -> None:
    """Print a new bearer token. Only its hash is stored: it cannot be shown again.

    ADMIN tokens are made here only, on the host: the API mints WRITE tokens alone.
    """
    from datetime import UTC, datetime, timedelta

    from thoth_graphql.domain import TokenScope
    from thoth_graphql.domain.timestamps import utc_timestamp
    from thoth_graphql.domain.token import hash_secret, new_secret

    now = datetime.now(UTC)
    expires_at = None if lifetime is None else utc_timestamp(now + timedelta(seconds=lifetime))
    secret = new_secret()
    record = ApiToken(
        hash_secret(secret), name, TokenScope(scope.upper()), utc_timestamp(now), expires_at
    )
    _store_call(_store(graph_url, data_dir), lambda store: TokenService(store).add(record))
    until = f", expires {expires_at}" if expires_at else ""
    click.echo(
        f"token {name!r} ({scope}, id {record.id}{until}) created; it is shown only this once:",
        err=True,
    )
    click.echo(secret)


@token.command("list")
@DATA_DIR
@GRAPH
def token_list(data_dir: Path, graph_url: str | None) -> None:
    """List every token (never its secret), oldest first: id, scope, times, name."""
    from thoth_graphql.domain.timestamps import utc_timestamp

    tokens = _store_call(_store(graph_url, data_dir), lambda store: TokenService(store).all())
    now = utc_timestamp()
    click.echo(f"{'ID':16}  {'SCOPE':5}  {'CREATED':20}  {'EXPIRES':20}  NAME")
    for t in tokens:
        expires = "never" if t.expires_at is None else t.expires_at
        if t.expired(now):
            expires += " (expired)"
        click.echo(f"{t.id:16}  {t.scope.value:5}  {t.created_at:20}  {expires:20}  {t.name}")


@token.command("revoke")
@DATA_DIR
@GRAPH
@click.argument("token_id", metavar="ID")
def token_revoke(data_dir: Path, graph_url: str | None, token_id: str) -> None:
    """Revoke the token with this id (as `token list` shows it, or its unique start)."""

    async def revoke(store: GraphStore) -> list[str]:
        tokens = TokenService(store)
        matching = [t for t in await tokens.all() if t.id.startswith(token_id.lower())]
        if len(matching) == 1:
            await tokens.revoke(matching[0].id)
        return [f"{t.id} {t.name!r}" for t in matching]

    if not token_id:
        raise click.BadParameter("give a token id", param_hint="ID")
    matching = _store_call(_store(graph_url, data_dir), revoke)
    if not matching:
        click.echo(f"error: no token has the id {token_id!r} (see `token list`)", err=True)
        sys.exit(1)
    if len(matching) > 1:
        click.echo(f"error: {token_id!r} starts several ids: {', '.join(matching)}", err=True)
        sys.exit(1)
    click.echo(f"token {matching[0]} revoked", err=True)


@main.command()
@DATA_DIR
@GRAPH
@OBJECTS
@click.option(
    "--workers",
    default=2,
    show_default=True,
    type=click.IntRange(min=1),
    help="Analyses run at a time (runner processes, or Jobs with --kubernetes).",
)
@click.option(
    "--kubernetes",
    "kubernetes_image",
    metavar="IMAGE",
    help="Run each analysis as a Job of this image in the middletier namespace, through "
    "the API server of the cluster this runs in (needs an s3:// object store).",
)
@click.option("--namespace", default="thoth-middletier", show_default=True)
@click.option(
    "--credentials-secret",
    default="thoth-objects-credentials",
    show_default=True,
    help="The Secret holding AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY for the Jobs.",
)
def dispatch(
    data_dir: Path,
    graph_url: str | None,
    objects_url: str | None,
    workers: int,
    kubernetes_image: str | None,
    namespace: str,
    credentials_secret: str,
) -> None:
    """Run queued analyses until stopped (SIGINT or SIGTERM), beside or instead of the
    dispatcher in `serve`; several may run, each claims its own analyses."""
    from thoth_graphql.analyses.hosting import absolute_objects_url

    objects = absolute_objects_url(_objects_url(objects_url, data_dir))
    store = _store(graph_url, data_dir)
    if kubernetes_image is not None and not objects.startswith("s3://"):
        raise click.UsageError("--kubernetes needs an s3:// object store (--objects)")
    asyncio.run(
        _dispatch(
            store,
            objects,
            workers,
            data_dir / "runs",
            kubernetes_image,
            namespace,
            credentials_secret,
        )
    )


async def _dispatch(
    store: GraphStore,
    objects_url: str,
    workers: int,
    scratch: Path,
    kubernetes_image: str | None,
    namespace: str,
    credentials_secret: str,
) -> None:
    import logging
    import signal

    from thoth_graphql.analyses.dispatcher import Dispatcher, Launcher
    from thoth_graphql.analyses.local import LocalLauncher
    from thoth_objects.url import open_object_store

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    await store.open()
    try:
        async with open_object_store(objects_url) as objects:
            launcher: Launcher
            if kubernetes_image is None:
                launcher = LocalLauncher(objects_url, workers, scratch)
            else:
                from thoth_graphql.analyses.kubernetes import (
                    JobSettings,
                    KubernetesApi,
                    KubernetesLauncher,
                )

                settings = JobSettings(
                    kubernetes_image,
                    objects_url,
                    namespace=namespace,
                    credentials_secret=credentials_secret,
                )
                launcher = KubernetesLauncher(
                    KubernetesApi.in_cluster(), objects, settings, slots=workers
                )
            dispatcher = Dispatcher(store, objects, launcher)
            loop = asyncio.get_running_loop()
            for number in (signal.SIGINT, signal.SIGTERM):
                loop.add_signal_handler(number, dispatcher.stop)
            click.echo(f"dispatch: {launcher.name}, {workers} at a time", err=True)
            try:
                await dispatcher.run()
            finally:
                await launcher.close()
            click.echo(f"dispatch: stopped; {dispatcher.finished} analyses finished", err=True)
    finally:
        await store.close()


@main.command("graph-sync")
@DATA_DIR
@GRAPH
@OBJECTS
@click.option("--follow", is_flag=True, help="Keep loading new results until stopped.")
@click.option(
    "--rebuild",
    is_flag=True,
    help="Fill an empty graph from the object store alone: every result and analysis.",
)
@click.option(
    "--interval",
    default=2.0,
    show_default=True,
    type=click.FloatRange(min=0.05),
    help="Seconds between passes with --follow.",
)
def graph_sync(
    data_dir: Path,
    graph_url: str | None,
    objects_url: str | None,
    follow: bool,
    rebuild: bool,
    interval: float,
) -> None:
    """Load analysis results from the object store into the graph (idempotent by
    document id): once, or with --follow as they come."""
    if follow and rebuild:
        raise click.UsageError("--rebuild runs once; start --follow after it")
    store = _store(graph_url, data_dir)
    code = asyncio.run(
        _graph_sync(store, _objects_url(objects_url, data_dir), follow, rebuild, interval)
    )
    sys.exit(code)


async def _graph_sync(
    store: GraphStore, objects_url: str, follow: bool, rebuild: bool, interval: float
) -> int:
    import signal

    from thoth_graphql.sync import GraphNotEmpty, GraphSync, SyncReport
    from thoth_objects.port import ObjectStoreError
    from thoth_objects.url import open_object_store

    def show(report: SyncReport) -> None:
        for key, reason in report.failed:
            click.echo(f"error: {key}: {reason}", err=True)
        for key, reason in report.quarantined:
            click.echo(f"quarantined: {key}: {reason}", err=True)
        if not follow or report.loaded or report.failed or report.quarantined:
            click.echo(report.summary())

    await store.open()
    try:
        async with open_object_store(objects_url) as objects:
            sync = GraphSync(store, objects)
            if follow:
                stop = asyncio.Event()
                loop = asyncio.get_running_loop()
                for number in (signal.SIGINT, signal.SIGTERM):
                    loop.add_signal_handler(number, stop.set)
                await sync.follow(interval=interval, stop=stop, on_report=show)
                return 0
            report = await (sync.rebuild() if rebuild else sync.sync_completed())
            show(report)
            return 1 if report.failed else 0
    except GraphNotEmpty as error:
        click.echo(f"error: {error}", err=True)
        return 2
    except ObjectStoreError as error:
        click.echo(f"error: the object store cannot be used: {error}", err=True)
        return 3
    except StoreUnavailable as error:
        click.echo(f"error: {_failure(error)}", err=True)
        return STORE_FAILED
    except IngestInterrupted as error:
        # Results are loaded again on the next pass (idempotent by document id).
        written = len(error.report.written)
        click.echo(f"error: {_failure(error.cause)}; {written} document(s) loaded first", err=True)
        return STORE_FAILED
    finally:
        await store.close()


@main.command("schedule-solvers")
@DATA_DIR
@GRAPH
@OBJECTS
@click.option(
    "--limit",
    default=200,
    show_default=True,
    type=click.IntRange(min=1),
    help="The most solver analyses queued in one run.",
)
@click.option(
    "--retry-after",
    default=7.0,
    show_default=True,
    type=click.FloatRange(min=0),
    help="Days before a package whose solving was asked for is asked for again.",
)
@click.option(
    "-r",
    "--requirements",
    "requirements_file",
    type=click.Path(exists=True, path_type=Path),
    help="Solve this project's frontier instead (requirements.txt/.in, pyproject.toml, "
    "Pipfile): the unknown packages its advise answer names, for the version ranges that "
    "reach them.",
)
@click.option("--python-version", help='The environment solved for, e.g. "3.12".')
@click.option("--platform", help="The platform tag solved for, e.g. linux_x86_64.")
@click.option(
    "--versions-per-range",
    type=click.IntRange(min=1),
    help="Solve at most this many releases of each range, newest first (default: all).",
)
@click.option("--index-url", help="The PEP 503 index to solve from (default: PyPI).")
def schedule_solvers(
    data_dir: Path,
    graph_url: str | None,
    objects_url: str | None,
    limit: int,
    retry_after: float,
    requirements_file: Path | None,
    python_version: str | None,
    platform: str | None,
    versions_per_range: int | None,
    index_url: str | None,
) -> None:
    """Queue solver analyses for packages the graph names but has no releases of, or for
    a requirement set's frontier (-r)."""
    from datetime import timedelta

    from thoth_graphql.advise_service import server_environment
    from thoth_graphql.analyses.schedule import run_scheduler
    from thoth_graphql.client.requirements_file import ProjectFileError
    from thoth_graphql.domain import RuntimeEnvironment
    from thoth_graphql.scorer import AdviseRequest

    environment = None
    if python_version or platform or requirements_file:
        here = server_environment()
        environment = RuntimeEnvironment(
            python_version=python_version or here.python_version,
            platform=platform or here.platform,
        )
    requirements = None
    if requirements_file is not None:
        from thoth_graphql.client.project import read_project

        try:
            project = read_project(requirements_file)
        except ProjectFileError as error:
            raise click.UsageError(str(error)) from error
        requirements = AdviseRequest(
            project.requirements, project.constraints, environment or RuntimeEnvironment()
        )
    report = asyncio.run(
        run_scheduler(
            _store(graph_url, data_dir),
            _objects_url(objects_url, data_dir),
            limit=limit,
            retry_after=timedelta(days=retry_after),
            index_url=index_url,
            environment=environment,
            versions_per_range=versions_per_range,
            requirements=requirements,
        )
    )
    click.echo(report.summary())


SERVER = click.option(
    "--server",
    metavar="URL",
    help="A thoth-graphql server, e.g. http://127.0.0.1:8000 (default: the embedded graph "
    "of --data-dir or --graph, answered in this process).",
)
TOKEN = click.option(
    "--token",
    envvar="THOTH_TOKEN",
    metavar="SECRET",
    help="A write token, for --learn (or the environment variable THOTH_TOKEN).",
)
RECOMMENDATION = click.option(
    "--type",
    "recommendation_type",
    type=click.Choice(["LATEST", "STABLE", "SECURITY", "PERFORMANCE", "TESTING"]),
    default="LATEST",
    show_default=True,
    help="The objective (docs/advise.md).",
)


def _client(
    server: str | None, graph_url: str | None, data_dir: Path, token: str | None
) -> ThothClient:
    """A client of `server`, or of the API run in this process over the embedded graph."""
    from thoth_graphql.client import ThothClient

    if server is not None:
        return ThothClient.connect(server, token=token)
    from thoth_graphql.api.in_process import InProcessTransport
    from thoth_graphql.store.factory import GRAPH_FILE

    if graph_url is None and not (data_dir / GRAPH_FILE).is_file():
        # Opening would create an empty graph in the user's project, which knows nothing.
        raise click.UsageError(
            f"no graph in {data_dir}: give --server URL, --data-dir of a graph "
            "(`thoth-graphql ingest` or `serve --demo` fills one), or --graph URL"
        )

    return ThothClient(InProcessTransport(_store(graph_url, data_dir), token=token))


def _environment(
    python_version: str | None, platform: str | None, os_name: str | None, os_version: str | None
) -> RuntimeEnvironment:
    from thoth_graphql.client import RuntimeEnvironment

    current = RuntimeEnvironment.current()
    return RuntimeEnvironment(
        python_version=python_version or current.python_version,
        platform=platform or current.platform,
        os_name=os_name,
        os_version=os_version,
    )


def environment_options(function: Callable[..., None]) -> Callable[..., None]:
    """--python-version, --platform, --os-name, --os-version (default: this interpreter)."""
    for option in reversed(
        [
            click.option("--python-version", help='e.g. "3.11" (default: this interpreter).'),
            click.option("--platform", help="A platform tag, e.g. linux_x86_64."),
            click.option("--os-name", help='e.g. "fedora".'),
            click.option("--os-version", help='e.g. "40".'),
        ]
    ):
        function = option(function)
    return function


@main.command()
@click.argument(
    "project", default=".", type=click.Path(exists=True, path_type=Path), required=False
)
@click.option(
    "-r",
    "--requirements",
    "requirements_file",
    type=click.Path(path_type=Path),
    help="The project file to read (default: the first of pyproject.toml, requirements.in, "
    "requirements.txt, Pipfile in PROJECT).",
)
@click.option("--extra", "extras", multiple=True, help="Optional dependencies to add (pyproject).")
@click.option(
    "--group", "groups", multiple=True, help="A dependency group to add (pyproject; Pipfile: dev)."
)
@environment_options
@RECOMMENDATION
@click.option(
    "--format",
    "lock_format",
    type=click.Choice(["pylock.toml", "requirements.txt"]),
    default="pylock.toml",
    show_default=True,
)
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="The lock file."
)
@click.option("--learn", is_flag=True, help="Solve unknown packages first (needs --token).")
@click.option("--time-limit-ms", type=click.IntRange(1, 20_000), help="How long to search.")
@SERVER
@TOKEN
@DATA_DIR
@GRAPH
def advise(
    project: Path,
    requirements_file: Path | None,
    extras: tuple[str, ...],
    groups: tuple[str, ...],
    python_version: str | None,
    platform: str | None,
    os_name: str | None,
    os_version: str | None,
    recommendation_type: str,
    lock_format: str,
    output: Path | None,
    learn: bool,
    time_limit_ms: int | None,
    server: str | None,
    token: str | None,
    data_dir: Path,
    graph_url: str | None,
) -> None:
    """Lock a project: write the recommended stack (pylock.toml or requirements.txt) and
    print why each package has its version.

    Exit codes: 0 locked; 1 no stack (why is printed); 2 bad input (file and line
    printed); 3 the server could not be reached.
    """
    from thoth_graphql.client.command import AdviseOptions, run_advise

    if learn and not token:
        raise click.UsageError("--learn needs a write token (--token or THOTH_TOKEN)")
    options = AdviseOptions(
        project=requirements_file or project,
        extras=extras,
        groups=groups,
        environment=_environment(python_version, platform, os_name, os_version),
        recommendation_type=recommendation_type,
        format=lock_format,
        output=output,
        learn=learn,
        time_limit_ms=time_limit_ms,
    )
    with _client(server, graph_url, data_dir, token) as client:
        code = run_advise(client, options)
    sys.exit(code)


@main.group()
def bot() -> None:
    """The update bot: keep projects' lock files at what advise recommends."""


@bot.command("update")
@click.argument("repository", type=click.Path(exists=True, file_okay=False, path_type=Path))
@environment_options
@RECOMMENDATION
@click.option("--dry-run", is_flag=True, help="Print the message and the diff; commit nothing.")
@SERVER
@TOKEN
@DATA_DIR
@GRAPH
def bot_update(
    repository: Path,
    python_version: str | None,
    platform: str | None,
    os_name: str | None,
    os_version: str | None,
    recommendation_type: str,
    dry_run: bool,
    server: str | None,
    token: str | None,
    data_dir: Path,
    graph_url: str | None,
) -> None:
    """Commit the recommended lock of the project in REPOSITORY (a clean git working tree)
    on a branch thoth/update-<date>, with each changed package and why; nothing when
    nothing changes.

    Exit codes as `advise`: 0 done (or nothing to do); 1 no stack; 2 bad input, a dirty
    tree among it; 3 the server could not be reached.
    """
    from thoth_graphql.bot.command import UpdateOptions, run_update

    options = UpdateOptions(
        repository=repository,
        environment=_environment(python_version, platform, os_name, os_version),
        recommendation_type=recommendation_type,
        dry_run=dry_run,
    )
    with _client(server, graph_url, data_dir, token) as client:
        code = run_update(client, options)
    sys.exit(code)

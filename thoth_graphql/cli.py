"""The `thoth-graphql` command: serve the API, ingest documents, make API tokens, run
analyses (`dispatch`) and load their results (`graph-sync`)."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TypeVar

import click
from tqdm import tqdm

from thoth_graphql.domain import ApiToken
from thoth_graphql.ingest.ingest import (
    IngestInterrupted,
    IngestReport,
    InvalidDocuments,
    ingest_documents,
    parse_all,
)
from thoth_graphql.ingest.solver_document import SolverDocument
from thoth_graphql.ingest.sources import UnreadableSource, document_files, read_documents
from thoth_graphql.store.factory import UnsupportedGraphUrl, graph_store
from thoth_graphql.store.port import GraphStore, StoreUnavailable

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
def serve(
    host: str,
    port: int,
    data_dir: Path,
    graph_url: str | None,
    objects_url: str | None,
    workers: int,
    demo: bool,
    no_read_cache: bool,
) -> None:
    """Serve GraphQL at /graphql (GraphiQL in a browser)."""
    import uvicorn

    from thoth_graphql.analyses.hosting import hosted_analyses
    from thoth_graphql.api.app import create_app
    from thoth_graphql.api.cache import size_read_cache

    store = _store(graph_url, data_dir)
    objects = _objects_url(objects_url, data_dir)

    @asynccontextmanager
    async def lifespan(_: object) -> AsyncIterator[None]:
        await store.open()
        try:
            if demo:
                await _load_demo(store)
            async with hosted_analyses(store, objects, workers=workers, scratch=data_dir / "runs"):
                yield
        finally:
            await store.close()

    from thoth_graphql.api.request_log import configure_logging

    if no_read_cache:
        size_read_cache(store, 0)
    app = create_app(store, lifespan=lifespan)
    click.echo(f"thoth-graphql: GraphQL at http://{host}:{port}/graphql", err=True)
    configure_logging()
    uvicorn.run(app, host=host, port=port, log_config=None)


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
        documents = parse_all(
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
            return await ingest_documents(store, documents, lambda _doc: bar.update())
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
    _store_call(_store(graph_url, data_dir), lambda store: store.add_token(record))
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

    tokens = _store_call(_store(graph_url, data_dir), lambda store: store.list_tokens())
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
        matching = [t for t in await store.list_tokens() if t.id.startswith(token_id.lower())]
        if len(matching) == 1:
            await store.revoke_token(matching[0].token_hash)
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
    from thoth_graphql.objects.url import open_object_store

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

    from thoth_graphql.objects.port import ObjectStoreError
    from thoth_graphql.objects.url import open_object_store
    from thoth_graphql.sync import GraphNotEmpty, GraphSync, SyncReport

    def show(report: SyncReport) -> None:
        for key, reason in report.failed:
            click.echo(f"error: {key}: {reason}", err=True)
        if not follow or report.loaded or report.failed:
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
def schedule_solvers(
    data_dir: Path, graph_url: str | None, objects_url: str | None, limit: int, retry_after: float
) -> None:
    """Queue solver analyses for packages the graph names but has no releases of."""
    from datetime import timedelta

    from thoth_graphql.analyses.schedule import run_scheduler

    report = asyncio.run(
        run_scheduler(
            _store(graph_url, data_dir),
            _objects_url(objects_url, data_dir),
            limit=limit,
            retry_after=timedelta(days=retry_after),
        )
    )
    click.echo(report.summary())

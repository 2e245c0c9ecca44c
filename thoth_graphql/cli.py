"""The `thoth-graphql` command: serve the API, ingest documents."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from pathlib import Path

import click
from tqdm import tqdm

from thoth_graphql.ingest.ingest import (
    IngestReport,
    InvalidDocuments,
    ingest_documents,
    parse_all,
)
from thoth_graphql.ingest.solver_document import SolverDocument
from thoth_graphql.ingest.sources import UnreadableSource, document_files, read_documents
from thoth_graphql.store.factory import UnsupportedGraphUrl, graph_store
from thoth_graphql.store.port import GraphStore

DATA_DIR = click.option(
    "--data-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("thoth-data"),
    show_default=True,
    help="Where the embedded graph lives.",
)
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


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@DATA_DIR
@GRAPH
@click.option("--demo", is_flag=True, help="Load the bundled demo data into an empty graph.")
def serve(host: str, port: int, data_dir: Path, graph_url: str | None, demo: bool) -> None:
    """Serve GraphQL at /graphql (GraphiQL in a browser)."""
    import uvicorn

    from thoth_graphql.api.app import create_app

    store = _store(graph_url, data_dir)

    @asynccontextmanager
    async def lifespan(_: object) -> AsyncIterator[None]:
        await store.open()
        try:
            if demo:
                await _load_demo(store)
            yield
        finally:
            await store.close()

    app = create_app(store, lifespan=lifespan)
    click.echo(f"thoth-graphql: GraphQL at http://{host}:{port}/graphql", err=True)
    uvicorn.run(app, host=host, port=port, log_level="info")


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
    report = asyncio.run(_ingest(_store(graph_url, data_dir), documents))
    click.echo(_summary(report))


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

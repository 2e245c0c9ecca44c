"""The bundled demo data: resolvelib's real PyPI snapshots as solver documents.

Converted by scripts/build_demo_data.py from resolvelib's functional-test inputs
(ISC license, LICENSE-resolvelib beside this file).
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from thoth_graphql.ingest import IngestReport, IngestService
from thoth_graphql.ingest.ingest import Progress
from thoth_graphql.store.port import KnowledgeGraph


def demo_files() -> list[str]:
    """The shipped snapshot files, oldest snapshot first."""
    folder = resources.files("thoth_graphql") / "demo"
    return sorted(
        str(Path(str(folder)) / p.name) for p in folder.iterdir() if p.name.endswith(".json.gz")
    )


async def load_demo(store: KnowledgeGraph, progress: Progress | None = None) -> IngestReport | None:
    """Ingest the demo data into an empty graph; leave a graph with data alone."""
    if (await store.counts()).packages:
        return None
    return await IngestService(store).ingest_paths(demo_files(), progress)

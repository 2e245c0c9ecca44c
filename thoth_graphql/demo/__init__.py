"""The bundled demo data: resolvelib's real PyPI snapshots as solver documents.

Converted by scripts/build_demo_data.py from resolvelib's functional-test inputs
(ISC license, LICENSE-resolvelib beside this file).
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from thoth_graphql.ingest import IngestReport, ingest_paths
from thoth_graphql.ingest.ingest import Progress
from thoth_graphql.store.port import PackageGraph


def demo_files() -> list[str]:
    """The shipped snapshot files, oldest snapshot first."""
    folder = resources.files("thoth_graphql") / "demo"
    return sorted(
        str(Path(str(folder)) / p.name) for p in folder.iterdir() if p.name.endswith(".json.gz")
    )


async def load_demo(store: PackageGraph, progress: Progress | None = None) -> IngestReport | None:
    """Ingest the demo data into an empty graph; leave a graph with data alone."""
    if (await store.counts()).packages:
        return None
    return await ingest_paths(store, demo_files(), progress)

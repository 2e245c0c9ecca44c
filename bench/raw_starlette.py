"""The baseline of bench.api_throughput: the depth-3 package read as plain starlette JSON.

    .venv/bin/python -m bench.raw_starlette --data-dir D --port P

POST /package with {"name": ...} answers what the GraphQL query `DEPTH3_QUERY` answers
(a package, its first 20 versions, their dependencies), byte for byte the same JSON, read
with the same three store calls the GraphQL loaders make, served by uvicorn with the same
settings as `thoth-graphql serve`. What is left between the two is GraphQL itself.
"""

from __future__ import annotations

import argparse
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from thoth_graphql.domain import canonical_name
from thoth_graphql.store.factory import graph_store
from thoth_graphql.store.port import GraphStore

PAGE = 20

DEPTH3_QUERY = """
query Depth3($name: String!) {
  package(name: $name) {
    name
    versions(first: 20) {
      totalCount
      edges {
        node {
          version
          indexUrl
          requiresPython
          yanked
          dependencies { name specifier extras marker extra }
        }
      }
    }
  }
}
"""


async def depth3(store: GraphStore, name: str) -> dict[str, Any]:
    """The `data` of DEPTH3_QUERY for `name`, from the store directly."""
    name = canonical_name(name)
    [package] = await store.packages([name])
    if package is None:
        return {"package": None}
    [versions] = await store.versions_of([name])
    page = versions[:PAGE]
    dependencies = await store.dependencies_of([v.key for v in page])
    return {
        "package": {
            "name": package.name,
            "versions": {
                "totalCount": len(versions),
                "edges": [
                    {
                        "node": {
                            "version": v.version,
                            "indexUrl": v.index_url,
                            "requiresPython": v.requires_python,
                            "yanked": v.yanked,
                            "dependencies": [
                                {
                                    "name": d.name,
                                    "specifier": d.specifier,
                                    "extras": list(d.extras),
                                    "marker": d.marker,
                                    "extra": d.extra,
                                }
                                for d in deps
                            ],
                        }
                    }
                    for v, deps in zip(page, dependencies, strict=True)
                ],
            },
        }
    }


def create_raw_app(store: GraphStore) -> Starlette:
    async def package(request: Request) -> Response:
        body = await request.json()
        return JSONResponse({"data": await depth3(store, body["name"])})

    @asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        await store.open()
        try:
            yield
        finally:
            await store.close()

    async def healthz(_: Request) -> Response:
        return PlainTextResponse("ok")

    return Starlette(
        routes=[Route("/package", package, methods=["POST"]), Route("/healthz", healthz)],
        lifespan=lifespan,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    store = graph_store(None, args.data_dir)  # the embedded store `serve` opens there
    # The settings `thoth-graphql serve` runs uvicorn with.
    uvicorn.run(create_raw_app(store), host="127.0.0.1", port=args.port, log_level="info")


if __name__ == "__main__":
    main()

"""`thoth-graphql advise --learn`: unknown packages are solved, waited on, and advise is
asked again, round after round, until the lock can be written."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import uvicorn

from tests.api.conftest import add_token
from tests.workflow_graph import PYTHON
from thoth_graphql.analyses.hosting import hosted_analyses
from thoth_graphql.api import create_app
from thoth_graphql.domain import (
    AnalysisStatus,
    Dependency,
    PackageVersion,
    Release,
    TokenScope,
)
from thoth_graphql.domain.timestamps import utc_timestamp
from thoth_graphql.services import Services
from thoth_graphql.store.port import AnalysisFilter, GraphStore
from thoth_graphql.store.sqlite import SqliteGraphStore

# What solving each unknown package finds. `fresh` needs a package nobody knows yet, so
# only a second round finds a stack; `broken` fails to solve.
SOLVED = {
    "fresh": [Release(PackageVersion("fresh", "2.0"), (Dependency("deeper", ">=1"),))],
    "deeper": [Release(PackageVersion("deeper", "1.5"))],
}


async def solve_queued(store: GraphStore, solved: list[str]) -> None:
    """Stands in for the dispatcher, the runner and graph-sync: each queued solver analysis
    gets its releases written and is marked SUCCEEDED (FAILED when nothing is found)."""
    while True:
        for analysis in await store.list_analyses(AnalysisFilter(AnalysisStatus.QUEUED), 10):
            name = analysis.parameters["package_name"]
            running = analysis.moved_to(AnalysisStatus.RUNNING, utc_timestamp())
            await store.update_analysis(running)
            if name in SOLVED:
                await store.write_releases(SOLVED[name])
                done = running.moved_to(AnalysisStatus.SUCCEEDED, utc_timestamp())
            else:
                done = running.moved_to(AnalysisStatus.FAILED, utc_timestamp(), error="no such")
            await store.update_analysis(done)
            solved.append(name)
        await asyncio.sleep(0.05)


async def advise_learning(tmp_path: Path, requirements: str) -> tuple[int, str, list[str]]:
    """`advise --learn` on `requirements` against a server whose analyses are solved as
    above; the exit code, stderr and the packages solved, in order."""
    store = SqliteGraphStore(tmp_path / "graph.sqlite3")
    await store.open()
    await store.write_releases([Release(PackageVersion("app", "1.0"), (Dependency("fresh"),))])
    token = await add_token(store, TokenScope.WRITE)
    project = tmp_path / "project"
    project.mkdir()
    (project / "requirements.in").write_text(requirements)
    solved: list[str] = []
    objects = str(tmp_path / "objects")
    async with hosted_analyses(store, objects, workers=0, scratch=tmp_path) as analyses:
        app = create_app(Services.over(store, analyses=analyses))
        config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="off")
        server = uvicorn.Server(config)
        serving = asyncio.create_task(server.serve())
        while not server.started:
            assert not serving.done(), "uvicorn did not start"
            await asyncio.sleep(0.01)
        host, port = server.servers[0].sockets[0].getsockname()[:2]
        solver = asyncio.create_task(solve_queued(store, solved))
        try:
            process = await asyncio.create_subprocess_exec(
                *(sys.executable, "-m", "thoth_graphql", "advise", "--learn", *PYTHON),
                *("--server", f"http://{host}:{port}", "--token", token),
                cwd=project,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.PIPE,
            )
            _, err = await asyncio.wait_for(process.communicate(), timeout=120)
        finally:
            solver.cancel()
            server.should_exit = True
            await serving
            await store.close()
    assert process.returncode is not None
    return process.returncode, err.decode(), solved


async def test_learn_solves_round_after_round_then_locks(tmp_path: Path) -> None:
    code, err, solved = await advise_learning(tmp_path, "app\n")
    assert code == 0, err
    assert solved == ["fresh", "deeper"]
    assert "learning: solving 1 unknown package(s): fresh" in err
    assert "learning: solving 1 unknown package(s): deeper" in err
    lock = (tmp_path / "project" / "pylock.toml").read_text()
    for name, version in [("app", "1.0"), ("fresh", "2.0"), ("deeper", "1.5")]:
        assert f'name = "{name}"\nversion = "{version}"' in lock


async def test_a_package_that_cannot_be_solved_ends_the_learning(tmp_path: Path) -> None:
    code, err, solved = await advise_learning(tmp_path, "broken\n")
    assert code == 1
    assert solved == ["broken"]
    assert "learning: broken failed: no such" in err
    assert "packages the graph does not know" in err

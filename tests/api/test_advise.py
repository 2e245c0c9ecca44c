"""`advise` through GraphQL over the embedded store: resolvelib's real cases, every
recommendation type learning from what the mutations record, lock files, input
validation, and the snapshot cache shared by the requests to one store."""

from __future__ import annotations

import asyncio
import shutil
import sys
import threading
import tomllib
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from packaging.version import Version

from bench.universe import DEMO, expected_resolution, resolvelib_case
from tests.api.conftest import add_token
from tests.api.graphql_client import GraphQLClient, Result
from tests.api.sample_graph import release
from thoth_graphql import advise_service as advise_module
from thoth_graphql.advise_service import server_environment
from thoth_graphql.api import create_app
from thoth_graphql.api.advise_query import MAX_REQUIREMENTS
from thoth_graphql.domain import TokenScope, marker_environment
from thoth_graphql.ingest import ingest_paths
from thoth_graphql.scorer import AdviseRequest, AdviseResult, Snapshot
from thoth_graphql.scorer.budget import Budget
from thoth_graphql.services import Services
from thoth_graphql.store.sqlite import SqliteGraphStore

HERE = {"pythonVersion": "3.11", "platform": "linux_x86_64"}
"""resolvelib's expectations assume a modern CPython 3 on Linux."""

ADVISE = """
query Advise($input: AdviseInput!) {
  advise(input: $input) {
    optimal
    complete
    gaps { package reason requirement requiredBy }
    notes
    unresolved
    unsatisfiable { message conflicts packages }
    stacks {
      score
      packages { name version index extras }
      justifications {
        package version kind message
        reasons { version avoided message
          stackObservations { id provenance { documentRef } }
          advisories { advisoryId }
          installability { installable error } }
      }
    }
  }
}
"""
LOCKFILES = """
query Lockfiles($input: AdviseInput!) {
  advise(input: $input) { stacks {
    requirements: lockfile
    pylock: lockfile(format: PYLOCK_TOML)
    packages { packageVersion { version requiresPython } }
  } }
}
"""
RECORD = """
mutation ($input: StackObservationInput!) {
  recordStackObservation(input: $input) { created stackObservation { id } }
}
"""
ADVISORIES = """
mutation ($records: [JSON!]!) { ingestAdvisories(records: $records) { results { id } } }
"""

HASH = "ab" * 32
SMALL = [
    release("app", "2.0", "lib", sha256=(HASH,)),
    release("app", "1.0", "lib", sha256=(HASH,)),
    release("lib", "3.0", sha256=(HASH,)),
    release("lib", "2.0", sha256=(HASH,), requires_python=">=3.8"),
    release("lib", "1.0", sha256=(HASH,)),
]


# -- stores and clients ------------------------------------------------------------------


@pytest.fixture(scope="session")
def demo_graphs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """SQLite files holding resolvelib's cheroot and dask indexes, ingested once."""
    folder = tmp_path_factory.mktemp("demo-graphs")
    paths: dict[str, Path] = {}

    async def ingest(name: str) -> None:
        store = SqliteGraphStore(folder / f"{name}.sqlite3")
        await store.open()
        try:
            await ingest_paths(store, [str(DEMO / f"{name}.json.gz")])
        finally:
            await store.close()
        paths[name] = store.path

    # A loop of its own: pytest-asyncio's loop for the test is not running yet.
    loop = asyncio.new_event_loop()
    try:
        for name in ("pypi-2020-11-17-cheroot", "pypi-2020-02-13-dask"):
            loop.run_until_complete(ingest(name))
    finally:
        loop.close()
    return paths


@asynccontextmanager
async def demo_store(
    demo_graphs: dict[str, Path], name: str, tmp_path: Path
) -> AsyncIterator[SqliteGraphStore]:
    """A private copy of one demo graph, opened."""
    path = tmp_path / f"{name}.sqlite3"
    shutil.copyfile(demo_graphs[name], path)
    store = SqliteGraphStore(path)
    await store.open()
    try:
        yield store
    finally:
        await store.close()


@asynccontextmanager
async def client(over: SqliteGraphStore | Services) -> AsyncIterator[GraphQLClient]:
    transport = httpx.ASGITransport(app=create_app(over))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield GraphQLClient(http)


@pytest.fixture
async def small(sqlite_store: SqliteGraphStore) -> SqliteGraphStore:
    await sqlite_store.write_releases(SMALL)
    return sqlite_store


@pytest.fixture
def services(small: SqliteGraphStore) -> Services:
    return Services.over(small)


@pytest.fixture
async def ask(small: SqliteGraphStore, services: Services) -> AsyncIterator[GraphQLClient]:
    async with client(services) as gql:
        yield gql.with_token(await add_token(small, TokenScope.WRITE, "ci-bot"))


async def advise(gql: GraphQLClient, requirements: list[str], **fields: Any) -> dict[str, Any]:
    """The advise answer, asserting that there were no errors."""
    fields.setdefault("runtimeEnvironment", HERE)
    result = await gql(ADVISE, input={"requirements": requirements, **fields})
    assert result.errors == [], result.errors
    assert result.data is not None
    answer: dict[str, Any] = result.data["advise"]
    return answer


def chosen(answer: dict[str, Any], stack: int = 0) -> dict[str, str]:
    return {p["name"]: p["version"] for p in answer["stacks"][stack]["packages"]}


def justification(answer: dict[str, Any], package: str) -> dict[str, Any]:
    [found] = [j for j in answer["stacks"][0]["justifications"] if j["package"] == package]
    return found


async def record(gql: GraphQLClient, outcome: str, **fields: Any) -> str:
    """Record a stack observation of app and lib here; its id."""
    versions = {k: v for k, v in fields.items() if k in ("app", "lib")}
    extra = {k: v for k, v in fields.items() if k not in versions}
    observation = {
        "packages": [{"name": n, "version": v} for n, v in versions.items()],
        "runtimeEnvironment": HERE,
        "outcome": outcome,
        **extra,
    }
    result = await gql(RECORD, input=observation)
    assert result.errors == [], result.errors
    assert result.data is not None
    observation_id: str = result.data["recordStackObservation"]["stackObservation"]["id"]
    return observation_id


# -- resolvelib's real cases -------------------------------------------------------------


async def test_latest_for_cheroot_is_resolvelibs_stack(
    demo_graphs: dict[str, Path], tmp_path: Path
) -> None:
    case = resolvelib_case("cheroot")
    async with demo_store(demo_graphs, case["index"], tmp_path) as store, client(store) as gql:
        answer = await advise(gql, case["requested"])
    assert answer["optimal"] is True
    assert answer["unresolved"] == [] and answer["unsatisfiable"] is None
    [stack] = answer["stacks"]
    got = {name: Version(version) for name, version in chosen(answer).items()}
    assert got == expected_resolution(case)
    assert stack["score"] == 0.0
    assert {j["package"] for j in stack["justifications"]} == set(got)
    pytest_ = justification(answer, "pytest")
    # pytest-testmon<1.0.0 holds pytest back: the justification says who.
    assert pytest_["kind"] in ("NEWEST_ALLOWED", "INCOMPATIBLE_NEWER")
    assert pytest_["version"] == "3.10.1"


async def test_different_extras_is_unsatisfiable_and_names_markupsafe(
    demo_graphs: dict[str, Path], tmp_path: Path
) -> None:
    case = resolvelib_case("different-extras")
    async with demo_store(demo_graphs, case["index"], tmp_path) as store, client(store) as gql:
        answer = await advise(gql, case["requested"])
    assert answer["stacks"] == []
    # No stack over what the graph knows, but markupsafe is unknown: provisional.
    assert answer["optimal"] is False and answer["complete"] is False
    assert answer["gaps"] == [
        {
            "package": "markupsafe",
            "reason": "UNKNOWN_PACKAGE",
            "requirement": "markupsafe>=0.23",
            "requiredBy": "jinja2==2.11.1",
        }
    ]
    unsatisfiable = answer["unsatisfiable"]
    assert unsatisfiable["packages"] == ["markupsafe"]
    assert "markupsafe" in unsatisfiable["message"]
    assert unsatisfiable["conflicts"]
    assert all("markupsafe" in chain for chain in unsatisfiable["conflicts"])
    assert any(u.startswith("markupsafe:") for u in answer["unresolved"])


# -- the small graph: every recommendation type ------------------------------------------


async def test_an_unknown_package_is_unresolved_not_dropped(ask: GraphQLClient) -> None:
    answer = await advise(ask, ["app", "no-such-package>=1"])
    assert answer["stacks"] == [] and answer["unsatisfiable"] is None
    [message] = answer["unresolved"]
    assert message.startswith("no-such-package:") and "solver analysis" in message


INGEST = """
mutation ($docs: [JSON!]!) { ingestSolverDocuments(documents: $docs) { results { status } } }
"""


def _document(document_id: str, tree: list[Any], unresolved: list[Any]) -> dict[str, Any]:
    return {
        "metadata": {"document_id": document_id, "datetime": "2025-05-01T08:00:00Z"},
        "result": {"tree": tree, "unresolved": unresolved},
    }


async def test_a_package_not_on_the_index_is_a_proof_not_a_gap(ask: GraphQLClient) -> None:
    """Ingested as the solver reports it (the index's 404 for `gone`), through the same
    mutation as any document: advise proves that `web>=2` has no stack, and passes over
    the release that needs `gone` where an older one does without."""
    web = [
        {
            "package_name": "web",
            "package_version": "2.0",
            "dependencies": [{"package_name": "gone", "specifier": ">=1"}],
        },
        {
            "package_name": "web",
            "package_version": "1.0",
            "dependencies": [{"package_name": "lib"}],
        },
    ]
    gone = {"package_name": "gone", "reason": "not found on the index"}
    ingested = await ask(INGEST, docs=[_document("web", web, []), _document("gone", [], [gone])])
    assert ingested.errors == []
    proven = await advise(ask, ["app", "web>=2"])
    assert proven["stacks"] == []
    assert proven["optimal"] is True and proven["complete"] is True
    assert (proven["gaps"], proven["unresolved"]) == ([], [])
    assert proven["unsatisfiable"]["packages"] == ["gone"]
    assert proven["unsatisfiable"]["conflicts"] == [
        "web>=2 -> gone>=1 (web==2.0): gone is not on the index (seen 2025-05-01)"
    ]
    passed_over = await advise(ask, ["web"])
    assert chosen(passed_over) == {"web": "1.0", "lib": "3.0"}
    assert passed_over["optimal"] is True and passed_over["gaps"] == []


async def test_latest_takes_the_newest_and_justifies_every_package(ask: GraphQLClient) -> None:
    answer = await advise(ask, ["app"])
    assert chosen(answer) == {"app": "2.0", "lib": "3.0"}
    assert answer["optimal"] is True
    assert [(j["package"], j["kind"]) for j in answer["stacks"][0]["justifications"]] == [
        ("app", "NEWEST"),
        ("lib", "NEWEST"),
    ]


async def test_a_recorded_failure_changes_stable_and_is_named(ask: GraphQLClient) -> None:
    assert chosen(await advise(ask, ["app"], recommendationType="STABLE"))["lib"] == "3.0"
    failed = await record(ask, "RUNTIME_FAILURE", app="2.0", lib="3.0", documentRef="ci-run-7")
    await record(ask, "SUCCESS", app="2.0", lib="2.0")
    answer = await advise(ask, ["app"], recommendationType="STABLE")
    assert chosen(answer) == {"app": "2.0", "lib": "2.0"}
    assert answer["optimal"] is True
    assert answer["stacks"][0]["score"] == 0.0  # no part of it was seen failing
    lib = justification(answer, "lib")
    assert lib["kind"] == "AVOIDED_NEWER"
    [reason] = lib["reasons"]
    assert (reason["version"], reason["avoided"]) == ("3.0", True)
    assert [o["id"] for o in reason["stackObservations"]] == [failed]
    assert reason["stackObservations"][0]["provenance"]["documentRef"] == "ci-run-7"
    assert "ci-run-7" in lib["message"]
    # LATEST is about versions only.
    assert chosen(await advise(ask, ["app"]))["lib"] == "3.0"


async def test_an_ingested_advisory_changes_security(ask: GraphQLClient) -> None:
    assert chosen(await advise(ask, ["app"], recommendationType="SECURITY"))["lib"] == "3.0"
    osv = {
        "id": "GHSA-test-lib",
        "modified": "2026-01-01T00:00:00Z",
        "summary": "lib leaks",
        "affected": [
            {
                "package": {"ecosystem": "PyPI", "name": "lib"},
                "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "2.5"}]}],
            }
        ],
    }
    assert (await ask(ADVISORIES, records=[osv])).errors == []
    answer = await advise(ask, ["app"], recommendationType="SECURITY")
    assert chosen(answer)["lib"] == "2.0"
    lib = justification(answer, "lib")
    assert lib["kind"] == "AVOIDED_NEWER"
    assert lib["reasons"][0]["advisories"] == [{"advisoryId": "GHSA-test-lib"}]


async def test_performance_takes_the_best_measured(ask: GraphQLClient) -> None:
    for lib, value in (("3.0", 10.0), ("1.0", 30.0)):
        metrics = [{"name": "performance", "value": value}, {"name": "latency", "value": -value}]
        await record(ask, "SUCCESS", app="2.0", lib=lib, metrics=metrics)
    answer = await advise(ask, ["app"], recommendationType="PERFORMANCE")
    assert chosen(answer) == {"app": "2.0", "lib": "1.0"}
    lib = justification(answer, "lib")
    assert lib["kind"] == "AVOIDED_NEWER"
    assert "performance 30" in lib["message"]
    notes = [r for r in lib["reasons"] if not r["avoided"]]
    assert len(notes) == 1 and len(notes[0]["stackObservations"]) == 1
    # Another metric, another answer: latency here is higher for 3.0.
    answer = await advise(
        ask, ["app"], recommendationType="PERFORMANCE", performanceMetric="latency"
    )
    assert chosen(answer)["lib"] == "3.0"


async def test_testing_prefers_what_was_never_observed(ask: GraphQLClient) -> None:
    await record(ask, "SUCCESS", app="2.0", lib="3.0")
    answer = await advise(ask, ["app"], recommendationType="TESTING")
    assert chosen(answer) == {"app": "1.0", "lib": "2.0"}


async def test_the_lockfile_renders_both_formats(ask: GraphQLClient) -> None:
    result = await ask(LOCKFILES, input={"requirements": ["app"], "runtimeEnvironment": HERE})
    assert result.errors == []
    assert result.data is not None
    [stack] = result.data["advise"]["stacks"]
    requirements = stack["requirements"]
    assert "--index-url https://pypi.org/simple" in requirements
    assert f"app==2.0 \\\n    --hash=sha256:{HASH}" in requirements
    pylock = tomllib.loads(stack["pylock"])
    assert pylock["lock-version"] == "1.0"
    assert [(p["name"], p["version"]) for p in pylock["packages"]] == [
        ("app", "2.0"),
        ("lib", "3.0"),
    ]
    assert stack["packages"] == [
        {"packageVersion": {"version": "2.0", "requiresPython": None}},
        {"packageVersion": {"version": "3.0", "requiresPython": None}},
    ]


async def test_count_gives_distinct_stacks_best_first(ask: GraphQLClient) -> None:
    answer = await advise(ask, ["app"], count=3)
    assert [chosen(answer, i) for i in range(3)] == [
        {"app": "2.0", "lib": "3.0"},
        {"app": "2.0", "lib": "2.0"},
        {"app": "2.0", "lib": "1.0"},
    ]
    assert answer["optimal"] is True


async def test_the_environment_defaults_to_the_servers_interpreter(ask: GraphQLClient) -> None:
    here = marker_environment(server_environment())["python_version"]
    assert here == f"{sys.version_info.major}.{sys.version_info.minor}"
    elsewhere = "2.7"
    requirements = ["app", f"no-such-package; python_version == '{elsewhere}'"]
    answer = await advise(ask, requirements, runtimeEnvironment=None)
    assert answer["unresolved"] == [] and chosen(answer)["app"] == "2.0"
    answer = await advise(ask, requirements, runtimeEnvironment={"pythonVersion": elsewhere})
    assert answer["unresolved"][0].startswith("no-such-package:")
    # requires-python is read for that environment too: lib 2.0 needs >=3.8.
    answer = await advise(
        ask, ["lib<3"], runtimeEnvironment={"pythonVersion": elsewhere}, recommendationType=None
    )
    assert chosen(answer) == {"lib": "1.0"}


# -- input validation --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"requirements": ["app", "lib>=", "ok"]}, "input.requirements[1]"),
        ({"requirements": []}, "input.requirements"),
        ({"requirements": ["app"], "constraints": ["lib ==="]}, "input.constraints[0]"),
        ({"requirements": ["app"] * (MAX_REQUIREMENTS + 1)}, "input.requirements"),
        ({"requirements": ["app"], "count": 0}, "input.count"),
        ({"requirements": ["app"], "count": 21}, "input.count"),
        ({"requirements": ["app"], "timeLimitMs": 0}, "input.timeLimitMs"),
        ({"requirements": ["app"], "timeLimitMs": 20_001}, "input.timeLimitMs"),
        ({"requirements": ["app"], "performanceMetric": "x" * 101}, "input.performanceMetric"),
        (
            {"requirements": ["app"], "runtimeEnvironment": {"pythonVersion": "three"}},
            "input.runtimeEnvironment.pythonVersion",
        ),
    ],
)
async def test_bad_input_is_bad_user_input_naming_the_field(
    ask: GraphQLClient, fields: dict[str, Any], field: str
) -> None:
    result: Result = await ask(ADVISE, input=fields)
    assert result.codes == ["BAD_USER_INPUT"]
    assert result.errors[0]["extensions"]["field"] == field
    assert result.data is None


async def test_every_malformed_requirement_is_named(ask: GraphQLClient) -> None:
    result = await ask(ADVISE, input={"requirements": ["app>", "lib", "[x]"], "constraints": ["!"]})
    faults = result.errors[0]["extensions"]["faults"]
    assert [f["field"] for f in faults] == [
        "input.requirements[0]",
        "input.requirements[2]",
        "input.constraints[0]",
    ]


# -- the snapshot cache and the event loop -----------------------------------------------


async def test_one_closure_load_per_root_set_until_a_write(
    small: SqliteGraphStore, services: Services, ask: GraphQLClient
) -> None:
    service = services.advise
    await advise(ask, ["app"])
    assert service.closures_loaded == 1
    before = small.round_trips
    # Other questions on the same roots (the read cache cannot answer them): no reload,
    # only the generation read of the read cache and of the service.
    await advise(ask, ["app>=1"], count=2)
    await advise(ask, ["APP"], recommendationType="TESTING")
    assert service.closures_loaded == 1
    # Installability came with the first (LATEST too leaves out what cannot install),
    # the stacks observed here with TESTING.
    assert service.observations_loaded == 2
    await advise(ask, ["app"], recommendationType="STABLE")
    assert service.observations_loaded == 2
    assert small.round_trips - before == 2 + 2 + 2 + 1  # generation reads, the stacks
    await record(ask, "SUCCESS", app="2.0", lib="3.0")
    await advise(ask, ["app"])
    assert service.closures_loaded == 2


async def test_concurrent_cold_requests_share_one_load(
    services: Services, ask: GraphQLClient
) -> None:
    await asyncio.gather(*(advise(ask, ["app"], count=n) for n in (1, 2, 3)))
    assert services.advise.closures_loaded == 1


@dataclass
class HeldScorer:
    started: threading.Event = field(default_factory=threading.Event)
    """Set when the search began."""
    release: threading.Event = field(default_factory=threading.Event)
    """The search finishes only once this is set."""
    off_loop: bool = False
    """Whether the search ran elsewhere than the event loop's thread."""


@pytest.fixture
def held_scorer(monkeypatch: pytest.MonkeyPatch) -> Iterator[HeldScorer]:
    """The scorer, held in whichever thread runs it until the test releases it."""
    held = HeldScorer()
    loop_thread = threading.get_ident()
    real = advise_module.recommend

    def slow(snapshot: Snapshot, request: AdviseRequest, budget: Budget) -> AdviseResult:
        held.off_loop = threading.get_ident() != loop_thread
        held.started.set()
        held.release.wait(30)
        return real(snapshot, request, budget)

    monkeypatch.setattr(advise_module, "recommend", slow)
    yield held
    held.release.set()


async def test_a_long_search_never_blocks_other_requests(
    ask: GraphQLClient, held_scorer: HeldScorer
) -> None:
    searching = asyncio.create_task(advise(ask, ["app"]))
    assert await asyncio.to_thread(held_scorer.started.wait, 30)
    # The search cannot finish until released, so this answer came while it ran.
    result = await ask('{ package(name: "lib") { name } }')
    assert result.errors == [] and result.data == {"package": {"name": "lib"}}
    assert not searching.done()
    held_scorer.release.set()
    assert chosen(await searching) == {"app": "2.0", "lib": "3.0"}
    assert held_scorer.off_loop


# -- real-world sizes, time limits and load ----------------------------------------------


async def test_two_thousand_requirements_are_accepted(ask: GraphQLClient) -> None:
    answer = await advise(ask, ["app", *(f"lib>=1.{i % 10}" for i in range(1999))])
    assert chosen(answer) == {"app": "2.0", "lib": "3.0"} and answer["optimal"]


@pytest.mark.parametrize("optimal", [True, False])
async def test_only_proven_answers_are_served_from_the_read_cache(
    small: SqliteGraphStore, monkeypatch: pytest.MonkeyPatch, optimal: bool
) -> None:
    calls: list[AdviseRequest] = []

    def scorer(snapshot: Snapshot, request: AdviseRequest, budget: Budget) -> AdviseResult:
        calls.append(request)
        return AdviseResult(optimal=optimal)

    monkeypatch.setattr(advise_module, "recommend", scorer)
    async with client(small) as anonymous:  # a token would keep the answer out anyway
        for _ in range(2):
            answer = await advise(anonymous, ["app"])
            assert answer["optimal"] is optimal and answer["stacks"] == []
    # A time-limited non-answer is asked again; a proven one comes from the cache.
    assert len(calls) == (1 if optimal else 2)


async def test_a_saturated_server_answers_unavailable_within_the_time_limit(
    ask: GraphQLClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    release_all = threading.Event()

    def stuck(snapshot: Snapshot, request: AdviseRequest, budget: Budget) -> AdviseResult:
        release_all.wait(10)
        return AdviseResult(optimal=False)

    monkeypatch.setattr(advise_module, "recommend", stuck)
    busy = [
        asyncio.create_task(advise(ask, [f"app>=0.{i}"])) for i in range(advise_module.COMPUTATIONS)
    ]
    await asyncio.sleep(0.2)
    try:
        result = await ask(
            ADVISE, input={"requirements": ["lib"], "timeLimitMs": 300, "runtimeEnvironment": HERE}
        )
        assert result.codes == ["UNAVAILABLE"]
        assert "saturated" in result.errors[0]["message"]
    finally:
        release_all.set()
        await asyncio.gather(*busy)
    assert (await advise(ask, ["lib"]))["stacks"] == []  # served again once a turn is free
